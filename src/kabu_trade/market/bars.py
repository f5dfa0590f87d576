"""Daily bars into weekly or monthly candles: pure functions over frames, no database.

A week is an ISO week (Monday to Sunday), a month a calendar month. A candle's open is the
period's first open, its high the highest high, its low the lowest low, its close the last close,
its volume the sum; it is dated on the period's last session in the data (for the running week or
month: the latest session so far). Missing values are skipped, as a chart skips them: a period
whose bars all lack a field has that field missing. Adjust the daily bars for splits first
(``adjustments.adjust_bars``); candles of adjusted bars are adjusted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Literal

import numpy as np
import pandas as pd

Interval = Literal["1d", "1w", "1mo"]
CANDLE_COLUMNS = ["date", "open", "high", "low", "close", "volume"]

# The first day of the period a day falls in: where a window of whole periods starts.
INTERVAL_PERIOD_START: dict[str, Callable[[date], date]] = {
    "1d": lambda day: day,
    "1w": lambda day: day - timedelta(days=day.weekday()),
    "1mo": lambda day: day.replace(day=1),
}


def aggregate_bars(bars: pd.DataFrame, interval: Interval) -> pd.DataFrame:
    """``bars`` (CANDLE_COLUMNS, one row per session, sorted by date) as candles of ``interval``."""
    missing = [c for c in CANDLE_COLUMNS if c not in bars.columns]
    if missing:
        raise ValueError(f"bars lacks the columns {missing}")
    if interval not in INTERVAL_PERIOD_START:
        raise ValueError(f"interval must be one of {sorted(INTERVAL_PERIOD_START)}, got {interval!r}")
    if interval == "1d" or bars.empty:
        return bars[CANDLE_COLUMNS].reset_index(drop=True)
    days = pd.to_datetime(bars["date"])
    if interval == "1w":
        iso = days.dt.isocalendar()
        key = iso["year"].to_numpy(dtype=np.int64) * 100 + iso["week"].to_numpy(dtype=np.int64)
    else:
        key = days.dt.year.to_numpy(dtype=np.int64) * 100 + days.dt.month.to_numpy(dtype=np.int64)
    prices = bars[["open", "high", "low", "close", "volume"]].astype(float)
    groups = prices.groupby(key, sort=True)
    candles = pd.DataFrame(
        {
            "date": bars["date"].groupby(key, sort=True).last(),
            "open": groups["open"].first(),
            "high": groups["high"].max(),
            "low": groups["low"].min(),
            "close": groups["close"].last(),
            "volume": groups["volume"].sum(min_count=1),
        }
    )
    return candles[CANDLE_COLUMNS].reset_index(drop=True)
