"""Judging a stock's metrics against a policy's rules: pure functions, no database, no HTTP.

Two entry points give the same numbers: :func:`evaluate_rules` explains one stock rule by rule
(the evaluation page), :func:`evaluate_rules_frame` scores thousands at once (the screener and
backtests), vectorised over stocks with one numpy pass per rule.

Scoring, per rule (``t`` is the rule's threshold, ``d`` its distance, both in the metric's units):

* ``credit = 1`` when the rule holds;
* ``credit = max(0, 1 − (d / max(|t|, 1)) / 0.25)`` when it fails: a near miss earns partial credit
  that falls linearly from 1 at the threshold to 0 at a miss of 25 % of the threshold (the floor of
  1 unit keeps thresholds at or near 0, like ``macd_hist > 0``, from turning every miss into 0);
* ``credit = 0`` when data is missing, for a failed ``!=`` (equality is not a matter of degree) and
  for a cross that did not happen within the catalog's lookback.

``match_score = 100 · Σ weightᵢ · creditᵢ / Σ weightᵢ`` over every rule of the policy (None when
the policy has no rules). Separately, a stock *qualifies* only if every ``required`` rule holds; a
required rule whose data is missing does not hold, because a hard filter that cannot be checked has
not been met — the result still says ``passed=None``, so the reason is visible.

Thresholds: ``compare`` → its value; ``compare_metrics`` → the other metric's value; ``range`` →
the bound nearest the value (the violated one when it fails); ``cross`` → ``within_days``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from kabu_trade.policies.rule_language import (
    AnyRule,
    CompareMetricsRule,
    CompareRule,
    CrossRule,
    Op,
    RangeRule,
    Rule,
    RuleList,
    dump_rules,
    parse_rules,
    rule_metrics,
)

__all__ = [
    "NEAR_MISS",
    "AnyRule",
    "CompareMetricsRule",
    "CompareRule",
    "CrossRule",
    "RangeRule",
    "Rule",
    "RuleList",
    "RuleResult",
    "dump_rules",
    "evaluate_rules",
    "evaluate_rules_frame",
    "match_score",
    "parse_rules",
    "qualifies",
    "rule_metrics",
]

NEAR_MISS = 0.25  # a miss of this share of the threshold earns no credit
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


@dataclass(frozen=True, slots=True)
class RuleResult:
    """How one rule fared on one stock; ``passed`` and ``distance`` are None when data is missing."""

    rule: str  # human-readable, e.g. "per <= 15"
    type: str
    metric: str  # for a cross, the catalog metric it reads (cross_above__sma_25__sma_75)
    value: float | None
    threshold: float | None
    passed: bool | None
    distance: float | None  # how far from passing, in the metric's units; 0 when passed
    credit: float  # 0–1, see the module docstring
    weight: float
    required: bool
    label: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- one stock ---------------------------------------------------------------------------------


def _number(metrics: Mapping[str, float | None], name: str) -> float | None:
    value = metrics.get(name)
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None  # NaN from a frame means missing too


def _gap(op: Op, value: float, threshold: float) -> float:
    """Distance of a failed comparison from passing."""
    if op in ("<", "<="):
        return value - threshold
    if op in (">", ">="):
        return threshold - value
    if op == "==":
        return abs(value - threshold)
    return 0.0  # "!=" failed: value equals the threshold


def _near_miss_credit(distance: float, threshold: float) -> float:
    return max(0.0, 1.0 - (distance / max(abs(threshold), 1.0)) / NEAR_MISS)


def _result(rule: AnyRule, value: float | None, threshold: float | None, **outcome: Any) -> RuleResult:
    return RuleResult(
        rule=rule.text(),
        type=rule.type,
        metric=rule.metric,
        value=value,
        threshold=threshold,
        weight=rule.weight,
        required=rule.required,
        label=rule.label,
        **outcome,
    )


def _missing(rule: AnyRule, value: float | None, threshold: float | None) -> RuleResult:
    return _result(rule, value, threshold, passed=None, distance=None, credit=0.0)


def _compared(rule: AnyRule, op: Op, value: float, threshold: float) -> RuleResult:
    if _OPS[op](value, threshold):
        return _result(rule, value, threshold, passed=True, distance=0.0, credit=1.0)
    distance = _gap(op, value, threshold)
    credit = 0.0 if op == "!=" else _near_miss_credit(distance, threshold)
    return _result(rule, value, threshold, passed=False, distance=distance, credit=credit)


def _evaluate(rule: AnyRule, metrics: Mapping[str, float | None]) -> RuleResult:
    if isinstance(rule, CompareRule):
        value = _number(metrics, rule.metric)
        if value is None:
            return _missing(rule, None, rule.value)
        return _compared(rule, rule.op, value, rule.value)
    if isinstance(rule, CompareMetricsRule):
        value, other = _number(metrics, rule.metric), _number(metrics, rule.other)
        if value is None or other is None:
            return _missing(rule, value, other)
        return _compared(rule, rule.op, value, other)
    if isinstance(rule, RangeRule):
        value = _number(metrics, rule.metric)
        if value is None:
            return _missing(rule, None, None)
        low, high = rule.min, rule.max
        if low is not None and value < low:
            return _result(
                rule,
                value,
                low,
                passed=False,
                distance=low - value,
                credit=_near_miss_credit(low - value, low),
            )
        if high is not None and value > high:
            distance = value - high
            return _result(
                rule, value, high, passed=False, distance=distance, credit=_near_miss_credit(distance, high)
            )
        nearest = low if high is None or (low is not None and value - low <= high - value) else high
        return _result(rule, value, nearest, passed=True, distance=0.0, credit=1.0)
    days = _number(metrics, rule.metric)
    threshold = float(rule.within_days)
    if days is None:
        if _number(metrics, rule.fast) is None or _number(metrics, rule.slow) is None:
            return _missing(rule, None, threshold)
        # Both lines are known, so "no cross recorded" means it did not happen within the lookback.
        return _result(rule, None, threshold, passed=False, distance=None, credit=0.0)
    return _compared(rule, "<=", days, threshold)


def evaluate_rules(rules: Sequence[AnyRule], metrics: Mapping[str, float | None]) -> list[RuleResult]:
    """Each rule judged on one stock's metrics (None or NaN = missing), in the rules' order."""
    return [_evaluate(rule, metrics) for rule in rules]


def match_score(results: Sequence[RuleResult]) -> float | None:
    """``100 · Σ wᵢ·creditᵢ / Σ wᵢ`` (0–100), None for a policy without rules. See the module doc."""
    if not results:
        return None
    earned = 0.0
    total = 0.0
    for result in results:  # the same order of additions as evaluate_rules_frame, so equal floats
        earned += result.weight * result.credit
        total += result.weight
    # earned ≤ total term by term, so the ratio is ≤ 1 and the score never rounds past 100.
    return 100.0 * (earned / total)


def qualifies(results: Sequence[RuleResult]) -> bool:
    """True when every required rule holds (missing data on a required rule does not hold)."""
    return all(result.passed is True for result in results if result.required)


# --- many stocks at once -------------------------------------------------------------------------


def _column(frame: pd.DataFrame, name: str) -> FloatArray:
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    values = frame[name].to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    values[~np.isfinite(values)] = np.nan
    return values


def _gap_array(op: Op, value: FloatArray, threshold: FloatArray) -> FloatArray:
    if op in ("<", "<="):
        return value - threshold
    if op in (">", ">="):
        return threshold - value
    if op == "==":
        return np.abs(value - threshold)
    return np.zeros_like(value)


def _near_miss_array(distance: FloatArray, threshold: FloatArray) -> FloatArray:
    return np.maximum(0.0, 1.0 - (distance / np.maximum(np.abs(threshold), 1.0)) / NEAR_MISS)


def _compared_array(op: Op, value: FloatArray, threshold: FloatArray) -> tuple[BoolArray, FloatArray]:
    """(passed, credit) of ``value op threshold``; NaN on either side fails with credit 0."""
    missing = np.isnan(value) | np.isnan(threshold)
    passed = np.asarray(_OPS[op](value, threshold), dtype=np.bool_) & ~missing
    if op == "!=":
        near = np.zeros_like(value)
    else:
        near = _near_miss_array(_gap_array(op, value, threshold), threshold)
    credit = np.where(passed, 1.0, np.where(missing, 0.0, near))
    return passed, credit


def _rule_arrays(rule: AnyRule, frame: pd.DataFrame) -> tuple[BoolArray, FloatArray]:
    """(passed, credit) of one rule for every row; missing data is never passed and earns 0."""
    n = len(frame)
    if isinstance(rule, CompareRule):
        return _compared_array(rule.op, _column(frame, rule.metric), np.full(n, rule.value))
    if isinstance(rule, CompareMetricsRule):
        return _compared_array(rule.op, _column(frame, rule.metric), _column(frame, rule.other))
    if isinstance(rule, RangeRule):
        value = _column(frame, rule.metric)
        below = value < rule.min if rule.min is not None else np.zeros(n, dtype=np.bool_)
        above = value > rule.max if rule.max is not None else np.zeros(n, dtype=np.bool_)
        passed = ~np.isnan(value) & ~below & ~above
        credit = np.where(passed, 1.0, 0.0)
        if rule.min is not None:
            low = np.full(n, rule.min)
            credit = np.where(below, _near_miss_array(low - value, low), credit)
        if rule.max is not None:
            high = np.full(n, rule.max)
            credit = np.where(above, _near_miss_array(value - high, high), credit)
        return passed, credit
    # An absent cross (NaN) is a definite fail with credit 0, or missing data: both earn 0 here.
    return _compared_array("<=", _column(frame, rule.metric), np.full(n, float(rule.within_days)))


def evaluate_rules_frame(rules: Sequence[AnyRule], frame: pd.DataFrame) -> tuple[FloatArray, BoolArray]:
    """Match score (NaN for a policy without rules) and qualification of every row of ``frame``
    (one column per metric; NaN, None or an absent column = missing). The same numbers as
    :func:`evaluate_rules` + :func:`match_score` / :func:`qualifies` on each row."""
    n = len(frame)
    qualified = np.ones(n, dtype=np.bool_)
    if not rules:
        return np.full(n, np.nan), qualified
    earned = np.zeros(n)
    total = 0.0
    # Overflowing distances (absurd inputs) become inf and earn 0 credit, as in the scalar version.
    with np.errstate(over="ignore", invalid="ignore"):
        for rule in rules:
            passed, credit = _rule_arrays(rule, frame)
            earned += rule.weight * credit
            total += rule.weight
            if rule.required:
                qualified &= passed
    return 100.0 * (earned / total), qualified
