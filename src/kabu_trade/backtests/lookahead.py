"""No look-ahead, proven on the stored market: a backtest rerun on data cut at several sessions must
decide exactly what the full run decided up to each cut (issue 11, point 5).

**The full run** reads every session stored up to the latest one (not only up to the period's end),
so that the last cut — the period's last session — proves the period's end sees nothing of what came
after it either. **Cuts**: ``CUTS`` sessions evenly spaced inside the period, and its last session
when later data exists. A cut run reads the database as it stood at that close: bars, splits and
disclosures dated up to the cut only (``service.chunk_panel`` reads nothing after its calendar's last
session). Up to each cut, these must be the same:

- every **panel metric** (what the rules and scores read) of every stock at every session from the
  warm-up's first one (relative tolerance ``METRIC_RTOL``: fundamentals are computed on the last
  session's share basis and brought back, so a split after the cut may move the last bits);
- every **signal and decision** from the period's first session: entry, exit code, ranking score,
  recommendation and first failed required rule — exactly;
- every **trade opened** up to the cut: its symbol, entry day, fill and value; and, for a trade the
  cut run also closed, its exit day, fill, shares and reason. The trades the full run opened up to
  the cut are all in the cut run (closed or still held).

**Warm-up stability.** A backtest whose period starts later (at ``S``, the period's middle session
that is more than ``WARM_UP_SESSIONS`` into the data) loads its own ``WARM_UP_SESSIONS`` of history
before ``S``, as every backtest does: from ``S`` on, where both runs have their full warm-up, its
metrics must equal the full run's within ``WARM_UP_RTOL`` and its signals and decisions exactly.
Why a tolerance here and not for the cuts: recursive indicators (EMA, MACD, RSI's and ADX's Wilder
smoothing) never forget their seed, they only shrink it by (1 − α) a session — after 260 sessions to
about e⁻¹⁹ of the price — while windowed ones (SMA, 52-week high, returns) agree bit for bit. A
decision that flips on such a remainder would be reported (none does on the demo universe). Its
trades are not compared: it starts with an empty account at ``S``.

A difference names the check (``cut`` with its date, or ``warm_up``), what differs (``metric``,
``decision`` or ``trade``) and its name, and the first session and stock where it does, with both
values and how many cells differ. The check costs a panel per cut per chunk of stocks (1 + cuts + 1
runs' worth of time); memory stays one chunk's panels at a time plus each run's compact inputs.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kabu_trade.analysis import repository as market_data
from kabu_trade.backtests import service
from kabu_trade.backtests.service import BacktestParams, Chunk, Progress
from kabu_trade.engine.backtest import simulate
from kabu_trade.engine.decisions import Judgement, decide, judge_panel
from kabu_trade.engine.panel import Bars, Panel
from kabu_trade.market.models import DailyBar

CUTS = 5
METRIC_RTOL = 1e-9
WARM_UP_RTOL = 1e-6  # of the metric's own scale (module docstring)
DECISIONS = ("entry", "exit", "score")
VERDICTS = ("recommendation", "failed_rule")


@dataclass(frozen=True)
class Difference:
    """Where a rerun decided otherwise than the full run (the first cell, and how many differ)."""

    check: str  # "cut" or "warm_up"
    cut: str | None  # the cut's session (YYYY-MM-DD) for a cut
    kind: str  # "metric", "decision" or "trade"
    name: str  # the metric, the decision, or the trade's field
    date: str
    symbol: str
    full: Any
    rerun: Any
    cells: int = 1

    def text(self) -> str:
        where = f"cut at {self.cut}" if self.check == "cut" else "later start (warm-up)"
        more = f" ({self.cells} cells)" if self.cells > 1 else ""
        return (
            f"{where}: {self.kind} {self.name} differs on {self.date} for {self.symbol}: "
            f"full run {self.full!r}, rerun {self.rerun!r}{more}"
        )


def check_lookahead(
    session: Session,
    user_id: int,
    params: BacktestParams,
    *,
    progress: Progress | None = None,
    cuts: int = CUTS,
) -> dict[str, Any]:
    """Rerun the backtest cut at several sessions and started later; JSON-ready (module docstring):
    ``{checked, cuts, warm_up: {start, compared_from}, differences: [...]}``."""
    report = progress or (lambda _fraction, _message: None)
    period = service.resolve_run(session, user_id, params, "en")
    latest = session.scalar(select(func.max(DailyBar.date)))
    full_calendar = (
        service.sessions_between(session, params.start, latest)
        if latest is not None and latest > params.end
        else period.calendar
    )
    first, last = period.first, len(period.calendar) - 1
    cut_rows = _cut_rows(first, last, len(full_calendar) - 1, cuts)
    start = _later_start(first, last)
    later_from = None if start is None else start - service.WARM_UP_SESSIONS

    found: list[Difference] = []
    full_parts: list[Chunk] = []
    cut_parts: dict[int, list[Chunk]] = {row: [] for row in cut_rows}
    codes = market_data.stock_codes(session)
    for i in range(0, len(codes), service.CHUNK_STOCKS):
        chunk = codes[i : i + service.CHUNK_STOCKS]
        report(i / max(1, len(codes)), f"look-ahead check: stocks {i + 1}–{i + len(chunk)} of {len(codes)}")
        built = service.chunk_panel(session, chunk, full_calendar)
        if built is None:
            continue
        bars, panel = built
        full = _Decided.of(period, bars, panel)
        part = service.compact(bars, full.judgement, full.decisions, first)
        if part is not None:
            full_parts.append(part)
        for row in cut_rows:
            rerun = service.chunk_panel(session, chunk, full_calendar[: row + 1])
            if rerun is None:
                continue
            cut = _Decided.of(period, *rerun)
            label = _day(full_calendar[row])
            found += _compare(full, cut, 0, 0, first, row + 1, "cut", label, METRIC_RTOL)
            part = service.compact(rerun[0], cut.judgement, cut.decisions, first)
            if part is not None:
                cut_parts[row].append(part)
        if later_from is not None and start is not None:
            rerun = service.chunk_panel(session, chunk, full_calendar[later_from:])
            if rerun is not None:
                later = _Decided.of(period, *rerun)
                found += _compare(
                    full, later, later_from, start, start, len(full_calendar), "warm_up", None, WARM_UP_RTOL
                )
    if not full_parts:
        raise service._no_data(params.start, params.end)
    report(1.0, "look-ahead check: simulating the cuts")
    full_trades = _trades(period, full_parts, full_calendar[first:])
    for row, parts in cut_parts.items():
        if parts:
            cut_trades = _trades(period, parts, full_calendar[first : row + 1])
            found += _compare_trades(full_trades, cut_trades, _day(full_calendar[row]))
    return {
        "checked": True,
        "cuts": [_day(full_calendar[row]) for row in cut_rows],
        "warm_up": {
            "start": None if start is None else _day(full_calendar[start]),
            "loaded_from": None if later_from is None else _day(full_calendar[later_from]),
            "sessions": service.WARM_UP_SESSIONS,
        },
        "differences": [asdict(d) | {"text": d.text()} for d in found],
    }


def _cut_rows(first: int, last: int, full_last: int, cuts: int) -> list[int]:
    """``cuts`` sessions evenly spaced inside [first, last] and ``last`` when data follows it."""
    inside = np.linspace(first, last, cuts + 2)[1:-1].round().astype(int).tolist()
    rows = sorted(set(inside) | ({last} if full_last > last else set()))
    return [r for r in rows if first <= r <= last and r < full_last]


def _later_start(first: int, last: int) -> int | None:
    """The later run's first session: the period's middle, once it lies past a full warm-up."""
    start = max((first + last + 1) // 2, service.WARM_UP_SESSIONS + 1)
    return start if start <= last else None


@dataclass(frozen=True)
class _Decided:
    panel: Panel
    judgement: Judgement
    decisions: Any  # engine.backtest.Decisions

    @classmethod
    def of(cls, run: service.ResolvedRun, bars: Bars, panel: Panel) -> _Decided:
        judgement = judge_panel(panel, run.judge)
        return cls(panel, judgement, decide(panel, judgement, run.terms).decisions)


def _compare(
    full: _Decided,
    rerun: _Decided,
    offset: int,
    compare_from: int,
    decide_from: int,
    stop: int,
    check: str,
    cut: str | None,
    rtol: float,
) -> list[Difference]:
    """The full run's rows against the rerun's, whose first row is the full run's ``offset``, up
    to ``stop``: metrics from ``compare_from``, signals and decisions from ``decide_from``. Floats
    within ``rtol`` (of the stock's largest value for the later start), the rest exactly.

    Stocks are matched by code: a rerun lacks the stocks without a bar in its data (listed after
    the cut, gone before the later start), which must then have no bar and no entry in the full
    run's compared rows either."""
    found: list[Difference] = []
    dates, symbols = full.panel.dates, rerun.panel.symbols
    at = {code: i for i, code in enumerate(full.panel.symbols)}
    cols = np.array([at[code] for code in symbols], dtype=np.int64)
    for code in sorted(set(at) - set(symbols)):
        i = at[code]
        for kind, name, values in (
            ("metric", "close", np.isfinite(full.panel["close"][compare_from:stop, i])),
            ("decision", "entry", full.decisions.entry[decide_from:stop, i]),
        ):
            if values.any():
                row = int(np.flatnonzero(values)[0])
                first = compare_from if kind == "metric" else decide_from
                day = _day(dates[first + row])
                found.append(
                    Difference(check, cut, kind, name, day, code, _plain(True), None, int(values.sum()))
                )

    def note(kind: str, name: str, a: np.ndarray, b: np.ndarray, differs: np.ndarray, row0: int) -> None:
        cells = np.argwhere(differs)
        if len(cells):
            r, s = (int(x) for x in cells[0])
            found.append(
                Difference(
                    check,
                    cut,
                    kind,
                    name,
                    _day(dates[row0 + r]),
                    symbols[s],
                    _plain(a[r, s]),
                    _plain(b[r, s]),
                    len(cells),
                )
            )

    names = sorted(set(full.panel.columns) | set(rerun.panel.columns))
    for name in names:
        a = full.panel[name][compare_from:stop, cols]
        b = rerun.panel[name][compare_from - offset : stop - offset]
        note("metric", name, a, b, ~_close(a, b, rtol, check == "warm_up"), compare_from)
    r0 = decide_from - offset
    for kind, names_, left, right in (
        ("decision", DECISIONS, full.decisions, rerun.decisions),
        ("decision", VERDICTS, full.judgement, rerun.judgement),
    ):
        for name in names_:
            a = getattr(left, name)[decide_from:stop, cols]
            b = getattr(right, name)[r0 : stop - offset]
            differs = ~_close(a, b, rtol, check == "warm_up") if a.dtype.kind == "f" else a != b
            note(kind, name, a, b, differs, decide_from)
    return found


def _close(a: np.ndarray, b: np.ndarray, rtol: float, of_scale: bool) -> np.ndarray:
    """Equal within ``rtol`` of each value, or of each stock's largest value (``of_scale``: a
    recursive indicator's remainder is a fraction of its level, not of a value near zero)."""
    with np.errstate(invalid="ignore"):
        same = np.isclose(a, b, rtol=rtol, atol=0.0, equal_nan=True)
        if of_scale and len(a):
            scale = rtol * np.nanmax(np.where(np.isfinite(a), np.abs(a), 0.0), axis=0)
            same |= np.abs(a - b) <= scale
    return np.asarray(same)


Trades = dict[tuple[str, str], dict[str, Any]]


def _trades(run: service.ResolvedRun, parts: list[Chunk], dates: np.ndarray) -> Trades:
    """Every trade the run opened, closed or still held (``exit_date`` None), by (symbol, entry day)."""
    market, decided = service.combine(parts, dates, run.terms)
    result = simulate(market, decided.decisions, run.portfolio, decided.exits, run.costs)
    found: Trades = {}
    for record in _records(result.trades):
        found[(str(record["symbol"]), _day(record["entry_date"]))] = record
    for record in _records(result.open_positions):
        found[(str(record["symbol"]), _day(record["entry_date"]))] = {
            **record,
            "exit_date": None,
            "reason": None,
        }
    return found


def _compare_trades(full: Trades, cut: Trades, label: str) -> list[Difference]:
    """The trades opened up to the cut (module docstring)."""
    found: list[Difference] = []

    def note(name: str, key: tuple[str, str], a: Any, b: Any) -> None:
        found.append(Difference("cut", label, "trade", name, key[1], key[0], _plain(a), _plain(b)))

    for key in sorted(k for k in full if k[1] <= label and k not in cut):
        note("opened", key, True, False)
    for key, rerun in sorted(cut.items()):
        whole = full.get(key)
        if whole is None:
            note("opened", key, False, True)
            continue
        fields = ["entry_price", "entry_value"]
        if rerun["exit_date"] is not None:  # closed before the cut: closed the same way in the full run
            fields += ["exit_date", "exit_price", "shares", "reason"]
        for name in fields:
            a, b = _plain(whole[name]), _plain(rerun[name])
            same = a == b or (
                isinstance(a, float) and isinstance(b, float) and math.isclose(a, b, rel_tol=1e-12)
            )
            if not same:
                note(name, key, a, b)
    return found


def _day(value: Any) -> str:
    return str(pd.Timestamp(value).date())


def _plain(value: Any) -> Any:
    """A JSON-ready value: numbers as numbers (NaN as None), days as YYYY-MM-DD."""
    if isinstance(value, np.datetime64 | pd.Timestamp):
        return None if pd.isna(value) else _day(value)
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer | int):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if np.isnan(value) else float(value)
    return None if value is None else str(value)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]
