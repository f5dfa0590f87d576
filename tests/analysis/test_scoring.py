from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from kabu_trade.analysis.catalog import METRICS, SCORE_PARTS
from kabu_trade.analysis.scoring import (
    DEFAULT_PART_POINTS,
    RECOMMENDATIONS,
    part_maxima,
    recommend,
    recommend_array,
    score,
    score_frame,
)
from kabu_trade.analysis.signals import SIGNALS
from tests.analysis.test_scoring_scenarios import CRASH, SCENARIOS, UPTREND, VALUE_POOR_MOMENTUM, fired


def test_default_points_are_the_documented_table() -> None:
    assert DEFAULT_PART_POINTS == {
        "trend": 20,
        "momentum": 15,
        "mean_reversion": 15,
        "volume": 10,
        "value": 15,
        "quality": 10,
        "income": 8,
        "growth": 7,
    }
    assert sum(DEFAULT_PART_POINTS[p] for p in ("trend", "momentum", "mean_reversion", "volume")) == 60
    for part in SCORE_PARTS:
        for side in ("buy", "sell"):
            points = sum(s.points for s in SIGNALS if s.part == part and s.side == side)
            assert points == DEFAULT_PART_POINTS[part], (part, side)


def test_signal_definitions_are_well_formed() -> None:
    names = [s.name for s in SIGNALS]
    assert len(names) == len(set(names))
    for definition in SIGNALS:
        assert definition.part in SCORE_PARTS
        assert definition.points > 0
        assert all(name in METRICS for name in definition.inputs), definition.name


def test_signal_fields() -> None:
    result = score(UPTREND)
    alignment = next(s for s in result.signals if s.name == "ma_bullish_alignment")
    assert alignment.part == "trend" and alignment.side == "buy"
    assert alignment.contribution == 4.0 and alignment.max_points == 4.0
    assert alignment.message_key == "signal.ma_bullish_alignment"
    assert alignment.params["points"] == 4.0
    assert all(s.contribution > 0 for s in result.signals if not s.missing)


def test_rsi_oversold_is_graded() -> None:
    def rsi_points(rsi: float) -> float:
        return fired(score({"rsi_14": rsi}), "buy").get("rsi_oversold", 0.0)

    assert rsi_points(30.0) == 0.0
    assert 0 < rsi_points(29.0) < rsi_points(27.0) < rsi_points(22.0) < rsi_points(20.0) == 5.0
    assert rsi_points(10.0) == 5.0
    signal = next(s for s in score({"rsi_14": 27.9}).signals if s.name == "rsi_oversold")
    assert signal.metric == "rsi_14" and signal.value == 27.9
    assert signal.params == {"value": 27.9, "threshold": 30.0, "points": signal.contribution}


def test_cross_recency_is_graded() -> None:
    base = {"sma_25": 110.0, "sma_75": 100.0}

    def cross_points(days: float | None) -> float:
        return fired(score({**base, "cross_above__sma_25__sma_75": days}), "buy").get("golden_cross", 0.0)

    assert cross_points(0) == 4.0 > cross_points(5) > cross_points(20) > 0
    assert cross_points(21) == 0.0
    assert cross_points(None) == 0.0  # no cross in the lookback: an answer, not missing data
    # a golden cross no longer in effect (the 25-day is back below the 75-day) gives nothing
    assert fired(score({"sma_25": 90.0, "sma_75": 100.0, "cross_above__sma_25__sma_75": 2.0})) == {}


def test_volume_spike_follows_the_days_direction() -> None:
    up = fired(score({"volume_ratio_20": 3.0, "change_pct": 4.0}))
    down = fired(score({"volume_ratio_20": 3.0, "change_pct": -4.0}))
    quiet = fired(score({"volume_ratio_20": 1.1, "change_pct": 4.0}))
    assert up == {"volume_spike_up": 10.0}
    assert down == {"volume_spike_down": 7.0}
    assert quiet == {}


def test_low_liquidity_is_a_sell_side_caution() -> None:
    assert fired(score({"turnover_avg_20": 1e9})) == {}
    thin, very_thin = (fired(score({"turnover_avg_20": t}), "sell")["low_liquidity"] for t in (4e7, 1e6))
    assert 0 < thin < very_thin == 3.0


def test_loss_making_per_is_not_cheap() -> None:
    assert "per_low" not in fired(score({"per": -5.0}))


def test_all_missing_is_neutral_with_zero_confidence() -> None:
    for metrics in ({}, dict.fromkeys(METRICS)):
        result = score(metrics)
        assert result.buy_score == result.sell_score == 0
        assert result.confidence == 0.0
        assert result.recommendation == "neutral"
        needed = sorted({name for s in SIGNALS for name in s.inputs})
        assert result.missing == needed
        entries = [s for s in result.signals if s.missing]
        assert {(s.part, s.side) for s in entries} == {
            (p, side) for p in SCORE_PARTS for side in ("buy", "sell")
        }
        assert all(s.contribution == 0 and s.message_key == "signal.missing" for s in entries)
        assert all(part["available"] == 0 for part in result.parts.values())


def test_missing_inputs_are_said_and_lower_confidence() -> None:
    metrics = {**UPTREND, "sma_200": None, "per": float("nan")}
    result = score(metrics)
    assert result.missing == ["per", "sma_200"]
    assert 0.8 < result.confidence < 1.0
    trend_missing = [s for s in result.signals if s.missing and s.part == "trend"]
    assert {s.side for s in trend_missing} == {"buy", "sell"}
    assert all(s.params["metrics"] == ["sma_200"] for s in trend_missing)
    # close_above_sma_200 (3) + alignment (4) on each side
    assert all(s.params["points"] == 7.0 for s in trend_missing)
    assert result.parts["trend"]["available"] == pytest.approx(13 / 20)


def test_confidence_matches_the_screeners_part_formula() -> None:
    weights = {"trend": 2.0, "value": 0.5, "growth": 0.0}
    result = score({**CRASH, "sma_200": None, "roe": None}, weights)
    maxima = part_maxima(weights)
    via_parts = sum(result.parts[p]["available"] * maxima[p] for p in SCORE_PARTS) / 100
    assert result.confidence == pytest.approx(via_parts, abs=1e-3)


def test_weights_rescale_parts_and_keep_100_as_the_maximum() -> None:
    weights = {"trend": 2.0, "momentum": 2.0, "value": 0.0}
    maxima = part_maxima(weights)
    assert math.isclose(sum(maxima.values()), 100.0)
    assert maxima["value"] == 0
    assert maxima["trend"] == pytest.approx(2 * maxima["quality"] * 20 / 10)
    result = score(VALUE_POOR_MOMENTUM, weights)
    assert "per_low" not in fired(result)
    assert "per" not in result.missing  # a part weighted 0 needs no inputs
    assert result.parts["value"] == {"buy": 0.0, "sell": 0.0, "max": 0.0, "available": 0.0}
    default = score(VALUE_POOR_MOMENTUM)
    assert result.parts["trend"]["sell"] > default.parts["trend"]["sell"]
    assert part_maxima(None) == part_maxima({}) == DEFAULT_PART_POINTS


def test_all_zero_weights_score_nothing() -> None:
    result = score(UPTREND, dict.fromkeys(SCORE_PARTS, 0.0))
    assert result.buy_score == result.sell_score == result.confidence == 0
    assert result.recommendation == "neutral"


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"trendy": 1.0}, "unknown score part"),
        ({"trend": -1.0}, "weights\\['trend'\\]"),
        ({"value": math.inf}, "finite"),
    ],
)
def test_bad_weights_are_rejected(weights: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        score(UPTREND, weights)


def test_non_numeric_metric_is_rejected() -> None:
    with pytest.raises(ValueError, match="metrics\\['rsi_14'\\]"):
        score({"rsi_14": "high"})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("buy", "sell", "confidence", "expected"),
    [
        (70, 10, 1.0, "strong_buy"),
        (70, 10, 0.4, "buy"),  # capped: too little data for a strong call
        (50, 10, 1.0, "buy"),  # net 40 but buy < 60
        (35, 20, 1.0, "buy"),
        (34.99, 20, 1.0, "neutral"),
        (20, 20, 1.0, "neutral"),
        (20, 35, 1.0, "sell"),
        (10, 50, 1.0, "sell"),
        (10, 70, 1.0, "strong_sell"),
        (10, 70, 0.3, "sell"),
        # judged on the points that could be judged: 24/0.6 − 9/0.6 = 25 → buy
        (24, 9, 0.6, "buy"),
        (9, 24, 0.6, "sell"),
        (30, 0, 0.0, "neutral"),  # nothing judged
    ],
)
def test_recommendation_mapping(buy: float, sell: float, confidence: float, expected: str) -> None:
    assert recommend(buy, sell, confidence) == expected
    assert recommend_array([buy], [sell], [confidence]).tolist() == [expected]


def test_recommend_array_agrees_with_recommend() -> None:
    rng = np.random.default_rng(7)
    buy, sell, confidence = rng.uniform(0, 100, 2000), rng.uniform(0, 100, 2000), rng.uniform(0, 1, 2000)
    expected = [recommend(b, s, c) for b, s, c in zip(buy, sell, confidence, strict=True)]
    assert recommend_array(buy, sell, confidence).tolist() == expected
    assert set(expected) <= set(RECOMMENDATIONS)
    assert RECOMMENDATIONS == ("strong_buy", "buy", "neutral", "sell", "strong_sell")


def test_strong_buy_needs_broad_support() -> None:
    metrics = {
        **UPTREND,
        "per": 8.0,
        "forward_per": 8.0,
        "pbr": 0.5,
        "roe": 15.0,
        "equity_ratio": 70.0,
        "operating_margin": 20.0,
        "dividend_yield": 5.0,
        "payout_ratio": 30.0,
        "sales_growth_pct": 20.0,
        "eps_growth_pct": 30.0,
        "volume_ratio_20": 3.0,
        "change_pct": 3.0,
    }
    result = score(metrics)
    assert result.buy_score >= 60 and result.recommendation == "strong_buy"


def test_results_are_json_serialisable_and_deterministic() -> None:
    for metrics in SCENARIOS.values():
        first, second = score(metrics), score(dict(reversed(list(metrics.items()))))
        assert first == second
        encoded = json.dumps(first.to_dict())
        assert json.loads(encoded)["buy_score"] == first.buy_score
        assert json.dumps([s.to_dict() for s in first.signals])


def test_a_loss_is_judged_as_a_negative_for_value_and_growth_not_as_missing_data() -> None:
    # What fundamental_metrics gives a loss-making company: EPS ≤ 0 leaves PER, forward PER and
    # EPS growth (a base ≤ 0) undefined.
    loss = {"eps": -12.0, "forecast_eps": -3.0, "per": None, "forward_per": None, "eps_growth_pct": None}
    result = score({**UPTREND, **loss, "pbr": 2.0, "sales_growth_pct": 2.0})

    assert not {"per", "forward_per", "eps_growth_pct"} & set(result.missing)
    assert not [s for s in result.signals if s.missing and s.part in ("value", "growth")]
    sells = {s.name: s for s in result.signals if s.side == "sell"}
    assert sells["per_high"].message_key == "signal.per_loss" and sells["per_high"].value == -12.0
    assert sells["forward_per_high"].message_key == "signal.forward_per_loss"
    assert sells["eps_decline"].message_key == "signal.eps_loss"
    assert sells["per_high"].contribution == 6.0 and sells["eps_decline"].contribution == 4.0
    assert result.parts["value"]["available"] == result.parts["growth"]["available"] == 1.0
    assert not {"per_low", "forward_per_low", "eps_growth"} & {s.name for s in result.signals}
    # The whole-frame scoring of the metrics refresh judges it the same way.
    frame = score_frame(pd.DataFrame([{**UPTREND, **loss, "pbr": 2.0, "sales_growth_pct": 2.0}], dtype=float))
    assert (frame.buy[0], frame.sell[0], frame.confidence[0]) == (
        result.buy_score,
        result.sell_score,
        result.confidence,
    )
    # A profit with its PER missing (no price) is still missing data, and a profit is no loss.
    assert "per" in score({"eps": 50.0}).missing
    assert "per_high" not in {s.name for s in score({"eps": 50.0, "per": 12.0}).signals}
