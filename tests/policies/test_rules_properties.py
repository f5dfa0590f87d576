"""Properties of rule evaluation that must hold for any rules and any metrics."""

from __future__ import annotations

import math
import operator

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kabu_trade.analysis.catalog import CROSS_LOOKBACK_DAYS, CROSS_PAIRS, cross_metric
from kabu_trade.policies.rule_language import OPS, AnyRule
from kabu_trade.policies.rules import (
    CompareMetricsRule,
    CompareRule,
    CrossRule,
    RangeRule,
    evaluate_rules,
    evaluate_rules_frame,
    match_score,
    qualifies,
)

# A few metrics of each unit keep collisions (the same metric in several rules) likely.
YEN = ["close", "sma_25", "sma_75", "sma_200"]
INDEX = ["rsi_14", "stoch_k", "stoch_d", "adx_14"]
PCT = ["roe", "dividend_yield", "from_52w_high_pct"]
RATIO = ["per", "pbr", "bb_percent_b"]
SCALAR_METRICS = YEN + INDEX + PCT + RATIO
CROSS_METRICS = [cross_metric(d, fast, slow) for fast, slow in CROSS_PAIRS for d in ("above", "below")]
CROSS_LINES = sorted({name for pair in CROSS_PAIRS for name in pair} - set(SCALAR_METRICS))
ALL_METRICS = SCALAR_METRICS + CROSS_METRICS + CROSS_LINES

numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
# Thresholds drawn from a small grid make exact hits (value == threshold) common.
grid = st.sampled_from([-25.0, -1.0, 0.0, 0.05, 1.0, 1.2, 8.0, 15.0, 30.0, 70.0, 2400.0])
thresholds = st.one_of(grid, numbers)
common = {
    "weight": st.floats(min_value=0.01, max_value=10, allow_nan=False),
    "required": st.booleans(),
}


def _range(metric: str, low: float | None, high: float | None, weight: float, required: bool) -> RangeRule:
    if low is not None and high is not None and low > high:
        low, high = high, low
    if low is None and high is None:
        low = 0.0
    return RangeRule(metric=metric, min=low, max=high, weight=weight, required=required)


compare_rules = st.builds(
    CompareRule, metric=st.sampled_from(SCALAR_METRICS), op=st.sampled_from(OPS), value=thresholds, **common
)
range_rules = st.builds(
    _range, st.sampled_from(SCALAR_METRICS), st.none() | thresholds, st.none() | thresholds, **common
)
metric_pairs = st.sampled_from([YEN, INDEX, PCT]).flatmap(
    lambda group: st.lists(st.sampled_from(group), min_size=2, max_size=2, unique=True)
)
compare_metrics_rules = st.builds(
    lambda pair, op, weight, required: CompareMetricsRule(
        metric=pair[0], op=op, other=pair[1], weight=weight, required=required
    ),
    metric_pairs,
    st.sampled_from(OPS),
    common["weight"],
    common["required"],
)
cross_rules = st.builds(
    lambda pair, direction, within, weight, required: CrossRule(
        fast=pair[0], slow=pair[1], direction=direction, within_days=within, weight=weight, required=required
    ),
    st.sampled_from(CROSS_PAIRS),
    st.sampled_from(["above", "below"]),
    st.integers(min_value=0, max_value=CROSS_LOOKBACK_DAYS),
    common["weight"],
    common["required"],
)
any_rule = st.one_of(compare_rules, range_rules, compare_metrics_rules, cross_rules)
rule_lists = st.lists(any_rule, max_size=8)

metric_value = st.one_of(st.none(), st.just(math.nan), grid, numbers)
cross_value = st.one_of(st.none(), st.integers(min_value=0, max_value=CROSS_LOOKBACK_DAYS).map(float))
stock_metrics = st.fixed_dictionaries(
    {},
    optional={
        **{name: metric_value for name in SCALAR_METRICS + CROSS_LINES},
        **{name: cross_value for name in CROSS_METRICS},
    },
)

_OPERATORS = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


@given(rule_lists, stock_metrics)
def test_match_score_is_between_0_and_100_or_none(
    rules: list[AnyRule], metrics: dict[str, float | None]
) -> None:
    score = match_score(evaluate_rules(rules, metrics))
    if not rules:
        assert score is None
    else:
        assert score is not None and 0.0 <= score <= 100.0


@given(rule_lists, stock_metrics)
def test_every_result_is_consistent(rules: list[AnyRule], metrics: dict[str, float | None]) -> None:
    for rule, result in zip(rules, evaluate_rules(rules, metrics), strict=True):
        assert 0.0 <= result.credit <= 1.0
        if result.passed is None:
            assert result.distance is None and result.credit == 0.0
            continue
        if result.passed:
            assert result.distance == 0.0 and result.credit == 1.0
        elif result.distance is not None:
            assert result.distance >= 0.0
        if isinstance(rule, CompareRule | CompareMetricsRule):
            assert result.value is not None and result.threshold is not None
            assert result.passed == _OPERATORS[rule.op](result.value, result.threshold)
        elif isinstance(rule, RangeRule):
            assert result.value is not None
            inside = (rule.min is None or result.value >= rule.min) and (
                rule.max is None or result.value <= rule.max
            )
            assert result.passed == inside
        elif result.value is not None:
            assert result.passed == (result.value <= rule.within_days)


@settings(max_examples=200)
@given(rule_lists, st.lists(stock_metrics, min_size=1, max_size=12))
def test_vectorised_and_scalar_evaluations_agree_exactly(
    rules: list[AnyRule], stocks: list[dict[str, float | None]]
) -> None:
    frame = pd.DataFrame(stocks, columns=ALL_METRICS, dtype=object)  # None, NaN and absent values mixed
    frame = frame.drop(columns=[name for name in ALL_METRICS if all(name not in s for s in stocks)])
    match, qualified = evaluate_rules_frame(rules, frame)
    assert match.shape == qualified.shape == (len(stocks),)
    for i, metrics in enumerate(stocks):
        results = evaluate_rules(rules, metrics)
        score = match_score(results)
        if score is None:
            assert np.isnan(match[i])
        else:
            assert match[i] == score  # exactly: the same operations in the same order
        assert bool(qualified[i]) == qualifies(results)
