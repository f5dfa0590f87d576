"""The evaluation engine: metrics (+ an optional policy snapshot) → a language-neutral result.

Pure and deterministic, so that a stored evaluation can be reproduced from its stored inputs.
Messages stay as keys with parameters; ``render_result`` turns them into the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from kabu_trade.analysis.catalog import FUNDAMENTAL_METRICS, TECHNICAL_METRICS
from kabu_trade.analysis.scoring import score
from kabu_trade.evaluations.key_points import key_points
from kabu_trade.evaluations.levels import price_levels
from kabu_trade.evaluations.messages import render
from kabu_trade.evaluations.rule_text import rule_text, verdict_text
from kabu_trade.policies.rules import evaluate_rules, match_score, qualifies
from kabu_trade.policies.service import parse_rules

ENGINE_VERSION = 1
Metrics = Mapping[str, float | None]


def evaluate(
    metrics: Metrics, policy: Mapping[str, Any] | None = None, as_of: date | None = None
) -> dict[str, Any]:
    """Score ``metrics`` (names from the catalog), judged against ``policy`` (a policy snapshot);
    ``as_of``, the metrics' date, dates the estimated next earnings in the key points."""
    weights = dict(policy.get("weights") or {}) if policy else None
    scored = score(metrics, weights)
    parsed = parse_rules(policy["rules"]) if policy else []
    judged = evaluate_rules(parsed, metrics)
    # The rule itself goes with its result, so that it can be put in words in any language later.
    rule_results = [
        {**r.to_dict(), "spec": rule.model_dump(mode="json")} for r, rule in zip(judged, parsed, strict=True)
    ]
    match = match_score(judged) if policy else None
    levels = price_levels(
        metrics,
        target_return_pct=policy.get("target_return_pct") if policy else None,
        stop_loss_pct=policy.get("stop_loss_pct") if policy else None,
        trailing_stop_pct=policy.get("trailing_stop_pct") if policy else None,
        risk_tolerance=policy.get("risk_tolerance") if policy else None,
    )
    points = key_points(
        metrics,
        scored,
        levels,
        rule_results,
        stop_loss_pct=policy.get("stop_loss_pct") if policy else None,
        target_return_pct=policy.get("target_return_pct") if policy else None,
        policy_name=str(policy.get("name") or "") if policy else None,
        match=match,
        as_of=as_of,
    )
    return {
        "engine_version": ENGINE_VERSION,
        "buy_score": scored.buy_score,
        "sell_score": scored.sell_score,
        "recommendation": scored.recommendation,
        "confidence": scored.confidence,
        "match_score": match,
        "qualifies": qualifies(judged) if policy else None,
        "signals": [s.to_dict() for s in scored.signals],
        "parts": scored.parts,
        "missing": list(scored.missing),
        "rules": rule_results,
        "levels": levels.to_dict(),
        "key_points": [p.to_dict() for p in points],
    }


def split_metrics(metrics: Metrics) -> tuple[dict[str, float | None], dict[str, float | None]]:
    technical = {name: metrics.get(name) for name in TECHNICAL_METRICS}
    fundamental = {name: metrics.get(name) for name in FUNDAMENTAL_METRICS}
    return technical, fundamental


def _rules_in_words(
    rules: Sequence[Mapping[str, Any]], policy: Mapping[str, Any] | None, lang: str
) -> list[dict[str, Any]]:
    """Each rule result with ``rule_text`` and ``text`` (its verdict) in ``lang``. An evaluation
    stored before results carried their rule takes it from its policy snapshot (same order)."""
    stored = list((policy or {}).get("rules") or [])
    specs: list[Mapping[str, Any] | None] = []
    try:
        parsed = [rule.model_dump(mode="json") for rule in parse_rules(stored)]
    except ValueError:  # a snapshot the rule language no longer accepts: no words for it
        parsed = []
    for i, rule in enumerate(rules):
        spec = rule.get("spec") or (parsed[i] if i < len(parsed) else None)
        specs.append(spec)
    return [
        {
            **rule,
            "rule_text": rule_text(spec, lang) if spec else rule.get("rule"),
            "text": verdict_text(spec, rule, lang) if spec else rule.get("rule"),
        }
        for rule, spec in zip(rules, specs, strict=True)
    ]


def render_result(
    result: Mapping[str, Any], lang: str, *, policy: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The API's view: message keys rendered as text in ``lang``. ``policy`` is the snapshot the
    evaluation was made under (for results stored before rules carried their own definition)."""
    signals = [
        {
            "name": s["name"],
            "part": s["part"],
            "side": s["side"],
            "metric": s.get("metric"),
            "value": s.get("value"),
            "contribution": s["contribution"],
            "missing": s.get("missing", False),
            # The contribution has its own field (and column): the reason does not repeat it.
            "reason": render(s["message_key"], s.get("params", {}), lang, with_points=False),
        }
        for s in result["signals"]
    ]
    points = [
        {
            "type": p["type"],
            "priority": p["priority"],
            "message": render(p["message_key"], p.get("params", {}), lang),
        }
        for p in result["key_points"]
    ]
    levels = dict(result["levels"])
    basis = [
        {"level": b["level"], "message": render(b["message_key"], b.get("params", {}), lang)}
        for b in levels.pop("basis", [])
    ]
    rules = _rules_in_words(result.get("rules", []), policy, lang)
    return {
        **result,
        "signals": signals,
        "rules": rules,
        "key_points": points,
        "levels": {**levels, "basis": basis},
    }
