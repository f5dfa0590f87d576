"""Fundamental metrics, point in time: only disclosures published on or before the as-of date, with
per-share figures brought to the as-of share basis by the splits between each disclosure and it.

``fundamental_metrics`` serves one stock and ``analysis.universe`` the whole market through the same
vectorised ``_fundamental_table`` (one pass over every disclosure, no loop per stock).

Definitions (% values are × 100):

- ``eps``: EPS of the latest full year (FY) — quarterly EPS is cumulative-to-date, so it would
  overstate PER. ``per`` = close / ``eps``, None when EPS ≤ 0 (a loss has no meaningful PER).
- ``forecast_eps``, ``forecast_dps``: the full-year forecasts, each from the latest disclosure that
  has it. A forecast revision (J-Quants ``EarnForecastRevision``, ``DividendForecastRevision``)
  revises one forecast and leaves the other blank; taking the latest row whole would wipe the other.
  ``forward_per`` = close / forecast EPS.
- ``bps``: the latest BPS disclosed (quarters often omit it); ``pbr`` = close / BPS.
- ``roe``: latest FY net income / latest equity. ``payout_ratio``: FY DPS / FY EPS.
- ``dividend_yield``: forecast annual DPS (else the last FY DPS) / close.
- ``equity_ratio``: equity / total assets of the latest balance sheet.
- ``operating_margin``: operating profit / sales of the latest results.
- ``sales_growth_pct``, ``eps_growth_pct``: the latest results against the same period type and
  period end one year earlier (figures are cumulative, so 2Q compares with the prior 2Q); None when
  that disclosure is missing or its value ≤ 0.
- ``market_cap``: close × the latest shares outstanding.
- ``days_since_disclosure``: days from the latest disclosure to the as-of date.
- ``days_to_next_disclosure``: an *estimate*: companies publish on a steady yearly rhythm, so the
  next period's disclosure is expected 365 days after the same period's disclosure a year earlier;
  without that history, 91 days after the latest period was first disclosed. Only results count
  as a period here: a forecast revision is filed under the fiscal year it forecasts, and taking its
  period would push the estimate to the year end. Negative means overdue; None once it is overdue
  by more than 10 days (the estimate has failed).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from numbers import Real
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kabu_trade.analysis._frames import _days, _floats, _require_frame
from kabu_trade.analysis.catalog import FUNDAMENTAL_METRICS
from kabu_trade.market.earnings_schedule import OVERDUE_TOLERANCE_DAYS, expected_next_disclosure
from kabu_trade.market.providers.base import FUNDAMENTAL_COLUMNS
from kabu_trade.market.ratios import fundamental_ratios

Floats = NDArray[np.float64]
Ints = NDArray[np.intp]

__all__ = ["PER_SHARE", "fundamental_metrics", "fundamental_panel", "fundamental_ratios"]

PER_SHARE = ["eps", "forecast_eps", "bps", "dps", "forecast_dps"]
DISCLOSURE_COLUMNS = FUNDAMENTAL_COLUMNS[1:]  # without the code
_VALUES = DISCLOSURE_COLUMNS[3:]
# Figures only results report; a forecast revision has none of them.
ACTUALS = [c for c in _VALUES if c not in ("forecast_eps", "forecast_dps")]


def fundamental_metrics(
    disclosures: pd.DataFrame,
    close: float | None,
    as_of: date,
    split_events: Sequence[tuple[date, float]] = (),
) -> dict[str, float | None]:
    """Every fundamental metric of the catalog for one stock as known on ``as_of``.

    ``disclosures``: its financial summaries (FUNDAMENTAL_COLUMNS; ``code`` optional), per-share
    figures as reported then. ``close``: the close on ``as_of`` (today's share basis), None if
    unknown. ``split_events``: (ex-date, factor) of its splits, J-Quants semantics (0.5 for 1:2);
    those after ``as_of`` are ignored.
    """
    frame = _require_frame(disclosures, DISCLOSURE_COLUMNS, "disclosures")
    if close is not None and (
        isinstance(close, bool) or not isinstance(close, Real) or not np.isfinite(close) or close <= 0
    ):
        raise ValueError(f"close must be a positive number or None, got {close!r}")
    if not isinstance(as_of, date):
        raise ValueError(f"as_of must be a date, got {type(as_of).__name__}")
    day = np.array([as_of.date() if isinstance(as_of, datetime) else as_of], dtype="datetime64[D]")
    days, factors = _split_events(split_events)
    values = _fundamental_table(
        frame.assign(code="_"),
        pd.Index(["_"]),
        np.array([np.nan if close is None else float(close)]),
        day,
        _splits(np.zeros(len(days), dtype=np.intp), days, factors, day),
    )
    return {name: _python_value(name, values[name][0]) for name in FUNDAMENTAL_METRICS}


# Metrics that move with the close between two disclosures, and how: close × x or x ÷ close.
_TIMES_CLOSE = ("per", "forward_per", "pbr", "market_cap")
_OVER_CLOSE = ("dividend_yield",)


def fundamental_panel(
    disclosures: pd.DataFrame,
    codes: Sequence[str],
    sessions: NDArray[np.datetime64],
    closes: Floats,
    known_by: NDArray[np.datetime64],
    split_events: pd.DataFrame | None = None,
) -> dict[str, Floats]:
    """Every fundamental metric of the catalog for each (session, code): (sessions × codes) arrays,
    the backtest panel's fundamental half (``kabu_trade.engine.panel``).

    ``closes`` (sessions × codes, NaN = no bar) and the per-share figures are on the share basis of
    the last session (every split in ``split_events`` — columns code, date, factor — up to it);
    ``known_by[i]``: the last disclosure date that counts at session i. The table is computed once
    per session where a new disclosure becomes known (not per session): between two, only the close
    and the day counts move, and they are applied here. Values equal ``fundamental_metrics`` on the
    same basis up to float rounding of the close-dependent ratios.
    """
    frame = _require_frame(disclosures, ["code", *DISCLOSURE_COLUMNS], "disclosures")
    index = pd.Index(list(codes))
    n_sessions, n = len(sessions), len(index)
    sessions = np.asarray(sessions, dtype="datetime64[D]")
    known_by = np.asarray(known_by, dtype="datetime64[D]")
    basis = np.full(n, sessions[-1] if n_sessions else np.datetime64("NaT"), dtype="datetime64[D]")
    if split_events is not None and len(split_events):
        ids = index.get_indexer(pd.Index(split_events["code"]))
        splits = _splits(
            ids.astype(np.intp),
            _days(split_events["date"], "split_events.date"),
            _floats(split_events["factor"], "split_events.factor"),
            basis,
        )
    else:
        splits = _splits(np.zeros(0, np.intp), np.zeros(0, "datetime64[D]"), np.zeros(0), basis)
    out = {name: np.full((n_sessions, n), np.nan) for name in FUNDAMENTAL_METRICS}
    if n_sessions == 0 or n == 0:
        return out
    disclosed = np.sort(_days(frame["disclosed_date"], "disclosures.disclosed_date"))
    # How many disclosures are known at each session: the table changes only where that grows.
    seen = np.searchsorted(disclosed, known_by, side="right")
    starts = np.flatnonzero(np.r_[True, seen[1:] != seen[:-1]])
    ends = np.r_[starts[1:], n_sessions]
    ones = np.ones(n)
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        as_of = np.full(n, sessions[start], dtype="datetime64[D]")
        cut = np.full(n, known_by[start], dtype="datetime64[D]")
        unit = _fundamental_table(frame, index, ones, as_of, splits, known_by=cut)
        for name in FUNDAMENTAL_METRICS:
            out[name][start:end] = unit[name]
        elapsed = (sessions[start:end] - sessions[start]).astype(np.int64).astype(float)[:, None]
        out["days_since_disclosure"][start:end] += elapsed
        out["days_to_next_disclosure"][start:end] -= elapsed
    ahead = out["days_to_next_disclosure"]
    with np.errstate(invalid="ignore"):
        out["days_to_next_disclosure"] = np.where(ahead >= -OVERDUE_TOLERANCE_DAYS, ahead, np.nan)
        for name in _TIMES_CLOSE:
            out[name] = out[name] * closes
        for name in _OVER_CLOSE:
            out[name] = np.where(closes > 0, out[name] / closes, np.nan)
    for name, values in out.items():
        out[name] = np.where(np.isfinite(values), values, np.nan)
    return out


def _python_value(name: str, value: float) -> float | None:
    if not np.isfinite(value):
        return None
    return int(value) if name.startswith("days_") else float(value)


def _split_events(split_events: Sequence[tuple[date, float]]) -> tuple[NDArray[np.datetime64], Floats]:
    try:
        pairs = [(day, float(factor)) for day, factor in split_events]
    except (TypeError, ValueError):
        raise ValueError("split_events must be (date, factor) pairs") from None
    if any(not isinstance(day, date) or not np.isfinite(f) or f <= 0 for day, f in pairs):
        raise ValueError("split_events must be (date, factor) pairs with a positive factor")
    days = np.array([d for d, _ in pairs], dtype="datetime64[D]").reshape(len(pairs))
    return days, np.array([f for _, f in pairs], dtype=np.float64).reshape(len(pairs))


# --- the vectorised core --------------------------------------------------------------------------


def _last_rows(code_id: Ints, mask: NDArray[np.bool_], n_codes: int) -> Ints:
    """Per code, the position of the last row where ``mask`` holds (rows sorted by code, then
    time); −1 where none."""
    out = np.full(n_codes, -1, dtype=np.intp)
    rows = np.flatnonzero(mask)
    if len(rows):
        ids = code_id[rows]
        ends = np.r_[ids[1:] != ids[:-1], True]
        out[ids[ends]] = rows[ends]
    return out


def _take(values: Floats, rows: Ints) -> Floats:
    """values[rows], NaN where a row is −1."""
    if len(values) == 0:
        return np.full(len(rows), np.nan)
    return np.where(rows >= 0, values[np.maximum(rows, 0)], np.nan)


def _take_keys(keys: NDArray[np.int64], rows: Ints) -> NDArray[np.int64]:
    """keys[rows], −1 (never a key) where a row is −1."""
    if len(keys) == 0:
        return np.full(len(rows), -1, dtype=np.int64)
    return np.where(rows >= 0, keys[np.maximum(rows, 0)], -1)


def _divide(numerator: Floats, denominator: Floats, scale: float = 1.0) -> Floats:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / denominator * scale, np.nan)


def _lookup(keys: NDArray[np.int64], wanted: NDArray[np.int64], keep: Literal["first", "last"]) -> Ints:
    """Position in ``keys`` of each wanted key (the first or last occurrence), −1 where absent."""
    unique = ~pd.Index(keys).duplicated(keep=keep)
    found = pd.Index(keys[unique]).get_indexer(pd.Index(wanted))
    return _chain(np.flatnonzero(unique), found)


def _chain(outer: Ints, inner: Ints) -> Ints:
    """outer[inner], −1 where ``inner`` is −1."""
    if len(outer) == 0:
        return np.full(len(inner), -1, dtype=np.intp)
    return np.where(inner >= 0, outer[np.maximum(inner, 0)], -1)


class _Splits(NamedTuple):
    """Split factors sorted by (code, day), with per code the product of each factor and all later
    ones, multiplied from the latest (the order ``later_split_multiplier`` uses, so the results are
    bit-identical)."""

    ids: Ints
    keys: NDArray[np.int64]
    suffix: Floats


def _day_key(ids: Ints, days: NDArray[np.datetime64]) -> NDArray[np.int64]:
    return ids.astype(np.int64) * (1 << 22) + days.astype(np.int64) + (1 << 21)


def _splits(
    ids: Ints, days: NDArray[np.datetime64], factors: Floats, as_of: NDArray[np.datetime64]
) -> _Splits:
    """Index split events (code ids into the as-of array, −1 = unknown code); events after their
    code's as-of date, unknown codes and factors of 1 (or invalid) are left out."""
    with np.errstate(invalid="ignore"):
        ok = (ids >= 0) & np.isfinite(factors) & (factors > 0) & (factors != 1.0)
    ok[ok] &= days[ok] <= as_of[ids[ok]]
    ids, days, factors = ids[ok], days[ok], factors[ok]
    order = np.lexsort((days, ids))
    ids, days, factors = ids[order], days[order], factors[order]
    suffix = pd.Series(factors[::-1]).groupby(ids[::-1]).cumprod().to_numpy()[::-1]
    return _Splits(ids, _day_key(ids, days), np.asarray(suffix, dtype=np.float64))


def _later_factors(splits: _Splits, ids: Ints, days: NDArray[np.datetime64]) -> Floats:
    """For each (code, day), the product of that code's split factors dated after the day."""
    if len(splits.ids) == 0 or len(ids) == 0:
        return np.ones(len(ids))
    k = np.searchsorted(splits.keys, _day_key(ids, days), side="right")
    kk = np.minimum(k, len(splits.keys) - 1)
    return np.where((k < len(splits.keys)) & (splits.ids[kk] == ids), splits.suffix[kk], 1.0)


def _fundamental_table(
    disclosures: pd.DataFrame,
    codes: pd.Index,
    closes: Floats,
    as_of: NDArray[np.datetime64],
    splits: _Splits,
    known_by: NDArray[np.datetime64] | None = None,
) -> dict[str, Floats]:
    """Every fundamental metric for each of ``codes`` (arrays aligned to ``codes``, NaN = missing).

    ``closes``/``as_of``: each code's close (on its as-of share basis) and as-of date;
    ``disclosures``: long frame with ``code``; ``splits``: indexed on the same codes. ``known_by``
    (default ``as_of``): the last disclosure date that counts; a backtest deciding at a session's
    close passes the day before it, since a disclosure counts from the session after its date.
    """
    n = len(codes)
    code_id = codes.get_indexer(pd.Index(disclosures["code"]))
    disclosed = _days(disclosures["disclosed_date"], "disclosures.disclosed_date")
    known = code_id >= 0
    cut = as_of if known_by is None else known_by
    known[known] &= disclosed[known] <= cut[code_id[known]]  # point in time
    rows = np.flatnonzero(known)
    rows = rows[np.lexsort((disclosed[rows], code_id[rows]))]  # stable: same-day rows keep their order
    frame = disclosures.iloc[rows]
    cid, disclosed = code_id[rows], disclosed[rows]
    period = _days(frame["period_end"], "disclosures.period_end").astype("datetime64[M]").astype(np.int64)
    ptype, ptypes = pd.factorize(frame["period_type"])
    ptype = np.where(ptype >= 0, ptype, len(ptypes))  # a missing type is a type of its own
    v = {c: _floats(frame[c], f"disclosures.{c}") for c in _VALUES}
    multiplier = _later_factors(splits, cid, disclosed)
    for column in PER_SHARE:
        v[column] = v[column] * multiplier
    v["shares_outstanding"] = v["shares_outstanding"] / multiplier

    def last(mask: NDArray[np.bool_]) -> Ints:
        return _last_rows(cid, mask, n)

    def last_value(column: str, mask: NDArray[np.bool_] | bool = True) -> Floats:
        return _take(v[column], last(np.isfinite(v[column]) & mask))

    is_fy = np.asarray(frame["period_type"].to_numpy() == "FY", dtype=bool)
    latest = last(np.ones(len(cid), dtype=bool))
    eps, fy_dps = last_value("eps", is_fy), last_value("dps", is_fy)
    forecast_eps, forecast_dps = last_value("forecast_eps"), last_value("forecast_dps")
    bps, shares = last_value("bps"), last_value("shares_outstanding")
    balance = last(np.isfinite(v["equity"]) & np.isfinite(v["total_assets"]))
    results = last(np.isfinite(v["sales"]))
    dps_basis = np.where(np.isfinite(forecast_dps), forecast_dps, fy_dps)

    out: dict[str, Floats] = {
        "per": _divide(closes, eps),
        "forward_per": _divide(closes, forecast_eps),
        "pbr": _divide(closes, bps),
        "roe": _divide(last_value("net_income", is_fy), last_value("equity"), 100.0),
        "dividend_yield": _divide(dps_basis, closes, 100.0),
        "payout_ratio": _divide(fy_dps, eps, 100.0),
        "equity_ratio": _divide(_take(v["equity"], balance), _take(v["total_assets"], balance), 100.0),
        "operating_margin": _divide(_take(v["operating_profit"], results), _take(v["sales"], results), 100.0),
        "market_cap": closes * shares,
        "eps": eps,
        "forecast_eps": forecast_eps,
        "bps": bps,
        "forecast_dps": forecast_dps,
    }
    # Like-for-like growth: key (code, period type, period month) → the prior year is month − 12.
    key = (cid.astype(np.int64) * (len(ptypes) + 1) + ptype) * (1 << 20) + period
    for name, column in (("sales_growth_pct", "sales"), ("eps_growth_pct", "eps")):
        has = np.isfinite(v[column])
        now = last(has)
        pos = np.flatnonzero(has)
        prior = _lookup(key[pos], _take_keys(key - 12, now), "last")
        base = _take(v[column], _chain(pos, prior))
        out[name] = _divide(_take(v[column], now) - base, base, 100.0)

    out["days_since_disclosure"] = _days_between(_take_days(disclosed, latest), as_of)
    results_rows = np.zeros(len(cid), dtype=bool)  # rows with an actual figure: not forecasts only
    for column in ACTUALS:
        results_rows |= np.isfinite(v[column])
    out["days_to_next_disclosure"] = _next_disclosure(
        cid[results_rows], disclosed[results_rows], period[results_rows], as_of, n
    )
    return out


def _take_days(days: NDArray[np.datetime64], rows: Ints) -> NDArray[np.datetime64]:
    if len(days) == 0:
        return np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[D]")
    return np.where(rows >= 0, days[np.maximum(rows, 0)], np.datetime64("NaT"))


def _days_between(start: NDArray[np.datetime64], end: NDArray[np.datetime64]) -> Floats:
    delta = (end - start).astype("timedelta64[D]")
    return np.where(np.isnat(delta), np.nan, delta.astype(np.int64).astype(float))


def _next_disclosure(
    cid: Ints,
    disclosed: NDArray[np.datetime64],
    period: NDArray[np.int64],
    as_of: NDArray[np.datetime64],
    n: int,
) -> Floats:
    """Estimated days to the next disclosure (``market.earnings_schedule``, also behind the stock
    page's next earnings date)."""
    days = _days_between(as_of, expected_next_disclosure(cid, disclosed, period, n))
    return np.where(days >= -OVERDUE_TOLERANCE_DAYS, days, np.nan)
