from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from kabu_trade.analysis.catalog import METRICS
from kabu_trade.analysis.scoring import score
from kabu_trade.evaluations.key_points import PRIORITY_ORDER, KeyPoint, key_points
from kabu_trade.evaluations.levels import price_levels
from tests.analysis.test_scoring_scenarios import CRASH, OVERSOLD_BOUNCE, SCENARIOS, UPTREND

FAILED_PER: dict[str, Any] = {
    "rule": "per <= 12",
    "metric": "per",
    "value": 18.0,
    "passed": False,
    "distance": 6.0,
    "weight": 1.0,
}


def points_for(
    metrics: Mapping[str, float | None],
    rules: list[dict[str, Any]] | None = None,
    *,
    stop: float | None = 8,
    target: float | None = 15,
) -> list[KeyPoint]:
    levels = price_levels(metrics, target_return_pct=target, stop_loss_pct=stop)
    return key_points(
        metrics, score(metrics), levels, rules or [], stop_loss_pct=stop, target_return_pct=target
    )


def by_key(points: list[KeyPoint]) -> dict[str, KeyPoint]:
    return {p.message_key: p for p in points}


def number(value: object) -> float:
    assert isinstance(value, int | float)
    return float(value)


def test_levels_become_concrete_points() -> None:
    metrics = {**UPTREND, "close": 2360.0}
    found = by_key(points_for(metrics))
    entry = found["kp.entry_zone"]
    assert entry.type == "buy" and entry.priority == "high"  # the uptrend is a buy
    assert entry.params["sources"] == ["sma_25"]
    stop = found["kp.stop_loss_policy"]
    assert (stop.type, stop.priority) == ("sell", "high") and stop.params["pct"] == -8
    target = found["kp.target_policy"]
    assert (
        target.params["pct"] == 15
        and target.params["price"]
        == price_levels(metrics, target_return_pct=15, stop_loss_pct=8).target_price
    )


def test_without_policy_the_atr_stop_and_default_target_are_named() -> None:
    found = by_key(points_for(UPTREND, stop=None, target=None))
    assert "kp.stop_loss_atr" in found and "kp.target_default" in found
    assert found["kp.target_default"].params["pct"] == 10


def test_price_above_the_zone_waits_for_a_pullback() -> None:
    found = by_key(points_for(UPTREND))  # close 2,450, zone around the 25-day MA at 2,350
    pullback = found["kp.entry_zone_pullback"]
    assert pullback.params["close"] == 2450 and number(pullback.params["above_pct"]) > 3


def test_earnings_soon_is_a_high_caution_first() -> None:
    points = points_for({**UPTREND, "days_to_next_disclosure": 5})
    assert points[0] == KeyPoint("caution", "high", "kp.earnings_soon", {"days": 5})
    later = by_key(points_for({**UPTREND, "days_to_next_disclosure": 12}))
    assert later["kp.earnings_upcoming"].priority == "low" and "kp.earnings_soon" not in later
    assert "kp.earnings_upcoming" not in by_key(points_for({**UPTREND, "days_to_next_disclosure": 40}))


def test_required_rules_that_fail_or_cannot_be_judged() -> None:
    rules: list[dict[str, Any]] = [
        {**FAILED_PER, "required": True},
        {**FAILED_PER, "rule": "pbr <= 1", "metric": "pbr", "required": False},
        {
            "rule": "roe >= 8",
            "metric": "roe",
            "value": None,
            "passed": None,
            "distance": None,
            "required": True,
        },
        {
            "rule": "rsi_14 < 70",
            "metric": "rsi_14",
            "value": 60.0,
            "passed": True,
            "distance": 0,
            "required": True,
        },
    ]
    # Results without their rule's definition (as stored before) keep the old keys; a failed
    # weighted rule is a point too, after the required ones.
    found = [p for p in points_for(UPTREND, rules) if p.message_key.startswith("kp.rule")]
    assert [(p.message_key, p.priority, p.params["rule"]) for p in found] == [
        ("kp.rule_failed", "high", "per <= 12"),
        ("kp.rule_unknown", "medium", "roe >= 8"),
        ("kp.rule_failed", "medium", "pbr <= 1"),
    ]
    assert found[0].params["distance"] == 6.0 and found[0].type == "caution"
    # They lead the key points.
    assert points_for(UPTREND, rules)[0].message_key == "kp.rule_failed"


def test_strongest_signals_per_side() -> None:
    result = score(CRASH)
    points = points_for(CRASH)
    for side in ("buy", "sell"):
        fired = [s for s in result.signals if s.side == side and not s.missing and s.contribution > 0]
        # The close below (above) several moving averages counts as one, with their points added up.
        averages = [
            s for s in fired if s.message_key.startswith("signal.close_") and s.message_key.endswith("_ma")
        ]
        ranked = [(s.contribution, s.name, s.message_key) for s in fired if s not in averages]
        if len(averages) >= 2:
            word = "above" if side == "buy" else "below"
            ranked.append(
                (sum(s.contribution for s in averages), f"close_{word}_mas", f"kp.close_{word}_mas")
            )
        else:
            ranked += [(s.contribution, s.name, s.message_key) for s in averages]
        expected = [key for _, _, key in sorted(ranked, key=lambda r: (-r[0], r[1]))[:3]]
        shown = [
            p
            for p in points
            if p.type == side and (p.message_key.startswith("signal.") or p.message_key.endswith("_mas"))
        ]
        assert [p.message_key for p in shown] == expected
    assert by_key(points)["signal.volume_spike_down"].priority == "high"  # 7 points
    assert by_key(points)["kp.close_below_mas"].priority == "high"  # 25-, 75- and 200-day together


def test_conditions_worth_a_caution() -> None:
    metrics = {
        **CRASH,
        "turnover_avg_20": 8e6,
        "atr_pct": 6.5,
        "rsi_14": 15.0,
        "low_52w": 1790.0,
        "days_since_disclosure": 1.0,
    }
    found = by_key(points_for(metrics))
    assert found["kp.low_liquidity"].priority == "high"
    assert found["kp.high_volatility"].priority == "high"
    assert found["kp.rsi_extreme_low"].params == {"value": 15.0}
    assert number(found["kp.near_52w_low"].params["dist_pct"]) < 1
    assert found["kp.earnings_just_out"].priority == "low"
    near_high = by_key(points_for({**UPTREND, "close": 2560.0, "rsi_14": 85.0}))
    assert near_high["kp.near_52w_high"].params == {"high": 2600.0, "dist_pct": 1.54}
    assert "kp.rsi_extreme_high" in near_high


def test_missing_data_is_a_caution() -> None:
    points = points_for({"close": 1000.0})
    low = by_key(points)["kp.low_confidence"]
    assert low.priority == "high" and number(low.params["confidence_pct"]) < 10
    assert low.params["count"] == len(score({"close": 1000.0}).missing)
    assert "kp.low_confidence" not in by_key(points_for(UPTREND))


def test_no_close_still_gives_the_other_points() -> None:
    points = points_for({"days_to_next_disclosure": 3.0})
    keys = [p.message_key for p in points]
    assert "kp.earnings_soon" in keys and "kp.low_confidence" in keys
    assert not any(k.startswith(("kp.entry", "kp.stop", "kp.target")) for k in keys)


def test_a_stop_inside_the_noise_and_a_poor_risk_reward_are_cautions() -> None:
    noisy = by_key(points_for({**OVERSOLD_BOUNCE, "atr_14": 150.0}, stop=1, target=10))
    assert noisy["kp.stop_inside_noise"].type == "caution"
    assert "kp.poor_risk_reward" not in noisy
    poor = by_key(points_for({**OVERSOLD_BOUNCE, "atr_14": 150.0}, stop=5, target=1))
    assert poor["kp.poor_risk_reward"].params == {"value": 0.35}


def test_sorted_by_priority_deterministic_and_serialisable() -> None:
    for metrics in SCENARIOS.values():
        metrics = {**metrics, "days_to_next_disclosure": 6.0}
        first = points_for(metrics, [{**FAILED_PER, "required": True}])
        second = points_for(dict(reversed(list(metrics.items()))), [{**FAILED_PER, "required": True}])
        assert first == second
        ranks = [PRIORITY_ORDER[p.priority] for p in first]
        assert ranks == sorted(ranks)
        assert all(p.type in ("buy", "sell", "caution") for p in first)
        json.dumps([p.to_dict() for p in first])


def test_all_missing_metrics() -> None:
    points = points_for(dict.fromkeys(METRICS))
    assert [p.message_key for p in points] == ["kp.low_confidence"]


def test_the_earnings_date_within_ten_sessions_is_named_with_the_sessions_left() -> None:
    # Friday 2024-12-20: 2024-12-30 is 6 sessions on; the TSE is closed 31 Dec – 3 Jan.
    as_of = date(2024, 12, 20)
    metrics, levels = (
        {**UPTREND, "days_to_next_disclosure": 10},
        price_levels(UPTREND, target_return_pct=None, stop_loss_pct=None),
    )
    near = by_key(key_points(metrics, score(metrics), levels, as_of=as_of))["kp.earnings_date_near"]
    assert near == KeyPoint(
        "caution", "medium", "kp.earnings_date_near", {"date": "2024-12-30", "sessions": 6}
    )
    assert "kp.earnings_soon" not in by_key(key_points(metrics, score(metrics), levels, as_of=as_of))
    soon = {**UPTREND, "days_to_next_disclosure": 3}  # Monday 23 Dec: 1 session
    first = key_points(soon, score(soon), levels, as_of=as_of)[0]
    assert (first.message_key, first.priority, first.params["sessions"]) == (
        "kp.earnings_date_near",
        "high",
        1,
    )
    # 14 calendar days over the year end are 7 sessions: still near; 20 days (11 sessions) are not.
    later = {**UPTREND, "days_to_next_disclosure": 14}
    assert by_key(key_points(later, score(later), levels, as_of=as_of))["kp.earnings_date_near"].params == {
        "date": "2025-01-03",
        "sessions": 6,
    }
    far = {**UPTREND, "days_to_next_disclosure": 21}
    assert "kp.earnings_date_near" not in by_key(key_points(far, score(far), levels, as_of=as_of))
    overdue = {**UPTREND, "days_to_next_disclosure": -2}
    assert "kp.earnings_date_near" not in by_key(key_points(overdue, score(overdue), levels, as_of=as_of))


def test_the_earnings_date_reads_in_both_languages() -> None:
    from kabu_trade.evaluations.messages import render

    params = {"date": "2024-12-30", "sessions": 6}
    ja = render("kp.earnings_date_near", params, "ja", strict=True)
    en = render("kp.earnings_date_near", params, "en", strict=True)
    assert "決算発表予定日" in ja and "2024年12月30日" in ja and "あと6営業日" in ja
    assert "30 Dec 2024" in en and "6 sessions away" in en
