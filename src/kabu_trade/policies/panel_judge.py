"""A policy judged over a panel frame for the backtest engine (``kabu_trade.engine.decisions``).

The same code as a single evaluation (``evaluations.engine.evaluate``): the rules through
``evaluate_rules_frame`` (equal to ``evaluate_rules`` row by row, tested), the scores through
``score_frame`` with the policy's part weights (``weighted_frame_scores``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from kabu_trade.analysis.scoring import score_frame, weighted_frame_scores
from kabu_trade.engine.decisions import RECOMMENDATION_RANK, Verdicts
from kabu_trade.policies.rules import _column, _rule_arrays, evaluate_rules_frame, parse_rules


class PolicyJudge:
    """Judges rows for one policy snapshot (its ``rules`` and ``weights``)."""

    def __init__(self, policy: Mapping[str, Any]) -> None:
        self.rules = parse_rules(policy.get("rules") or [])
        self.weights = dict(policy.get("weights") or {}) or None

    def judge(self, rows: pd.DataFrame) -> Verdicts:
        match, qualified = evaluate_rules_frame(self.rules, rows)
        failed = np.full(len(rows), -1, dtype=np.int64)
        for index in reversed(range(len(self.rules))):  # the first failing rule wins
            rule = self.rules[index]
            if not rule.required:
                continue
            passed, _ = _rule_arrays(rule, rows)
            known = np.logical_and.reduce([~np.isnan(_column(rows, m)) for m in _read(rule)])
            failed = np.where(known & ~passed, index, failed)
        buy, _, _, recommendation = weighted_frame_scores(score_frame(rows), self.weights)
        # One comparison per name, not a Python call per row (np.vectorize cost 0.3 s at 600k rows).
        rank = np.zeros(len(recommendation), dtype=np.int64)
        for name, value in RECOMMENDATION_RANK.items():
            rank[recommendation == name] = value
        return Verdicts(match, qualified, failed, rank, buy)


def _read(rule: Any) -> tuple[str, ...]:
    """The metrics a rule's verdict needs known: a cross reads its two lines (a missing cross
    count means it did not happen, which is a verdict)."""
    if rule.type == "cross":
        return (rule.fast, rule.slow)
    return tuple(rule.metrics())
