from __future__ import annotations

import itertools
import json
import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kabu_trade.evaluations.levels import (
    GRID_TOLERANCE,
    TICK_TABLE,
    Levels,
    next_tick_above,
    price_levels,
    tick_round,
    tick_size,
)
from tests.analysis.test_scoring_scenarios import CRASH, SCENARIOS

# support at the 25-day MA with the lower Bollinger band just under it (confluence)
BASE: dict[str, float | None] = {
    "close": 2350.0,
    "sma_25": 2300.0,
    "bb_lower": 2290.0,
    "support_1": 2250.0,
    "atr_14": 40.0,
    "resistance_1": 2800.0,
}


def keys(levels: Levels) -> list[str]:
    return [b.message_key for b in levels.basis]


def slack(price: float) -> float:
    """How far a "down"/"up" rounding may overshoot ``price``: the grid tolerance plus float noise
    (a tick is at least 1/3,000 of the price, so one more tolerance covers the last bits)."""
    return 2 * GRID_TOLERANCE * tick_size(price)


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        (2280.4, 2280),
        (2280.5, 2281),
        (2999.6, 3000),
        (3000, 3000),
        (3002, 3000),
        (3003, 3005),
        (4997, 4995),
        (12_345, 12_350),
        (31_234, 31_250),
        (51_234, 51_200),
        (300_080, 300_000),  # the ¥500 band's nearest price is the ¥100 band's last one
        (300_300, 300_500),
        (412_345, 412_500),
    ],
)
def test_tick_round(price: float, expected: float) -> None:
    assert tick_round(price) == expected


def test_tick_round_modes_and_errors() -> None:
    assert tick_round(3001.2, "down") == 3000 and tick_round(3001.2, "up") == 3005
    assert tick_round(2280.0, "down") == tick_round(2280.0, "up") == 2280
    assert next_tick_above(2999) == 3000 and next_tick_above(3000) == 3005
    assert [tick_size(p) for p in (100, 3000, 3001, 5000, 5001, 30_001, 50_001)] == [1, 1, 5, 5, 10, 50, 100]
    assert tick_round(50.999999999883585, "down") == 51  # float noise, not a tick below
    for bad in (-1.0, math.nan, math.inf):
        with pytest.raises(ValueError, match="price"):
            tick_round(bad)


def test_every_band_ends_on_the_next_bands_grid() -> None:
    # what bounds the nearest rounding's error by the tick at the unrounded price
    for (limit, _), (_, next_tick) in itertools.pairwise(TICK_TABLE):
        assert limit % next_tick == 0


@settings(max_examples=300, deadline=None)
@given(st.floats(0.5, 1e8))
def test_tick_round_lands_on_the_grid(price: float) -> None:
    for mode in ("nearest", "down", "up"):
        rounded = tick_round(price, mode)  # type: ignore[arg-type]
        assert rounded % tick_size(rounded) == 0
        assert abs(rounded - price) <= tick_size(price) + slack(price)
    assert abs(tick_round(price) - price) <= tick_size(price) / 2 + slack(price)
    assert tick_round(price, "down") <= price + slack(price)
    assert price <= tick_round(price, "up") + slack(price)


def test_policy_levels() -> None:
    levels = price_levels(BASE, target_return_pct=15, stop_loss_pct=8)
    assert levels.support == 2300 and levels.support_sources == ["sma_25", "bb_lower"]
    assert (levels.entry_low, levels.entry_high) == (2290, 2320)  # 2300 − 0.25 ATR, 2300 + 0.5 ATR
    assert levels.entry_mid == 2305
    assert levels.target_price == 2651  # 2305 × 1.15 = 2650.75
    assert levels.stop_loss_price == 2121  # 2305 × 0.92 = 2120.6, rounded up: never more loss
    assert levels.target_rule == "policy" and levels.stop_rule == "policy"
    assert levels.risk_reward == pytest.approx((2651 - 2305) / (2305 - 2121), abs=0.01)
    assert keys(levels) == ["level.entry_support", "level.target_policy", "level.stop_policy"]
    assert levels.trailing_stop_price is None


def test_defaults_without_a_policy() -> None:
    levels = price_levels(BASE, target_return_pct=None, stop_loss_pct=None)
    assert levels.target_price == 2536  # +10 %
    assert levels.stop_loss_price == 2225  # 2 × ATR below the midpoint
    assert levels.target_rule == "default" and levels.stop_rule == "atr"
    assert keys(levels) == ["level.entry_support", "level.target_default", "level.stop_atr"]


def test_risk_tolerance_moves_the_entry_and_the_atr_stop() -> None:
    bold = price_levels(BASE, target_return_pct=None, stop_loss_pct=None, risk_tolerance=5)
    careful = price_levels(BASE, target_return_pct=None, stop_loss_pct=None, risk_tolerance=1)
    assert bold.entry_high == 2330 and careful.entry_high == 2310
    assert bold.stop_loss_price is not None and careful.stop_loss_price is not None
    assert bold.stop_loss_price < careful.stop_loss_price


def test_resistance_below_the_target_is_said() -> None:
    levels = price_levels({**BASE, "resistance_1": 2500.0}, target_return_pct=15, stop_loss_pct=8)
    assert levels.target_price == 2651  # the policy's target stays the rule
    basis = next(b for b in levels.basis if b.message_key == "level.target_beyond_resistance")
    assert basis.params == {"price": 2651, "resistance": 2500.0}


def test_trailing_stop() -> None:
    levels = price_levels(BASE, target_return_pct=None, stop_loss_pct=None, trailing_stop_pct=10)
    assert levels.trailing_stop_price == 2115  # 2350 × 0.9
    assert "level.trailing_stop" in keys(levels)


def test_fallbacks_for_missing_inputs() -> None:
    from_pct = price_levels(
        {**BASE, "atr_14": None, "atr_pct": 2.0}, target_return_pct=None, stop_loss_pct=None
    )
    assert from_pct.atr == 47.0 and "level.atr_fallback" not in keys(from_pct)
    no_atr = price_levels({"close": 2350.0, "sma_25": 2300.0}, target_return_pct=None, stop_loss_pct=None)
    assert no_atr.atr == 47.0 and keys(no_atr)[0] == "level.atr_fallback"
    only_close = price_levels({"close": 2350.0, "atr_14": 40.0}, target_return_pct=None, stop_loss_pct=None)
    assert only_close.support is None and only_close.support_sources == []
    assert "level.entry_no_support" in keys(only_close)
    assert only_close.entry_high is not None and only_close.entry_high < 2350


def test_crash_uses_the_support_below_the_close() -> None:
    levels = price_levels(CRASH, target_return_pct=None, stop_loss_pct=None)
    assert levels.support == 1750 and levels.support_sources == ["support_1"]  # the MAs and band are above
    assert levels.entry_high is not None and levels.entry_high <= 1800


def test_no_close_means_no_levels() -> None:
    for metrics in ({}, {"close": None, "sma_25": 100.0}, {"close": 0.0}):
        levels = price_levels(metrics, target_return_pct=10, stop_loss_pct=5)
        assert levels.entry_low is levels.target_price is levels.stop_loss_price is None
        assert keys(levels) == ["level.no_close"]


def test_a_stop_inside_the_noise_is_said_and_the_zone_stays_above_it() -> None:
    levels = price_levels({**BASE, "atr_14": 150.0}, target_return_pct=10, stop_loss_pct=1)
    assert "level.stop_inside_noise" in keys(levels)
    assert "level.entry_narrowed" in keys(levels)
    assert levels.stop_loss_price is not None and levels.entry_low is not None
    assert levels.stop_loss_price < levels.entry_low


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"stop_loss_pct": 0}, "stop_loss_pct"),
        ({"stop_loss_pct": 100}, "stop_loss_pct"),
        ({"target_return_pct": -5}, "target_return_pct"),
        ({"trailing_stop_pct": math.nan}, "trailing_stop_pct"),
        ({"risk_tolerance": 6}, "risk_tolerance"),
    ],
)
def test_bad_policy_figures_are_rejected(kwargs: dict[str, float], message: str) -> None:
    arguments = {"target_return_pct": None, "stop_loss_pct": None, **kwargs}
    with pytest.raises(ValueError, match=message):
        price_levels(BASE, **arguments)  # type: ignore[arg-type]


def test_levels_serialise() -> None:
    for metrics in SCENARIOS.values():
        levels = price_levels(metrics, target_return_pct=12, stop_loss_pct=6, trailing_stop_pct=8)
        data = json.loads(json.dumps(levels.to_dict()))
        assert set(data) >= {
            "entry_low",
            "entry_high",
            "target_price",
            "stop_loss_price",
            "risk_reward",
            "basis",
        }
        assert all(set(b) == {"level", "message_key", "params"} for b in data["basis"])


prices = st.floats(50, 1_000_000)
fractions = st.one_of(st.none(), st.floats(0.3, 1.2))


@settings(max_examples=300, deadline=None)
@given(
    close=prices,
    atr_fraction=st.one_of(st.none(), st.floats(0.001, 0.2)),
    supports=st.tuples(fractions, fractions, fractions),
    resistance=fractions,
    target=st.one_of(st.none(), st.floats(0.5, 100)),
    stop=st.one_of(st.none(), st.floats(0.2, 50)),
    trailing=st.one_of(st.none(), st.floats(0.5, 50)),
    tolerance=st.one_of(st.none(), st.integers(1, 5)),
)
# Found by Hypothesis (issue 7): the wanted target 170,500 × 1.76 = 300,080 lies in the ¥500 band and
# its nearest valid price is 300,000, whose own tick is ¥100 — the error is bounded by the tick at the
# wanted price, not at the rounded one.
@example(198_259.0, None, (0.85743, None, None), None, 76.0, None, None, None)
# A close a hair under a whole yen: the tick rounding's float tolerance puts entry_high on 51.
@example(50.999999999883585, None, (1.0, None, None), None, None, None, None, None)
def test_level_invariants(
    close: float,
    atr_fraction: float | None,
    supports: tuple[float | None, float | None, float | None],
    resistance: float | None,
    target: float | None,
    stop: float | None,
    trailing: float | None,
    tolerance: int | None,
) -> None:
    metrics: dict[str, float | None] = {
        "close": close,
        "atr_14": close * atr_fraction if atr_fraction else None,
        "resistance_1": close * resistance if resistance else None,
    }
    for name, fraction in zip(("sma_25", "bb_lower", "support_1"), supports, strict=True):
        metrics[name] = close * fraction if fraction else None
    levels = price_levels(
        metrics,
        target_return_pct=target,
        stop_loss_pct=stop,
        trailing_stop_pct=trailing,
        risk_tolerance=tolerance,
    )
    low, high, tp, sl, mid = (
        levels.entry_low,
        levels.entry_high,
        levels.target_price,
        levels.stop_loss_price,
        levels.entry_mid,
    )
    assert low is not None and high is not None and tp is not None and sl is not None and mid is not None
    assert sl < low <= high < tp
    assert high <= close + slack(close)
    for price in (low, high, tp, sl):
        assert tick_round(price) == price
    if stop is not None and mid * stop / 100 >= tick_size(mid):
        wanted_stop = mid * (1 - stop / 100)
        assert sl >= wanted_stop - slack(wanted_stop)  # never a bigger loss than the policy allows
    wanted = mid * (1 + (target if target is not None else 10) / 100)
    if wanted >= next_tick_above(high):  # not bumped above the zone
        # the grid's gap at the wanted price is its tick, whatever the tick of the price it lands on
        assert abs(tp - wanted) <= tick_size(wanted) / 2 + slack(wanted)
    if trailing is not None:
        assert levels.trailing_stop_price is not None and levels.trailing_stop_price <= close
    assert levels.risk_reward is not None and levels.risk_reward > 0
