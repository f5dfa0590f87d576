"""Support and resistance levels from swing highs and lows, plus the bar-frame checks every analysis
function shares (they live here because ``indicators`` imports this module, not the reverse).

How a level is found:

1. *Swings.* Over the last ``LEVEL_LOOKBACK`` sessions, a swing high is a bar whose high is above
   the highs of the ``SWING_WINDOW`` bars before it and not below those of the ``SWING_WINDOW`` bars
   after it (strict on one side only, so a flat top of two equal bars counts once); swing lows
   mirror that. The last ``SWING_WINDOW`` bars cannot be swings yet: a swing is only confirmed once
   the bars after it exist.
2. *Clusters.* Swing prices (highs and lows together: a broken resistance becomes support, and the
   reverse) are sorted and merged while they stay within ``CLUSTER_TOLERANCE`` (1.5 %) of the lowest
   member; a cluster's level is the mean of its members, its strength the number of touches.
3. *Sides.* Levels below the last close are supports, above it resistances, nearest first.
4. *Fallback.* Only when no swing level lies on a side: the 52-week low/high (250 sessions; none
   with less history) and the Bollinger band (20, 2σ) that lie on that side of the close, nearest
   first. That keeps a stock at a new high from having no resistance at all without inventing one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import talib
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from kabu_trade.analysis._frames import _bar_arrays

Floats = NDArray[np.float64]

SWING_WINDOW = 5
LEVEL_LOOKBACK = 120
CLUSTER_TOLERANCE = 0.015
FALLBACK_WINDOW = 250  # 52 weeks of TSE sessions
_BB_PERIOD, _BB_SIGMA = 20, 2.0
_SMA = talib.MA_Type.SMA  # type: ignore[attr-defined]  # stubs declare it in talib._ta_lib only

__all__ = ["CLUSTER_TOLERANCE", "LEVEL_LOOKBACK", "SWING_WINDOW", "support_resistance"]


def _check_max_levels(max_levels: object) -> int:
    if isinstance(max_levels, bool) or not isinstance(max_levels, int) or max_levels < 1:
        raise ValueError(f"max_levels must be a positive integer, got {max_levels!r}")
    return max_levels


def _swing_prices(high: Floats, low: Floats) -> tuple[NDArray[np.intp], Floats]:
    """Swing highs and lows of every row of right-aligned (rows × T) tails, T = lookback + window.

    Returns (row, price) of every swing, sorted by row then price. NaN padding never makes a swing:
    a window containing NaN has a NaN max/min, and comparisons with NaN are false.
    """
    w = SWING_WINDOW
    width = high.shape[1]
    if width < 2 * w + 1:
        return np.zeros(0, dtype=np.intp), np.zeros(0)
    centre = slice(w, width - w)
    # win_max[:, j] = max(x[:, j : j + w]); the bars before candidate i start at i − w, after at i + 1.
    win_max = sliding_window_view(high, w, axis=1).max(axis=2)
    win_min = sliding_window_view(low, w, axis=1).min(axis=2)
    before, after = slice(0, width - 2 * w), slice(w + 1, width - w + 1)
    is_high = (high[:, centre] > win_max[:, before]) & (high[:, centre] >= win_max[:, after])
    is_low = (low[:, centre] < win_min[:, before]) & (low[:, centre] <= win_min[:, after])
    rows_h, cols_h = np.nonzero(is_high)
    rows_l, cols_l = np.nonzero(is_low)
    rows = np.concatenate([rows_h, rows_l])
    prices = np.concatenate([high[:, centre][rows_h, cols_h], low[:, centre][rows_l, cols_l]])
    order = np.lexsort((prices, rows))
    return rows[order], prices[order]


def _clusters(prices: list[float]) -> list[tuple[float, int]]:
    """Greedy merge of ascending prices within CLUSTER_TOLERANCE of each cluster's lowest member:
    (level = mean of the members, touches)."""
    levels: list[tuple[float, int]] = []
    members: list[float] = []
    for price in prices:
        if members and price > members[0] * (1.0 + CLUSTER_TOLERANCE):
            levels.append((sum(members) / len(members), len(members)))
            members = []
        members.append(price)
    if members:
        levels.append((sum(members) / len(members), len(members)))
    return levels


def _panel_levels(
    high: Floats,
    low: Floats,
    close: Floats,
    below: Floats,
    above: Floats,
    max_levels: int,
) -> tuple[Floats, Floats]:
    """Supports and resistances (rows × max_levels, nearest first, NaN where none) for every row.

    ``high``/``low`` are right-aligned tails of at least LEVEL_LOOKBACK + SWING_WINDOW columns,
    ``close`` the last close of each row, ``below``/``above`` (rows × k) the fallback candidates
    (52-week low and lower band / 52-week high and upper band).
    """
    rows = len(close)
    supports = np.full((rows, max_levels), np.nan)
    resistances = np.full((rows, max_levels), np.nan)
    width = LEVEL_LOOKBACK + SWING_WINDOW
    swing_rows, swing_prices = _swing_prices(high[:, -width:], low[:, -width:])
    bounds = np.searchsorted(swing_rows, np.arange(rows + 1))
    # One pass per stock over its handful of swings; everything per bar above is vectorised.
    for r, last in enumerate(close.tolist()):
        if not np.isfinite(last):
            continue
        levels = [level for level, _ in _clusters(swing_prices[bounds[r] : bounds[r + 1]].tolist())]
        down = [level for level in reversed(levels) if level < last]
        up = [level for level in levels if level > last]
        if not down:
            down = sorted({x for x in below[r].tolist() if np.isfinite(x) and x < last}, reverse=True)
        if not up:
            up = sorted({x for x in above[r].tolist() if np.isfinite(x) and x > last})
        supports[r, : min(len(down), max_levels)] = down[:max_levels]
        resistances[r, : min(len(up), max_levels)] = up[:max_levels]
    return supports, resistances


def _right_aligned(values: Floats, width: int) -> Floats:
    """The last ``width`` values as one row, NaN-padded on the left when there are fewer."""
    out = np.full((1, width), np.nan)
    take = min(width, len(values))
    if take:
        out[0, width - take :] = values[len(values) - take :]
    return out


def _last(values: Floats) -> float:
    return float(values[-1]) if len(values) else float("nan")


def support_resistance(bars: pd.DataFrame, max_levels: int = 2) -> tuple[list[float], list[float]]:
    """(supports below, resistances above) the last close of split-adjusted daily ``bars``
    (columns date, open, high, low, close, volume; ascending dates), nearest first, at most
    ``max_levels`` each. See the module docstring for the method and the fallback."""
    max_levels = _check_max_levels(max_levels)
    b = _bar_arrays(bars)
    if len(b.close) == 0:
        return [], []
    width = LEVEL_LOOKBACK + SWING_WINDOW
    upper, _, lower = talib.BBANDS(b.close, _BB_PERIOD, _BB_SIGMA, _BB_SIGMA, _SMA)
    below = np.array([[_last(talib.MIN(b.low, FALLBACK_WINDOW)), _last(lower)]])
    above = np.array([[_last(talib.MAX(b.high, FALLBACK_WINDOW)), _last(upper)]])
    supports, resistances = _panel_levels(
        _right_aligned(b.high, width),
        _right_aligned(b.low, width),
        b.close[-1:],
        below,
        above,
        max_levels,
    )
    return (
        [float(x) for x in supports[0] if np.isfinite(x)],
        [float(x) for x in resistances[0] if np.isfinite(x)],
    )
