"""Rank the universe under a policy: hard filters, match score, policy-weighted buy/sell scores.

Everything is numpy over the snapshot's columns — no Python loop per stock — so one policy over
4,000 stocks takes milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from kabu_trade.analysis.catalog import SCORE_PARTS
from kabu_trade.analysis.scoring import DEFAULT_PART_POINTS, recommend_array
from kabu_trade.core.context import AppContext
from kabu_trade.evaluations.message_templates import PART_LABELS
from kabu_trade.evaluations.rule_text import rule_text, verdict_text
from kabu_trade.market.sectors import sector_en
from kabu_trade.policies import service as policies
from kabu_trade.policies.models import Policy
from kabu_trade.policies.rule_language import Rule
from kabu_trade.policies.rules import evaluate_rules, evaluate_rules_frame, rule_metrics
from kabu_trade.screener.snapshot import Snapshot, SnapshotCache

SHOWN_METRICS = [
    "close",
    "change_pct",
    "per",
    "pbr",
    "roe",
    "dividend_yield",
    "rsi_14",
    "return_60d_pct",
    "market_cap",
]
CSV_COLUMNS = [
    "rank",
    "stock_code",
    "name",
    "sector",
    "market",
    "match_score",
    "buy_score",
    "sell_score",
    "recommendation",
    *SHOWN_METRICS,
    "tie_break_score",
    "failed_rules",
]


def snapshots(context: AppContext) -> SnapshotCache:
    cache = context.extras.get("screener_snapshots")
    if cache is None:
        cache = context.extras.setdefault("screener_snapshots", SnapshotCache())
    return cache  # type: ignore[no-any-return]


def publish_snapshot(context: AppContext) -> None:
    """After a sync (``jobs/pipeline.py``, right after the generation is bumped): build the screener's
    snapshot once and share it, so that the first screen of every API process finds it ready."""
    with context.sessions() as session:
        snapshots(context).publish(session, context.cache)


def _ratio(weights: dict[str, float] | None) -> tuple[np.ndarray, np.ndarray]:
    """(points multiplier per part, new maximum per part) under the policy's part weights."""
    default = np.array([DEFAULT_PART_POINTS[p] for p in SCORE_PARTS], dtype=float)
    multiplier = np.array([(weights or {}).get(p, 1.0) for p in SCORE_PARTS], dtype=float)
    scaled = default * multiplier
    total = scaled.sum()
    new_max = scaled * (100.0 / total) if total > 0 else np.zeros_like(scaled)
    return np.divide(new_max, default, out=np.zeros_like(default), where=default > 0), new_max


def weighted_scores(snapshot: Snapshot, weights: dict[str, float] | None) -> tuple[np.ndarray, ...]:
    """Buy, sell and confidence of every stock with the policy's part weights.

    Each part's points scale with its weight, renormalised so the best possible score stays 100 —
    the same rule ``analysis.scoring.score`` applies to one stock.
    """
    ratio, new_max = _ratio(weights)
    buy = (snapshot.part_buy * ratio).sum(axis=1)
    sell = (snapshot.part_sell * ratio).sum(axis=1)
    confidence = (snapshot.part_available * new_max).sum(axis=1) / 100.0
    return np.clip(buy, 0, 100), np.clip(sell, 0, 100), np.clip(confidence, 0, 1)


def heaviest_parts(weights: dict[str, float] | None) -> tuple[list[str], float | None]:
    """The score parts the policy weights most, and that weight; ([], None) when no part is weighted
    above another (then the buy score breaks ties, as every part counts alike)."""
    given = {p: float((weights or {}).get(p, 1.0)) for p in SCORE_PARTS}
    top = max(given.values())
    if top <= 0 or all(w == top for w in given.values()):
        return [], None
    return [p for p in SCORE_PARTS if given[p] == top], top


def tie_break_scores(snapshot: Snapshot, weights: dict[str, float] | None) -> np.ndarray:
    """Each stock's buy points (policy-weighted) on the parts the policy weights most; the buy score
    when no part is weighted above the others."""
    parts, _ = heaviest_parts(weights)
    if not parts:
        return weighted_scores(snapshot, weights)[0]
    ratio, _ = _ratio(weights)
    columns = [SCORE_PARTS.index(p) for p in parts]
    return np.asarray((snapshot.part_buy[:, columns] * ratio[columns]).sum(axis=1), dtype=float)


def tie_break(weights: dict[str, float] | None, lang: str) -> dict[str, Any]:
    """What breaks ties in match score, and why, in ``lang``."""
    parts, weight = heaviest_parts(weights)
    if not parts:
        explanation = (
            "適合度が同じ銘柄は、買いスコアの高い順に並べています（方針の重みはどの要素も同じ）"
            if lang == "ja"
            else "Stocks with the same match score are ordered by buy score "
            "(the policy weights every part alike)"
        )
        return {"parts": [], "weight": None, "explanation": explanation}
    names = [PART_LABELS[p][0 if lang == "ja" else 1] for p in parts]
    shown = f"{weight:g}"
    if lang == "ja":
        explanation = (
            f"適合度が同じ銘柄は、方針が最も重視する「{'・'.join(names)}」（重み{shown}）の"
            "買いスコアが高い順に並べています"
        )
    else:
        explanation = (
            f"Stocks with the same match score are ordered by their buy points on {' / '.join(names)}, "
            f"what the policy weights most (weight {shown})"
        )
    return {"parts": parts, "weight": weight, "explanation": explanation}


def _failed_rules(
    rules: Sequence[Rule],
    specs: Sequence[tuple[dict[str, Any], str]],
    metrics: dict[str, float | None],
    lang: str,
) -> list[dict[str, Any]]:
    """The rules a hit fails (weighted ones: a hit passes every required rule), each in words.
    ``specs``: each rule as stored and in words, computed once for the whole ranking."""
    failed = []
    for (spec, words), result in zip(specs, evaluate_rules(rules, metrics), strict=True):
        if result.passed is True:
            continue
        verdict = {"value": result.value, "passed": result.passed, "distance": result.distance}
        failed.append(
            {
                "rule": result.rule,
                "metric": result.metric,
                "value": result.value,
                "distance": result.distance,
                "weight": result.weight,
                "required": result.required,
                "text": verdict_text(spec, {**verdict, "threshold": result.threshold}, lang, rule=words),
            }
        )
    return failed


def _rule_inputs(rules: Sequence[Rule], shown: pd.DataFrame) -> list[dict[str, float | None]]:
    """The metrics the rules read, one dict per shown row, read column-wise (NaN = missing, as
    ``evaluate_rules`` takes it)."""
    names = rule_metrics(rules)
    columns = [
        shown[name].to_numpy(dtype=float, na_value=np.nan).tolist()
        if name in shown
        else [math.nan] * len(shown)
        for name in names
    ]
    return (
        [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]
        if names
        else [{} for _ in range(len(shown))]
    )


def rank(
    snapshot: Snapshot,
    rules: Sequence[Rule],
    weights: dict[str, float] | None,
    *,
    limit: int | None = 50,
    sector: str | None = None,
    market: str | None = None,
    lang: str = "ja",
) -> dict[str, Any]:
    """The ranking itself, pure: filters, required rules, match score, re-weighted scores."""
    frame = snapshot.frame
    selected = np.ones(len(frame), dtype=bool)
    if sector:
        selected &= ((frame["sector_code"] == sector) | (frame["sector"] == sector)).to_numpy()
    if market:
        selected &= (frame["market"] == market.lower()).to_numpy()
    match, qualifies = evaluate_rules_frame(rules, frame)
    buy, sell, confidence = weighted_scores(snapshot, weights)
    tied = tie_break_scores(snapshot, weights)
    index = np.flatnonzero(selected & qualifies)
    # Rank by match score (no scored rules: by buy score); equal match scores by the buy points on
    # the parts the policy weights most, then by the policy-weighted buy score.
    order_key = np.where(np.isnan(match), -1.0, match)
    index = index[np.lexsort((-buy[index], -tied[index], -order_key[index]))]
    total = len(index)
    if limit is not None:
        index = index[:limit]
    recommendation = recommend_array(buy[index], sell[index], confidence[index])
    specs = [(spec, rule_text(spec, lang)) for spec in (rule.model_dump(mode="json") for rule in rules)]
    inputs = _rule_inputs(rules, frame.iloc[index])
    shown = frame.iloc[index]
    items = [
        {
            "rank": rank,
            "stock_code": row["code"],
            "name": row["name"],
            "name_en": row["name_en"],
            "sector": row["sector"],
            "sector_en": sector_en(row["sector_code"], row["sector"]),
            "market": row["market"],
            "match_score": _num(match[i]),
            "buy_score": round(float(buy[i]), 2),
            "sell_score": round(float(sell[i]), 2),
            "confidence": round(float(confidence[i]), 3),
            "recommendation": str(row_recommendation),
            "as_of": row["as_of"],
            **{name: _num(row.get(name)) for name in SHOWN_METRICS},
            "tie_break_score": round(float(tied[i]), 2),
            "failed_rules": _failed_rules(rules, specs, inputs[rank - 1], lang),
        }
        for rank, (i, row_recommendation, (_, row)) in enumerate(
            zip(index, recommendation, shown.iterrows(), strict=True), start=1
        )
    ]
    return {
        "as_of": snapshot.as_of,
        "universe": int(selected.sum()),
        "total": total,
        "items": items,
        "demo": bool((frame["source"] == "demo").any()) if len(frame) else False,
        "tie_break": tie_break(weights, lang),
    }


def screen(
    session: Session,
    context: AppContext,
    policy: Policy,
    *,
    limit: int | None = 50,
    sector: str | None = None,
    market: str | None = None,
    lang: str = "ja",
) -> dict[str, Any]:
    snapshot = snapshots(context).get(session, context.cache)
    result = rank(
        snapshot,
        policies.parse_rules(policy.rules),
        policy.weights,
        limit=limit,
        sector=sector,
        market=market,
        lang=lang,
    )
    return {**result, "policy": {"id": policy.id, "name": policy.name, "version": policy.version}}


def _num(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return round(float(value), 4)


def to_csv(result: dict[str, Any]) -> str:
    """The ranking as CSV; ``failed_rules`` holds each failed rule in words, separated by " / "."""
    rows = [
        {**item, "failed_rules": " / ".join(r["text"] for r in item["failed_rules"])}
        for item in result["items"]
    ]
    frame = pd.DataFrame(rows, columns=CSV_COLUMNS)
    # A BOM so that Excel (common among Japanese investors) opens the UTF-8 file correctly.
    return "\ufeff" + frame.to_csv(index=False)
