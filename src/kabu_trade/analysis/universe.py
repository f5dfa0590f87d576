"""Every catalog metric for every stock at once, from the long frames the market tables hold.

The work is vectorised over the whole universe: one sort, split adjustment by a binary search into
the (few) split events, and a right-aligned (stocks × sessions) panel. TA-Lib then runs once per
stock (a loop per stock, never per bar) and the fundamentals take one pass over all disclosures.
The per-stock functions (``technical_metrics``, ``fundamental_metrics``) run the same code on a
one-stock panel, so a stock's metrics do not depend on which other stocks were computed with it.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kabu_trade.analysis._frames import PRICE_COLUMNS, _days, _floats, _require_frame
from kabu_trade.analysis.catalog import FUNDAMENTAL_METRICS, METRICS, TECHNICAL_METRICS
from kabu_trade.analysis.fundamentals import (
    DISCLOSURE_COLUMNS,
    _day_key,
    _fundamental_table,
    _later_factors,
    _Splits,
    _splits,
)
from kabu_trade.analysis.indicators import _PANEL_MIN_WIDTH, _Panel, _technical_panel

Floats = NDArray[np.float64]

__all__ = ["compute_universe_metrics"]

_BAR_COLUMNS = ("code", "date", *PRICE_COLUMNS, "volume")
_SPLIT_COLUMNS = ("code", "date", "adj_factor")
RESULT_COLUMNS = ["code", "as_of", "bars", *METRICS]


def compute_universe_metrics(
    bars: pd.DataFrame,
    disclosures: pd.DataFrame,
    as_of: date | None = None,
    *,
    splits: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per stock with a bar on or before ``as_of`` (default: the latest bar date).

    ``bars``: raw daily bars of many stocks (code, date, open, high, low, close, volume, and
    optionally turnover and adj_factor — J-Quants semantics, 0.5 on the ex-date of a 1:2 split),
    any order. Prices are split-adjusted to each stock's as-of share basis before any indicator.
    ``disclosures``: financial summaries (FUNDAMENTAL_COLUMNS), any order; only those published on
    or before a stock's as-of date count. ``splits``: optional extra split events (code, date,
    adj_factor) older than ``bars`` reach, so that older per-share figures are adjusted too.

    Columns: ``code``, ``as_of`` (the stock's last bar date), ``bars`` (bars with prices used) and
    one float column per catalog metric, NaN where the metric cannot be computed.
    """
    _require_frame(bars, _BAR_COLUMNS, "bars")
    _require_frame(disclosures, ["code", *DISCLOSURE_COLUMNS], "disclosures")
    if splits is not None:
        _require_frame(splits, _SPLIT_COLUMNS, "splits")
    if as_of is not None and not isinstance(as_of, date):
        raise ValueError(f"as_of must be a date or None, got {type(as_of).__name__}")

    all_days = _days(bars["date"], "bars.date")
    if as_of is None:
        cutoff = all_days.max() if len(all_days) else np.datetime64("NaT")
    else:
        cutoff = np.datetime64(as_of.date() if isinstance(as_of, datetime) else as_of, "D")
    rows = np.flatnonzero(all_days <= cutoff)
    if len(rows) == 0:
        return pd.DataFrame(
            {c: pd.Series(dtype=object if c in ("code", "as_of") else float) for c in RESULT_COLUMNS}
        )
    ids, uniques = pd.factorize(bars["code"].to_numpy()[rows], sort=True)
    codes = pd.Index(uniques)
    days = all_days[rows]
    order = _sort_order(ids, days)
    ids, days, rows = ids[order], days[order], rows[order]
    if len(ids) > 1:
        same = (ids[1:] == ids[:-1]) & (days[1:] == days[:-1])
        if same.any():
            i = int(np.argmax(same))
            raise ValueError(f"bars has duplicate (code, date) rows, e.g. {codes[ids[i]]} {days[i]}")

    n = len(codes)
    last_row = np.flatnonzero(np.r_[ids[1:] != ids[:-1], True])
    code_as_of = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    code_as_of[ids[last_row]] = days[last_row]
    split_index = _split_index(bars, rows, ids, days, codes, splits, code_as_of)

    panel, counts = _build_panel(bars, rows, ids, days, n, _later_factors(split_index, ids, days))
    technical = _technical_panel(panel)
    fundamental = _fundamental_table(disclosures, codes, technical["close"], code_as_of, split_index)

    columns: dict[str, object] = {
        "code": np.asarray(codes, dtype=object),
        "as_of": code_as_of.astype(object),
        "bars": counts,
    }
    columns.update({name: technical[name] for name in TECHNICAL_METRICS})
    columns.update({name: fundamental[name] for name in FUNDAMENTAL_METRICS})
    return pd.DataFrame({c: columns[c] for c in RESULT_COLUMNS})


def _split_index(
    bars: pd.DataFrame,
    rows: NDArray[np.intp],
    ids: NDArray[np.intp],
    days: NDArray[np.datetime64],
    codes: pd.Index,
    splits: pd.DataFrame | None,
    as_of: NDArray[np.datetime64],
) -> _Splits:
    """The split events of ``bars`` (adj_factor ≠ 1) plus the extra ``splits``, indexed by code."""
    factor = np.ones(len(rows))
    if "adj_factor" in bars:
        factor = _floats(bars["adj_factor"], "bars.adj_factor")[rows]
    event = np.flatnonzero(np.isfinite(factor) & (factor != 1.0))
    event_ids, event_days, event_factors = ids[event], days[event], factor[event]
    if splits is not None and not splits.empty:
        event_ids = np.concatenate([event_ids, codes.get_indexer(pd.Index(splits["code"]))])
        event_days = np.concatenate([event_days, _days(splits["date"], "splits.date")])
        event_factors = np.concatenate([event_factors, _floats(splits["adj_factor"], "splits.adj_factor")])
        # A split already in bars is not applied twice.
        first = ~pd.Index(_day_key(event_ids, event_days)).duplicated(keep="first")
        event_ids, event_days, event_factors = event_ids[first], event_days[first], event_factors[first]
    return _splits(event_ids, event_days, event_factors, as_of)


def _sort_order(ids: NDArray[np.intp], days: NDArray[np.datetime64]) -> NDArray[np.intp]:
    """Order by (code, date); the database already returns that order, so check before sorting."""
    key = _day_key(ids, days)
    if len(key) < 2 or bool((key[1:] >= key[:-1]).all()):
        return np.arange(len(key))
    return np.argsort(key, kind="stable")


def _build_panel(
    bars: pd.DataFrame,
    rows: NDArray[np.intp],
    ids: NDArray[np.intp],
    days: NDArray[np.datetime64],
    n_codes: int,
    multiplier: Floats,
) -> tuple[_Panel, NDArray[np.int64]]:
    """Split-adjusted bars with prices, laid out right-aligned per code (see ``_Panel``)."""
    o, h, lo, c = (_floats(bars[col], f"bars.{col}")[rows] * multiplier for col in PRICE_COLUMNS)
    with np.errstate(invalid="ignore"):
        # The open only decides whether a bar counts, as in the one-stock path; no indicator reads it.
        priced = np.logical_and.reduce([np.isfinite(p) & (p > 0) for p in (o, h, lo, c)])
    volume = np.nan_to_num(_floats(bars["volume"], "bars.volume")[rows] / multiplier, nan=0.0)
    fallback = c * volume  # turnover is in yen, which a split does not change
    if "turnover" in bars:
        turnover = _floats(bars["turnover"], "bars.turnover")[rows]
        turnover = np.where(np.isfinite(turnover), turnover, fallback)
    else:
        turnover = fallback
    ids = ids[priced]
    counts = np.bincount(ids, minlength=n_codes).astype(np.int64)
    width = max(int(counts.max()) if n_codes else 0, _PANEL_MIN_WIDTH)
    starts = np.cumsum(counts) - counts
    column = width - counts[ids] + (np.arange(len(ids)) - starts[ids])

    def layout(values: Floats) -> Floats:
        panel = np.full((n_codes, width), np.nan)
        panel[ids, column] = values[priced]
        return panel

    panel = _Panel(layout(h), layout(lo), layout(c), layout(volume), layout(turnover), counts)
    return panel, counts
