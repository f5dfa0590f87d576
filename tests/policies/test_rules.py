"""The rule language and the evaluation of rules on hand-made metrics."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from kabu_trade.analysis.catalog import METRICS, cross_metric
from kabu_trade.policies.presets import PRESETS
from kabu_trade.policies.rule_language import suggest_metric
from kabu_trade.policies.rules import (
    CompareMetricsRule,
    CompareRule,
    CrossRule,
    RangeRule,
    RuleResult,
    dump_rules,
    evaluate_rules,
    evaluate_rules_frame,
    match_score,
    parse_rules,
    qualifies,
    rule_metrics,
)
from kabu_trade.policies.schemas import STYLES, PolicyCreate

PER_15 = CompareRule(metric="per", op="<=", value=15, weight=2)


def one(
    rule: CompareRule | RangeRule | CompareMetricsRule | CrossRule, **metrics: float | None
) -> RuleResult:
    return evaluate_rules([rule], metrics)[0]


def test_a_passing_rule() -> None:
    result = one(PER_15, per=12.5)
    assert result.rule == "per <= 15" and result.metric == "per" and result.value == 12.5
    assert result.passed is True and result.distance == 0 and result.credit == 1
    assert result.weight == 2 and result.required is False and result.threshold == 15


def test_a_failing_rule_reports_its_distance_and_near_miss_credit() -> None:
    result = one(PER_15, per=16.5)
    assert result.passed is False and result.distance == pytest.approx(1.5)
    # missed by 10 % of the threshold: credit 1 − 0.10 / 0.25 = 0.6
    assert result.credit == pytest.approx(0.6)
    assert one(PER_15, per=20).credit == 0  # 33 % off: no credit
    assert one(CompareRule(metric="roe", op=">=", value=8), roe=7).distance == pytest.approx(1)


@pytest.mark.parametrize("value", [None, math.nan, math.inf])
def test_missing_data_is_neither_pass_nor_fail(value: float | None) -> None:
    result = one(PER_15, per=value)
    assert result.passed is None and result.distance is None and result.value is None and result.credit == 0
    assert one(PER_15).passed is None  # absent key


def test_ranges_measure_distance_to_the_nearest_bound() -> None:
    rsi = RangeRule(metric="rsi_14", min=30, max=70)
    assert rsi.text() == "30 <= rsi_14 <= 70"
    inside = one(rsi, rsi_14=60)
    assert inside.passed is True and inside.distance == 0 and inside.threshold == 70
    low = one(rsi, rsi_14=24)
    assert low.passed is False and low.distance == pytest.approx(6) and low.threshold == 30
    high = one(rsi, rsi_14=77)
    assert high.passed is False and high.distance == pytest.approx(7) and high.threshold == 70
    assert RangeRule(metric="atr_pct", max=5).text() == "atr_pct <= 5"
    assert one(RangeRule(metric="atr_pct", min=1.5), atr_pct=1.5).passed is True


def test_compare_metrics_uses_the_other_metric_as_threshold() -> None:
    rule = CompareMetricsRule(metric="close", op=">", other="sma_200")
    assert rule.text() == "close > sma_200"
    result = one(rule, close=2310, sma_200=2400)
    assert result.passed is False and result.distance == 90 and result.threshold == 2400
    assert one(rule, close=2500, sma_200=2400).passed is True
    assert one(rule, close=2500, sma_200=None).passed is None


def test_cross_reads_the_catalog_metric() -> None:
    rule = CrossRule(fast="sma_25", slow="sma_75", direction="above", within_days=5)
    assert rule.metric == cross_metric("above", "sma_25", "sma_75")
    assert rule.text() == "sma_25 crossed above sma_75 within 5 days"
    assert CrossRule(fast="macd", slow="macd_signal", within_days=0).text().endswith("today")
    lines = {"sma_25": 2300.0, "sma_75": 2250.0}
    assert one(rule, **{rule.metric: 3}, **lines).passed is True
    late = one(rule, **{rule.metric: 7}, **lines)
    assert late.passed is False and late.distance == 2
    # Both lines known but no cross recorded: it did not happen within the lookback — a fail.
    none = one(rule, **{rule.metric: None}, **lines)
    assert none.passed is False and none.credit == 0 and none.distance is None
    # Without the lines we cannot tell: missing.
    assert one(rule, **{rule.metric: None}).passed is None


def test_not_equal_earns_no_near_miss_credit() -> None:
    rule = CompareRule(metric="days_to_next_disclosure", op="!=", value=0)
    failed = one(rule, days_to_next_disclosure=0)
    assert failed.passed is False and failed.credit == 0 and failed.distance == 0


def test_match_score_formula() -> None:
    rules = [
        CompareRule(metric="per", op="<=", value=15, weight=2),  # passes: 2 × 1
        CompareRule(metric="pbr", op="<=", value=1.0, weight=1),  # 1.1: 10 % off → 1 × 0.6
        CompareRule(metric="roe", op=">=", value=8, weight=1),  # missing → 0
    ]
    results = evaluate_rules(rules, {"per": 10, "pbr": 1.1, "roe": None})
    assert match_score(results) == pytest.approx(100 * (2 + 0.6) / 4)
    assert match_score([]) is None
    assert qualifies(results)


def test_a_failed_or_unknown_required_rule_disqualifies() -> None:
    required = CompareRule(metric="equity_ratio", op=">=", value=40, required=True)
    assert not qualifies(evaluate_rules([PER_15, required], {"per": 10, "equity_ratio": 35}))
    assert not qualifies(evaluate_rules([PER_15, required], {"per": 10}))
    assert qualifies(evaluate_rules([PER_15, required], {"per": 30, "equity_ratio": 50}))


def test_frame_evaluation_matches_the_scalar_one() -> None:
    rules = parse_rules(dump_rules(PRESETS["momentum"].create().rules))
    rows = [
        {"close": 2500.0, "sma_75": 2400.0, "sma_25": 2450.0, rules[1].metric: 4.0, "return_60d_pct": 12.0},
        {"close": 2300.0, "sma_75": 2400.0, "sma_25": 2350.0, "return_60d_pct": 9.0, "rsi_14": 80.0},
        {},
    ]
    frame = pd.DataFrame(rows)
    match, qualified = evaluate_rules_frame(rules, frame)
    for i, metrics in enumerate(rows):
        results = evaluate_rules(rules, metrics)
        assert match[i] == match_score(results) and bool(qualified[i]) == qualifies(results)
    empty_match, everyone = evaluate_rules_frame([], frame)
    assert np.isnan(empty_match).all() and everyone.all()


def test_bare_rules_become_typed_and_keep_their_order() -> None:
    rules = parse_rules(
        [
            {"metric": "per", "op": "<=", "value": 15, "weight": 2},
            {"metric": "rsi_14", "min": 30},
            {"metric": "close", "op": ">", "other": "sma_75"},
            {"fast": "stoch_k", "slow": "stoch_d"},
        ]
    )
    assert [type(rule) for rule in rules] == [CompareRule, RangeRule, CompareMetricsRule, CrossRule]
    assert dump_rules(rules)[0]["type"] == "compare"
    assert rule_metrics(rules)[:3] == ["per", "rsi_14", "close"]
    assert parse_rules(dump_rules(rules)) == rules


def test_parse_rules_reports_positions_without_union_tags() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_rules([PER_15.model_dump(), {"type": "compare", "metric": "pe_ratio", "op": "<", "value": 1}])
    assert [error["loc"] for error in caught.value.errors()] == [(1, "metric")]


def test_suggestions() -> None:
    assert suggest_metric("pe_ratio") == "per"
    assert suggest_metric("PER") == "per"
    assert suggest_metric("sma200") == "sma_200"
    assert suggest_metric("zzz") is None


@pytest.mark.parametrize("style", STYLES)
def test_presets_are_valid_policies_built_from_catalog_metrics(style: str) -> None:
    preset = PRESETS[style]  # type: ignore[index]
    for language in ("ja", "en"):
        policy = preset.create(language)  # type: ignore[arg-type]
        assert PolicyCreate.model_validate(policy.model_dump()) == policy
        assert policy.style == style and 4 <= len(policy.rules) <= 10
    assert all(name in METRICS for name in rule_metrics(policy.rules))
    assert any(rule.required for rule in policy.rules), "every preset has at least one hard filter"
    assert policy.stop_loss_pct < policy.target_return_pct
    assert (
        max(policy.weights, key=lambda part: policy.weights[part])
        in {
            "value": {"value"},
            "growth": {"growth"},
            "dividend": {"income"},
            "momentum": {"momentum"},
            "contrarian": {"mean_reversion"},
            "swing": {"momentum"},
        }[style]
    )


def test_match_score_never_rounds_past_100() -> None:
    # 100 · 20.667… / 20.667… is 100.00000000000001 in floating point; 100 · (x / x) is 100.
    rules = [CompareRule(metric="per", op="<=", value=15, weight=w) for w in (9.0, 2.667186484035426, 9.0)]
    results = evaluate_rules(rules, {"per": 10})
    assert match_score(results) == 100.0
    assert evaluate_rules_frame(rules, pd.DataFrame([{"per": 10.0}]))[0][0] == 100.0
