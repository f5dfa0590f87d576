"""Hand-built metric sets whose right answer is known, and the scores they must get.

The dicts are imported by the levels, key point and message tests too.
"""

from __future__ import annotations

import math

from kabu_trade.analysis.catalog import FUNDAMENTAL_PARTS, TECHNICAL_PARTS
from kabu_trade.analysis.scoring import ScoreResult, score

# Middle-of-the-road fundamentals: no fundamental signal fires on either side.
NEUTRAL_FUNDAMENTALS: dict[str, float | None] = {
    "per": 18.0,
    "forward_per": 17.0,
    "pbr": 1.6,
    "roe": 7.0,
    "equity_ratio": 40.0,
    "operating_margin": 7.0,
    "dividend_yield": 2.0,
    "payout_ratio": 70.0,
    "sales_growth_pct": 3.0,
    "eps_growth_pct": 2.0,
}

UPTREND: dict[str, float | None] = {
    "close": 2450.0,
    "change_pct": 1.2,
    "return_20d_pct": 6.0,
    "return_60d_pct": 14.0,
    "sma_25": 2350.0,
    "sma_75": 2200.0,
    "sma_200": 2000.0,
    "cross_above__sma_25__sma_75": 12.0,
    "adx_14": 32.0,
    "plus_di_14": 30.0,
    "minus_di_14": 14.0,
    "rsi_14": 60.0,
    "macd": 35.0,
    "macd_signal": 25.0,
    "macd_hist": 10.0,
    "stoch_k": 65.0,
    "stoch_d": 60.0,
    "bb_percent_b": 0.75,
    "bb_lower": 2250.0,
    "bb_upper": 2500.0,
    "atr_14": 45.0,
    "atr_pct": 1.84,
    "volume_ratio_20": 1.3,
    "turnover_avg_20": 3e9,
    "support_1": 2300.0,
    "resistance_1": 2600.0,
    "high_52w": 2600.0,
    "low_52w": 1800.0,
    **NEUTRAL_FUNDAMENTALS,
}

CRASH: dict[str, float | None] = {
    "close": 1800.0,
    "change_pct": -6.0,
    "return_20d_pct": -18.0,
    "return_60d_pct": -15.0,
    "sma_25": 2150.0,
    "sma_75": 2200.0,
    "sma_200": 2100.0,
    "cross_below__sma_25__sma_75": 2.0,
    "cross_below__close__sma_25": 6.0,
    "adx_14": 35.0,
    "plus_di_14": 10.0,
    "minus_di_14": 35.0,
    "rsi_14": 22.0,
    "macd": -40.0,
    "macd_signal": -20.0,
    "macd_hist": -20.0,
    "cross_below__macd__macd_signal": 4.0,
    "stoch_k": 12.0,
    "stoch_d": 15.0,
    "bb_percent_b": -0.15,
    "bb_lower": 1850.0,
    "atr_14": 70.0,
    "atr_pct": 3.9,
    "volume_ratio_20": 3.2,
    "turnover_avg_20": 8e8,
    "support_1": 1750.0,
    "resistance_1": 1950.0,
    "high_52w": 2400.0,
    "low_52w": 1780.0,
    **NEUTRAL_FUNDAMENTALS,
}

OVERSOLD_BOUNCE: dict[str, float | None] = {
    "close": 1905.0,
    "change_pct": 0.8,
    "return_20d_pct": -7.0,
    "return_60d_pct": 2.0,
    "sma_25": 2050.0,
    "sma_75": 2000.0,
    "sma_200": 1950.0,
    "adx_14": 18.0,
    "plus_di_14": 18.0,
    "minus_di_14": 24.0,
    "rsi_14": 25.0,
    "macd": -12.0,
    "macd_signal": -10.0,
    "stoch_k": 22.0,
    "stoch_d": 18.0,
    "cross_above__stoch_k__stoch_d": 0.0,
    "bb_percent_b": -0.1,
    "bb_lower": 1915.0,
    "atr_14": 40.0,
    "volume_ratio_20": 1.1,
    "turnover_avg_20": 1e9,
    "support_1": 1880.0,
    "resistance_1": 2100.0,
    **NEUTRAL_FUNDAMENTALS,
}

VALUE_POOR_MOMENTUM: dict[str, float | None] = {
    "close": 900.0,
    "change_pct": -0.4,
    "return_20d_pct": -5.0,
    "return_60d_pct": -10.0,
    "sma_25": 950.0,
    "sma_75": 1000.0,
    "sma_200": 1050.0,
    "adx_14": 24.0,
    "plus_di_14": 15.0,
    "minus_di_14": 25.0,
    "rsi_14": 40.0,
    "macd": -8.0,
    "macd_signal": -5.0,
    "stoch_k": 35.0,
    "stoch_d": 38.0,
    "bb_percent_b": 0.2,
    "atr_14": 15.0,
    "volume_ratio_20": 0.9,
    "turnover_avg_20": 2e8,
    "support_1": 870.0,
    "resistance_1": 980.0,
    "per": 7.0,
    "forward_per": 7.5,
    "pbr": 0.6,
    "roe": 9.0,
    "equity_ratio": 55.0,
    "operating_margin": 8.0,
    "dividend_yield": 4.5,
    "payout_ratio": 35.0,
    "sales_growth_pct": 1.0,
    "eps_growth_pct": 3.0,
}

SCENARIOS = {
    "uptrend": UPTREND,
    "crash": CRASH,
    "oversold_bounce": OVERSOLD_BOUNCE,
    "value_poor_momentum": VALUE_POOR_MOMENTUM,
}


def fired(result: ScoreResult, side: str | None = None) -> dict[str, float]:
    return {
        s.name: s.contribution for s in result.signals if not s.missing and (side is None or s.side == side)
    }


def group(result: ScoreResult, parts: tuple[str, ...], side: str) -> float:
    return sum(result.parts[p][side] for p in parts)


def test_clean_uptrend_is_a_buy() -> None:
    result = score(UPTREND)
    assert result.buy_score > result.sell_score
    assert result.recommendation in ("buy", "strong_buy")
    buys = fired(result, "buy")
    for name in (
        "close_above_sma_25",
        "ma_bullish_alignment",
        "golden_cross",
        "macd_above_signal",
        "adx_uptrend",
    ):
        assert name in buys
    assert fired(result, "sell") == {}
    assert result.confidence == 1.0


def test_crash_through_support_is_dominated_by_sell_signals() -> None:
    result = score(CRASH)
    assert result.sell_score > result.buy_score + 15
    assert result.recommendation in ("sell", "strong_sell")
    sells = fired(result, "sell")
    for name in (
        "close_below_sma_25",
        "dead_cross",
        "macd_below_signal",
        "volume_spike_down",
        "adx_downtrend",
    ):
        assert name in sells
    # oversold readings are reported on the buy side, but do not outweigh the breakdown
    assert "rsi_oversold" in fired(result, "buy")
    assert group(result, TECHNICAL_PARTS, "sell") > 2 * group(result, TECHNICAL_PARTS, "buy")


def test_oversold_bounce_earns_mean_reversion_buy_points() -> None:
    result = score(OVERSOLD_BOUNCE)
    buys = fired(result, "buy")
    for name in ("rsi_oversold", "bb_below_lower", "stoch_bullish_cross", "near_support"):
        assert name in buys
    mean_reversion = result.parts["mean_reversion"]
    assert mean_reversion["buy"] > 7 and mean_reversion["sell"] == 0
    assert mean_reversion["buy"] == max(part["buy"] for part in result.parts.values())


def test_value_stock_with_poor_momentum_splits_fundamental_and_technical() -> None:
    result = score(VALUE_POOR_MOMENTUM)
    buys, sells = fired(result, "buy"), fired(result, "sell")
    for name in ("per_low", "forward_per_low", "pbr_low", "dividend_yield_high", "payout_sustainable"):
        assert name in buys
    for name in ("close_below_sma_25", "close_below_sma_75", "close_below_sma_200", "ma_bearish_alignment"):
        assert name in sells
    assert group(result, FUNDAMENTAL_PARTS, "buy") > 20 and group(result, FUNDAMENTAL_PARTS, "sell") == 0
    assert group(result, TECHNICAL_PARTS, "sell") > group(result, TECHNICAL_PARTS, "buy")


def test_every_scenario_adds_up() -> None:
    for metrics in SCENARIOS.values():
        result = score(metrics)
        for side in ("buy", "sell"):
            contributions = [s.contribution for s in result.signals if s.side == side]
            total = result.buy_score if side == "buy" else result.sell_score
            assert total == round(sum(contributions), 2)
            assert total == round(sum(part[side] for part in result.parts.values()), 2)
        for part in result.parts.values():
            assert part["buy"] <= part["max"] and part["sell"] <= part["max"]
        assert math.isclose(sum(p["max"] for p in result.parts.values()), 100.0)
