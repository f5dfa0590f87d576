"""Split adjustment of prices: pure functions over frames, no database.

Fundamental ratios live in ``kabu_trade.market.ratios``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

PRICE_COLUMNS = ["open", "high", "low", "close"]


def later_split_multiplier(
    days: Sequence[date] | pd.Series, events: Sequence[tuple[date, float]]
) -> np.ndarray:
    """For each day, the product of the split factors that took effect *after* it.

    Raw price × multiplier = split-adjusted price on today's share basis; a per-share figure
    disclosed on that day × multiplier is on the same basis.
    """
    n = len(days)
    if not events:
        return np.ones(n)
    event_days = np.array([np.datetime64(d, "D") for d, _ in events])
    factors = np.array([f for _, f in events], dtype=float)
    # suffix[i] = product of factors[i:], suffix[len] = 1
    suffix = np.append(np.cumprod(factors[::-1])[::-1], 1.0)
    positions = np.searchsorted(event_days, np.array(list(days), dtype="datetime64[D]"), side="right")
    return suffix[positions]


def adjust_bars(bars: pd.DataFrame, events: Sequence[tuple[date, float]]) -> pd.DataFrame:
    """Split-adjusted prices (× multiplier) and volumes (÷ multiplier), so no split makes a jump."""
    if bars.empty or not events:
        return bars
    multiplier = later_split_multiplier(bars["date"], events)
    adjusted = bars.copy()
    for column in PRICE_COLUMNS:
        adjusted[column] = adjusted[column] * multiplier
    adjusted["volume"] = adjusted["volume"] / multiplier
    return adjusted
