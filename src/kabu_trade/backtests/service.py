"""A policy backtest over the stored market: load, panel → decisions → simulate → figures.

The universe is read a chunk of stocks at a time (``CHUNK_STOCKS``): each chunk's bars, splits and
disclosures become a panel, the panel becomes the policy's decisions, and only the compact
per-session inputs of the simulation are kept (prices, decisions, the failed rule and the
recommendation for the exit reasons); the metrics are dropped before the next chunk. The panel
starts ``WARM_UP_SESSIONS`` before the period so that indicators have their history on its first
day; nothing is decided before the period starts.

The benchmark is the **equal-weight universe**: each session, the mean split-adjusted close-to-close
return of the stocks that traded on both sessions (a market index is not stored yet).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from kabu_trade.analysis import repository as market_data
from kabu_trade.analysis.panel_metrics import AnalysisMetrics
from kabu_trade.backtests.costs import cost_model
from kabu_trade.backtests.models import Backtest
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope, utcnow
from kabu_trade.core.errors import InvalidInput, NotFound
from kabu_trade.engine.backtest import (
    CostModel,
    Decisions,
    EngineInputError,
    Market,
    PortfolioRules,
    drawdown,
    monthly_returns,
    simulate,
    summarize,
)
from kabu_trade.engine.decisions import Judgement, PolicyDecisions, PolicyTerms, decide, judge_panel
from kabu_trade.engine.panel import Bars, Panel, bars_from_long, build_panel
from kabu_trade.evaluations.rule_text import rule_text
from kabu_trade.market.models import DailyBar
from kabu_trade.policies import service as policies
from kabu_trade.policies.panel_judge import PolicyJudge

WARM_UP_SESSIONS = 260  # the longest lookback (52 weeks = 250 sessions) and a margin
CHUNK_STOCKS = 100  # one chunk's panel and judge stay near 200 MB at 5 years (bench backtest_e2e)
BENCHMARK_NAME = "equal-weight universe"
SIZINGS = {"equal": "equal_weight", "risk": "risk"}
RECOMMENDATIONS = ("strong_buy", "buy", "neutral")
Progress = Callable[[float, str], None]


class PeriodWithoutData(InvalidInput):
    """The period holds no session of the stored market: a 422 naming ``from``."""

    status_code = 422
    error = "validation_error"


def _no_data(start: date, end: date) -> PeriodWithoutData:
    return PeriodWithoutData(f"No market data between {start} and {end}.", field="from")


@dataclass(frozen=True)
class BacktestParams:
    """What a backtest is asked; validated by :meth:`check` (InvalidInput naming the field)."""

    policy_id: int
    start: date
    end: date
    version: int | None = None  # None: the policy as it is now
    cash: float = 10_000_000.0
    cost: str = "zero"
    slippage_bps: float = 0.0
    max_positions: int = 10
    sizing: str = "equal"
    min_match_score: float = 60.0
    min_recommendation: str = "buy"
    check_lookahead: bool = False  # rerun it cut at several sessions and started later (lookahead.py)

    def check(self) -> None:
        if self.start > self.end:
            raise InvalidInput(f"from ({self.start}) is after to ({self.end}).", field="from")
        if self.sizing not in SIZINGS:
            raise InvalidInput(f"sizing must be one of {', '.join(SIZINGS)}.", field="sizing")
        if self.min_recommendation not in RECOMMENDATIONS:
            raise InvalidInput(
                f"min_recommendation must be one of {', '.join(RECOMMENDATIONS)}.", field="min_recommendation"
            )
        if not (math.isfinite(self.min_match_score) and 0 <= self.min_match_score <= 100):
            raise InvalidInput("min_match_score must lie in [0, 100].", field="min_match_score")
        cost_model(self.cost, self.slippage_bps)
        self.portfolio()

    def portfolio(self) -> PortfolioRules:
        try:
            return PortfolioRules(
                cash=float(self.cash),
                max_positions=self.max_positions,
                sizing=SIZINGS[self.sizing],  # type: ignore[arg-type]
            )
        except EngineInputError as exc:
            field = exc.field.removeprefix("portfolio.")
            raise InvalidInput(f"{field}: {exc.message}", field=field) from None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BacktestParams:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        known["start"], known["end"] = date.fromisoformat(data["start"]), date.fromisoformat(data["end"])
        return cls(**known)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        if not self.check_lookahead:  # absent unless asked: runs stored before the option keep their hash
            del data["check_lookahead"]
        return data

    def digest(self) -> str:
        """A hash of the parameters: two identical requests share one stored result."""
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()


def policy_for(session: Session, user_id: int, policy_id: int, version: int | None) -> dict[str, Any]:
    """The policy snapshot to test: a stored version, or the policy as it is now (NotFound
    otherwise, for another user's policy too)."""
    if version is None:
        return policies.policy_snapshot(policies.get_policy_for_user(session, user_id, policy_id))
    row = policies.get_policy_version(session, user_id, policy_id, version)
    return {"policy_id": policy_id, "version": row.version, **dict(row.snapshot)}


def run_backtest(
    session: Session,
    user_id: int,
    params: BacktestParams,
    *,
    lang: str = "ja",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The whole backtest, JSON-ready (module docstring); with ``check_lookahead``, its
    ``lookahead`` part says whether reruns on cut data decided the same (``lookahead.py``)."""
    run = resolve_run(session, user_id, params, lang)
    whole = progress or (lambda _fraction, _message: None)
    share = 0.15 if params.check_lookahead else 1.0  # the check is ~8 backtests' work

    def report(fraction: float, message: str) -> None:
        whole(share * fraction, message)

    policy, terms, calendar, first = run.policy, run.terms, run.calendar, run.first
    codes = market_data.stock_codes(session)
    parts: list[Chunk] = []
    for i in range(0, len(codes), CHUNK_STOCKS):
        chunk = codes[i : i + CHUNK_STOCKS]
        report(i / max(1, len(codes)), f"stocks {i + 1}–{i + len(chunk)} of {len(codes)}")
        part = _chunk(session, chunk, calendar, first, run.judge, terms)
        if part is not None:
            parts.append(part)
    if not parts:
        raise _no_data(params.start, params.end)
    report(1.0, "simulating")
    market, decided = combine(parts, calendar[first:], terms)
    result = simulate(market, decided.decisions, run.portfolio, decided.exits, run.costs)
    benchmark = equal_weight_benchmark(market)
    summary = summarize(result, benchmark)
    summary["benchmark_return_pct"] = float((benchmark[-1] / benchmark[0] - 1) * 100)
    dd = drawdown(result.equity) * 100
    trades = result.trades.copy()
    trades["reason_text"] = [decided.reason(row, lang) for row in trades.to_dict("records")]
    months = monthly_returns(result.dates, result.equity, result.initial_cash)
    lookahead: dict[str, Any] = {"checked": False, "cuts": [], "differences": []}
    if params.check_lookahead:
        from kabu_trade.backtests.lookahead import check_lookahead  # it builds on this module

        lookahead = check_lookahead(
            session, user_id, params, progress=lambda f, m: whole(share + (1 - share) * f, m)
        )
    return {
        "params": params.to_json(),
        "policy": {"id": policy["policy_id"], "version": policy["version"], "name": policy.get("name")},
        "universe": len(market.symbols),
        "benchmark": BENCHMARK_NAME,
        "summary": summary,
        "equity": [
            {
                "date": str(d),
                "equity": float(e),
                "benchmark": float(b) * result.initial_cash,
                "drawdown_pct": float(x),
            }
            for d, e, b, x in zip(
                result.dates.astype("datetime64[D]"), result.equity, benchmark, dd, strict=True
            )
        ],
        "trades": _records(trades),
        "monthly_returns": [
            {"month": str(month), "return_pct": float(value)} for month, value in months.items()
        ],
        "lookahead": lookahead,
    }


@dataclass(frozen=True)
class ResolvedRun:
    """A checked request resolved: the policy, its terms and judge, the sessions to load."""

    policy: dict[str, Any]
    terms: PolicyTerms
    judge: PolicyJudge
    costs: CostModel
    portfolio: PortfolioRules
    calendar: np.ndarray  # from the warm-up's first session to the period's last
    first: int  # the period's first session in ``calendar``


def resolve_run(session: Session, user_id: int, params: BacktestParams, lang: str) -> ResolvedRun:
    params.check()
    policy = policy_for(session, user_id, params.policy_id, params.version)
    calendar = sessions_between(session, params.start, params.end)
    first = int(np.searchsorted(calendar, np.datetime64(params.start, "D")))
    if first >= len(calendar):
        raise _no_data(params.start, params.end)
    rules = list(policy.get("rules") or [])
    terms = PolicyTerms.of_policy(
        policy,
        rule_texts=tuple(rule_text(rule, lang) for rule in rules),
        min_match_score=params.min_match_score,
        min_recommendation=params.min_recommendation,
    )
    return ResolvedRun(
        policy,
        terms,
        PolicyJudge(policy),
        cost_model(params.cost, params.slippage_bps),
        params.portfolio(),
        calendar,
        first,
    )


def equal_weight_benchmark(market: Market) -> np.ndarray:
    """Levels (1 at the first session) of the equal-weight universe (module docstring)."""
    close = market.close
    factor = market.adj_factor if market.adj_factor is not None else np.ones(close.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = close[1:] / (close[:-1] * factor[1:]) - 1.0
    r = np.where(np.isfinite(r), r, np.nan)
    counts = np.isfinite(r).sum(axis=1)
    mean = np.where(counts > 0, np.nansum(r, axis=1) / np.maximum(counts, 1), 0.0)
    return np.concatenate([[1.0], np.cumprod(1.0 + mean)])


# --- stored backtests (the API and the worker) -------------------------------------------------------


def prepare(session: Session, user_id: int, params: BacktestParams, lang: str) -> tuple[Backtest, bool]:
    """The stored backtest for these parameters and whether it was just created: the user's
    identical request is the same row (its job layer decides whether it must run again: only
    when it has no result and its job failed). The policy version is resolved first, so "the
    policy as it is now" after an edit is a new run."""
    params.check()
    policy = policy_for(session, user_id, params.policy_id, params.version)
    resolved = replace(params, version=int(policy["version"]))
    if (
        session.scalar(select(DailyBar.date).where(DailyBar.date.between(params.start, params.end)).limit(1))
        is None
    ):
        raise _no_data(params.start, params.end)
    document = {**resolved.to_json(), "lang": lang}
    digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
    existing = session.scalar(
        select(Backtest).where(Backtest.owner_id == user_id, Backtest.params_hash == digest)
    )
    if existing is not None:
        return existing, False
    backtest = Backtest(
        owner_id=user_id,
        policy_id=params.policy_id,
        policy_version=resolved.version,
        params=document,
        params_hash=digest,
        created_at=utcnow(),
    )
    session.add(backtest)
    session.flush()
    return backtest, True


def run_stored(context: AppContext, backtest_id: int, progress: Progress | None = None) -> dict[str, Any]:
    """Run a stored backtest (the worker's job) and keep its result; a failure keeps nothing."""
    with session_scope(context.sessions) as session:
        backtest = session.get(Backtest, backtest_id)
        if backtest is None:
            raise NotFound(f"Backtest {backtest_id} was deleted before it ran.", field="backtest_id")
        document = dict(backtest.params)
        result = run_backtest(
            session,
            backtest.owner_id,
            BacktestParams.from_json(document),
            lang=str(document.get("lang") or "ja"),
            progress=progress,
        )
    with session_scope(context.sessions) as session:
        backtest = session.get(Backtest, backtest_id)
        if backtest is None:
            raise NotFound(f"Backtest {backtest_id} was deleted while it ran.", field="backtest_id")
        backtest.result = result
        backtest.finished_at = utcnow()
    summary = result["summary"]
    return {
        "backtest_id": backtest_id,
        "trades": summary["trades"],
        "return_pct": summary["return_pct"],
        "final_equity": summary["final_equity"],
    }


def list_owned(session: Session, user_id: int) -> list[Backtest]:
    query = select(Backtest).where(Backtest.owner_id == user_id).order_by(Backtest.id.desc())
    return list(session.scalars(query))


def get_owned(session: Session, user_id: int, backtest_id: int) -> Backtest:
    """The user's backtest; another user's is "not found" too, so ids reveal nothing."""
    backtest = session.get(Backtest, backtest_id)
    if backtest is None or backtest.owner_id != user_id:
        raise NotFound(f"Backtest {backtest_id} was not found.", field="backtest_id")
    return backtest


def delete_owned(session: Session, user_id: int, backtest_id: int) -> None:
    session.delete(get_owned(session, user_id, backtest_id))


# --- loading and chunks ---------------------------------------------------------------------------


def sessions_between(session: Session, start: date, end: date) -> np.ndarray:
    """Market sessions from the warm-up's first one to ``end``."""
    warm = market_data.first_of_last_sessions(session, start - timedelta(days=1), WARM_UP_SESSIONS)
    query = select(DailyBar.date).distinct().where(DailyBar.date <= end).order_by(DailyBar.date)
    if warm is not None:
        query = query.where(DailyBar.date >= warm)
    days = list(session.scalars(query))
    return np.array(days, dtype="datetime64[D]")


@dataclass
class Chunk:
    symbols: tuple[str, ...]
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    adj_factor: np.ndarray
    decisions: Decisions
    judgement: Judgement


def _chunk(
    session: Session,
    codes: Sequence[str],
    calendar: np.ndarray,
    first: int,
    judge: PolicyJudge,
    terms: PolicyTerms,
) -> Chunk | None:
    built = chunk_panel(session, codes, calendar)
    if built is None:
        return None
    panel_bars, panel = built
    judgement = judge_panel(panel, judge)
    return compact(panel_bars, judgement, decide(panel, judgement, terms).decisions, first)


def chunk_panel(session: Session, codes: Sequence[str], calendar: np.ndarray) -> tuple[Bars, Panel] | None:
    """The bars and the panel of ``codes`` over ``calendar``, from the data stored up to its last
    session (bars, splits and disclosures after it are not read: the look-ahead check relies on it)."""
    start, end = pd.Timestamp(calendar[0]).date(), pd.Timestamp(calendar[-1]).date()
    bars = market_data.bars_of(session, codes, start, end)
    if bars.empty:
        return None
    splits = market_data.split_events_of(session, codes, end)
    bars["adj_factor"] = 1.0
    if len(splits):
        keyed = splits.assign(date=pd.to_datetime(splits["date"])).set_index(["code", "date"])["adj_factor"]
        key = pd.MultiIndex.from_arrays([bars["code"], pd.to_datetime(bars["date"])])
        found = keyed.reindex(key).to_numpy(dtype=float)
        bars["adj_factor"] = np.where(np.isfinite(found), found, 1.0)
    panel_bars = bars_from_long(bars, sessions=calendar)
    earlier = splits.rename(columns={"adj_factor": "factor"})
    earlier = earlier[pd.to_datetime(earlier["date"]) < pd.Timestamp(calendar[0])]
    source = AnalysisMetrics(market_data.disclosures_of(session, codes, end), earlier_splits=earlier)
    return panel_bars, build_panel(panel_bars, source)


def compact(panel_bars: Bars, judgement: Judgement, decided: Decisions, first: int) -> Chunk | None:
    """What the simulation and the exit reasons keep of a chunk, from the period's first session."""
    cut = slice(first, None)
    if not np.isfinite(panel_bars.close[cut]).any():
        return None
    sliced = Judgement(*(getattr(judgement, f)[cut] for f in judgement.__dataclass_fields__))
    return Chunk(
        panel_bars.symbols,
        panel_bars.open[cut],
        panel_bars.high[cut],
        panel_bars.low[cut],
        panel_bars.close[cut],
        (panel_bars.adj_factor if panel_bars.adj_factor is not None else np.ones(panel_bars.close.shape))[
            cut
        ],
        Decisions(
            entry=decided.entry[cut],
            exit=None if decided.exit is None else decided.exit[cut],
            score=None if decided.score is None else decided.score[cut],
        ),
        sliced,
    )


def combine(parts: list[Chunk], dates: np.ndarray, terms: PolicyTerms) -> tuple[Market, PolicyDecisions]:
    def stack(get: Callable[[Chunk], Any]) -> Any:
        return np.concatenate([get(p) for p in parts], axis=1)

    symbols = tuple(s for p in parts for s in p.symbols)
    adj = stack(lambda p: p.adj_factor)
    adj[0] = 1.0  # a split on the first session happened before the account existed
    market = Market(
        dates,
        symbols,
        stack(lambda p: p.open),
        stack(lambda p: p.high),
        stack(lambda p: p.low),
        stack(lambda p: p.close),
        adj,
    )
    decisions = Decisions(
        entry=stack(lambda p: p.decisions.entry),
        exit=stack(lambda p: p.decisions.exit),
        score=stack(lambda p: p.decisions.score),
    )
    judgement = Judgement(
        *(
            np.concatenate([getattr(p.judgement, f) for p in parts], axis=1)
            for f in Judgement.__dataclass_fields__
        )
    )
    return market, PolicyDecisions(decisions, terms.exit_rules(), terms, judgement, symbols)


def _records(trades: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for row in trades.to_dict("records"):
        out: dict[str, Any] = {}
        for key, value in row.items():
            if isinstance(value, pd.Timestamp | np.datetime64):
                out[str(key)] = str(pd.Timestamp(value).date())
            elif isinstance(value, float | np.floating):
                out[str(key)] = float(value) if math.isfinite(float(value)) else None
            elif isinstance(value, np.integer):
                out[str(key)] = int(value)
            else:
                out[str(key)] = value
        rows.append(out)
    return rows
