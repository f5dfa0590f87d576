"""Support and resistance from swings, on hand-built series whose levels are known."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
import talib

from kabu_trade.analysis.indicators import technical_metrics
from kabu_trade.analysis.levels import support_resistance
from tests.analysis.test_indicators import make_bars


def zigzag(points: Sequence[tuple[int, float]]) -> np.ndarray:
    """Straight lines between (bar, price) way points."""
    bars, prices = zip(*points, strict=True)
    return np.asarray(np.interp(np.arange(bars[-1] + 1), bars, prices))


# Troughs at 100 and peaks at 120 for three swings, then troughs at 110 and peaks at 130; the last
# trough is bar 120, confirmed by the five bars after it, and the last close is 115.
SAW_TOOTH = zigzag(
    [
        *[(0, 110), (10, 120), (20, 100), (30, 120), (40, 100), (50, 120), (60, 100)],
        *[(70, 130), (80, 110), (90, 130), (100, 110), (110, 130), (120, 110), (125, 115)],
    ]
)


def test_saw_tooth_levels_nearest_first() -> None:
    bars = make_bars(SAW_TOOTH)  # high = close + 1, low = close − 1
    supports, resistances = support_resistance(bars)
    assert supports == [109.0, 99.0]
    assert resistances == [121.0, 131.0]
    assert support_resistance(bars, max_levels=1) == ([109.0], [121.0])

    metrics = technical_metrics(bars)
    assert (metrics["support_1"], metrics["support_2"]) == (109.0, 99.0)
    assert (metrics["resistance_1"], metrics["resistance_2"]) == (121.0, 131.0)
    assert metrics["dist_support_pct"] == pytest.approx((115 - 109) / 115 * 100)
    assert metrics["dist_resistance_pct"] == pytest.approx((121 - 115) / 115 * 100)


def test_swings_within_one_and_a_half_percent_merge_into_one_level() -> None:
    close = zigzag([(0, 110), (10, 120), (20, 100), (30, 120), (40, 101), (50, 120), (65, 110)])
    supports, resistances = support_resistance(make_bars(close))
    # Lows 99 and 100 (1 % apart) are one level at their mean; the three highs at 121 another.
    assert supports == [99.5]
    assert resistances == [121.0]


def test_old_swings_are_ignored() -> None:
    # A trough at 50 long ago, then 150 sessions of saw-tooth between 100 and 120.
    head = zigzag([(0, 80), (10, 50), (20, 100)])
    tail = zigzag([(i * 10, 100.0 if i % 2 == 0 else 120.0) for i in range(16)] + [(155, 110)])
    supports, _ = support_resistance(make_bars(np.concatenate([head, tail[1:]])))
    assert supports == [99.0]


def test_without_swings_the_52_week_range_then_the_bands_stand_in() -> None:
    rising = np.linspace(100, 300, 260)  # no swing at all
    bars = make_bars(rising)
    supports, resistances = support_resistance(bars)
    low_52w = float(talib.MIN(bars["low"].to_numpy(), 250)[-1])
    high_52w = float(talib.MAX(bars["high"].to_numpy(), 250)[-1])
    upper, _, lower = talib.BBANDS(bars["close"].to_numpy(), 20, 2.0, 2.0, 0)
    assert supports == [pytest.approx(lower[-1]), pytest.approx(low_52w)]  # nearest first
    # Today's high is the 52-week high, just above the close; the upper band is further.
    assert resistances == [pytest.approx(high_52w), pytest.approx(upper[-1])]

    # Less than a year of history: no 52-week range, so the Bollinger bands.
    short = make_bars(rising[:100])
    upper, _, lower = talib.BBANDS(short["close"].to_numpy(), 20, 2.0, 2.0, 0)
    assert support_resistance(short) == ([pytest.approx(lower[-1])], [pytest.approx(upper[-1])])
    assert support_resistance(make_bars(rising[:10])) == ([], [])
    assert support_resistance(make_bars([])) == ([], [])


@pytest.mark.parametrize("max_levels", [0, -1, 1.5, True, "2"])
def test_max_levels_must_be_a_positive_integer(max_levels: object) -> None:
    with pytest.raises(ValueError, match="max_levels"):
        support_resistance(make_bars(SAW_TOOTH), max_levels=max_levels)  # type: ignore[arg-type]
