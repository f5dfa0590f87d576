"""From the panel and a policy to what the simulation reads (:class:`~.backtest.Decisions`).

At each session's close, for each stock, with the panel's row (what was known then):

- **Entry** (buy at the next open) when every *required* rule of the policy holds, the weighted
  match score reaches ``min_match_score`` (a policy without rules has none to meet) and the
  recommendation (of the policy-weighted buy/sell scores) is at least ``min_recommendation``
  (``buy``: buy or strong buy). Entries of one session are ranked by match score, then buy score.
- **Exits decided at the close** (sell at the next open): a required rule that *fails* on known
  data (``RULE_FAILED``; missing data alone does not sell a held stock: a gap in a series is not
  a verdict), else a sell recommendation (``SELL_SIGNAL``: sell or strong sell).
- **Exits at the broker** (:class:`~.backtest.ExitRules`): the policy's stop loss and target as
  percentages of the entry fill, its trailing stop, and the holding limit of its horizon
  (``HORIZON_SESSIONS``). Sizing by risk spends the budget of its risk tolerance per trade
  (``RISK_BUDGET``: the share of equity lost if the stop is hit).

Each closed trade gets its reason in the policy's words (:meth:`PolicyDecisions.reason`): the
failed rule as the user wrote it (``rule_texts``, rendered by the caller), the stop's percentage…

What a policy says about a row comes from a :class:`Judge` (the policies domain's
``policies.panel_judge.PolicyJudge``, the same code as a single evaluation): the engine knows no
domain. Warm-up needs no special case: before an indicator has its history it is missing, a
required rule on it does not hold, and nothing is bought.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from kabu_trade.engine.backtest.errors import EngineInputError
from kabu_trade.engine.backtest.orders import Decisions, ExitReason, ExitRules
from kabu_trade.engine.panel import Panel

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

# Sessions a position may be held, by the policy's horizon: about a month, half a year, two years.
HORIZON_SESSIONS = {"short": 20, "medium": 120, "long": 500}
# Share of equity at risk per trade (stop distance × shares), by risk tolerance 1 (cautious) … 5.
RISK_BUDGET = {1: 0.005, 2: 0.0075, 3: 0.01, 4: 0.015, 5: 0.02}
# Recommendations as ranks, so thresholds are comparisons.
RECOMMENDATION_RANK = {"strong_sell": -2, "sell": -1, "neutral": 0, "buy": 1, "strong_buy": 2}
_RANK_NAME = {rank: name for name, rank in RECOMMENDATION_RANK.items()}


@dataclass(frozen=True)
class Verdicts:
    """What a policy says about each row of a panel frame (``Panel.rows``)."""

    match: Floats  # weighted match score 0–100; NaN for a policy without rules
    qualified: Bools  # every required rule holds (missing data does not hold)
    failed_rule: Ints  # index of the first required rule that fails on known data, −1 for none
    recommendation: Ints  # RECOMMENDATION_RANK
    buy_score: Floats


class Judge(Protocol):
    def judge(self, rows: pd.DataFrame) -> Verdicts: ...


@dataclass(frozen=True)
class PolicyTerms:
    """A policy's trading terms, in the engine's units (percent, sessions, shares of equity)."""

    stop_loss_pct: float | None = None
    target_return_pct: float | None = None
    trailing_stop_pct: float | None = None
    max_holding_sessions: int | None = None
    risk_per_trade: float = RISK_BUDGET[3]
    min_match_score: float = 60.0
    min_recommendation: str = "buy"
    rule_texts: tuple[str, ...] = ()  # each rule of the policy in the user's words, in order

    def __post_init__(self) -> None:
        if self.min_recommendation not in RECOMMENDATION_RANK:
            raise EngineInputError("min_recommendation", f"must be one of {', '.join(RECOMMENDATION_RANK)}")
        if not (np.isfinite(self.min_match_score) and 0 <= self.min_match_score <= 100):
            raise EngineInputError("min_match_score", "must lie in [0, 100]")

    @classmethod
    def of_policy(
        cls, policy: dict[str, Any], rule_texts: tuple[str, ...] = (), **thresholds: Any
    ) -> PolicyTerms:
        """Terms from a policy snapshot (horizon, risk_tolerance, stop_loss_pct, target_return_pct,
        trailing_stop_pct) and the backtest's thresholds (``min_match_score``, ``min_recommendation``)."""
        return cls(
            stop_loss_pct=policy.get("stop_loss_pct"),
            target_return_pct=policy.get("target_return_pct"),
            trailing_stop_pct=policy.get("trailing_stop_pct"),
            max_holding_sessions=HORIZON_SESSIONS.get(str(policy.get("horizon"))),
            risk_per_trade=RISK_BUDGET.get(int(policy.get("risk_tolerance") or 3), RISK_BUDGET[3]),
            rule_texts=rule_texts,
            **thresholds,
        )

    def exit_rules(self, dividend_tax_rate: float = 0.0) -> ExitRules:
        return ExitRules(
            stop_loss_pct=self.stop_loss_pct,
            take_profit_pct=self.target_return_pct,
            trailing_stop_pct=self.trailing_stop_pct,
            max_holding_sessions=self.max_holding_sessions,
            dividend_tax_rate=dividend_tax_rate,
        )


@dataclass(frozen=True)
class Judgement:
    """:class:`Verdicts` of every (session, symbol) of a panel, as (sessions × symbols) arrays."""

    match: Floats
    qualified: Bools
    failed_rule: Ints
    recommendation: Ints
    buy_score: Floats


# Rows the judge reads at once: a block's frame of every metric and the scores' intermediates cost
# ~1 KB a row, so 32,768 rows keep them near 40 MB (131,072 took 300 MB of the worker's 400 MB at
# 200 stocks × 5 years); each row is judged alone, so the block size changes no result.
JUDGE_ROWS = 1 << 15


def judge_panel(panel: Panel, judge: Judge) -> Judgement:
    """The judge over the whole panel, a block of sessions at a time."""
    shape = panel.shape
    match, buy = np.full(shape, np.nan), np.full(shape, np.nan)
    qualified = np.zeros(shape, dtype=bool)
    failed = np.full(shape, -1, dtype=np.int64)
    rank = np.zeros(shape, dtype=np.int64)
    for start, stop, rows in panel.chunks(JUDGE_ROWS):
        v = judge.judge(rows)
        block = (stop - start, shape[1])
        match[start:stop] = v.match.reshape(block)
        qualified[start:stop] = v.qualified.reshape(block)
        failed[start:stop] = v.failed_rule.reshape(block)
        rank[start:stop] = v.recommendation.reshape(block)
        buy[start:stop] = v.buy_score.reshape(block)
    return Judgement(match, qualified, failed, rank, buy)


@dataclass(frozen=True)
class PolicyDecisions:
    """The simulation's inputs for one policy, and the words for its exits."""

    decisions: Decisions
    exits: ExitRules
    terms: PolicyTerms
    judgement: Judgement
    symbols: tuple[str, ...]

    def reason(self, trade: Mapping[Any, Any], lang: str = "ja") -> str:
        """Why a trade of ``simulate``'s result ended, in the policy's words."""
        t = self.terms
        ja = lang == "ja"
        name = str(trade["reason"])
        if name in ("rule_failed", "sell_signal"):
            column = self.symbols.index(str(trade["symbol"]))
            row = self._decision_row(trade, column)
            if name == "rule_failed":
                index = -1 if row is None else int(self.judgement.failed_rule[row, column])
                rule = t.rule_texts[index] if 0 <= index < len(t.rule_texts) else f"#{index + 1}"
                return f"必須ルール不成立: {rule}" if ja else f"required rule no longer holds: {rule}"
            rank = -1 if row is None else int(self.judgement.recommendation[row, column])
            rec = _RANK_NAME.get(rank, "sell")
            return f"売り推奨（{rec}）" if ja else f"sell recommendation ({rec})"
        if name == "stop_loss":
            return f"損切り（−{_pct(t.stop_loss_pct)}%）" if ja else f"stop loss (−{_pct(t.stop_loss_pct)} %)"
        if name == "target":
            return (
                f"目標到達（+{_pct(t.target_return_pct)}%）"
                if ja
                else f"target reached (+{_pct(t.target_return_pct)} %)"
            )
        if name == "trailing_stop":
            pct = _pct(t.trailing_stop_pct)
            return (
                f"トレーリングストップ（高値から−{pct}%）"
                if ja
                else f"trailing stop ({pct} % below the high)"
            )
        if name == "max_holding":
            n = t.max_holding_sessions
            return f"保有期間の上限（{n}営業日）" if ja else f"holding period limit ({n} sessions)"
        return "期間終了" if ja else "end of the period"

    def _decision_row(self, trade: Mapping[Any, Any], column: int) -> int | None:
        """The close that decided a decided exit: the first exit signal after the entry (a position
        already due to leave keeps the reason that first made it)."""
        exit_codes = self.decisions.exit
        if exit_codes is None:
            return None
        start, stop = int(trade["entry_session"]), int(trade["exit_session"])
        hits = np.flatnonzero(exit_codes[start:stop, column])
        return start + int(hits[0]) if len(hits) else None


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def decide(panel: Panel, judgement: Judgement, terms: PolicyTerms) -> PolicyDecisions:
    """Entries, exits and ranking scores at every close (module docstring)."""
    has_bar = np.isfinite(panel["close"])
    with np.errstate(invalid="ignore"):
        meets_match = np.isnan(judgement.match) | (judgement.match >= terms.min_match_score)
    entry = (
        has_bar
        & judgement.qualified
        & meets_match
        & (judgement.recommendation >= RECOMMENDATION_RANK[terms.min_recommendation])
    )
    exit_codes = np.zeros(panel.shape, dtype=np.int8)
    exit_codes[has_bar & (judgement.recommendation <= RECOMMENDATION_RANK["sell"])] = ExitReason.SELL_SIGNAL
    exit_codes[has_bar & (judgement.failed_rule >= 0)] = ExitReason.RULE_FAILED
    buy = np.nan_to_num(judgement.buy_score, nan=0.0)
    score = np.where(np.isnan(judgement.match), buy, judgement.match + buy / 1000.0)
    return PolicyDecisions(
        Decisions(entry=entry, exit=exit_codes, score=score),
        terms.exit_rules(),
        terms,
        judgement,
        panel.symbols,
    )
