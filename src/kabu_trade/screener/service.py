"""Rank the universe under a policy: hard filters, match score, policy-weighted buy/sell scores.

Everything is numpy over the snapshot's columns — no Python loop per stock — so one policy over
4,000 stocks takes milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from kabu_trade.analysis.catalog import SCORE_PARTS
from kabu_trade.analysis.scoring import DEFAULT_PART_POINTS, recommend_array
from kabu_trade.core.context import AppContext
from kabu_trade.policies import service as policies
from kabu_trade.policies.models import Policy
from kabu_trade.policies.rule_language import Rule
from kabu_trade.policies.rules import evaluate_rules_frame
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


def weighted_scores(snapshot: Snapshot, weights: dict[str, float] | None) -> tuple[np.ndarray, ...]:
    """Buy, sell and confidence of every stock with the policy's part weights.

    Each part's points scale with its weight, renormalised so the best possible score stays 100 —
    the same rule ``analysis.scoring.score`` applies to one stock.
    """
    default = np.array([DEFAULT_PART_POINTS[p] for p in SCORE_PARTS], dtype=float)
    multiplier = np.array([(weights or {}).get(p, 1.0) for p in SCORE_PARTS], dtype=float)
    scaled = default * multiplier
    total = scaled.sum()
    new_max = scaled * (100.0 / total) if total > 0 else np.zeros_like(scaled)
    ratio = np.divide(new_max, default, out=np.zeros_like(default), where=default > 0)
    buy = (snapshot.part_buy * ratio).sum(axis=1)
    sell = (snapshot.part_sell * ratio).sum(axis=1)
    confidence = (snapshot.part_available * new_max).sum(axis=1) / 100.0
    return np.clip(buy, 0, 100), np.clip(sell, 0, 100), np.clip(confidence, 0, 1)


def rank(
    snapshot: Snapshot,
    rules: Sequence[Rule],
    weights: dict[str, float] | None,
    *,
    limit: int | None = 50,
    sector: str | None = None,
    market: str | None = None,
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
    index = np.flatnonzero(selected & qualifies)
    # Rank by match score (no scored rules: by buy score), then by the policy-weighted buy score.
    order_key = np.where(np.isnan(match), -1.0, match)
    index = index[np.lexsort((-buy[index], -order_key[index]))]
    total = len(index)
    if limit is not None:
        index = index[:limit]
    recommendation = recommend_array(buy[index], sell[index], confidence[index])
    shown = frame.iloc[index]
    items = [
        {
            "rank": rank,
            "stock_code": row["code"],
            "name": row["name"],
            "sector": row["sector"],
            "market": row["market"],
            "match_score": _num(match[i]),
            "buy_score": round(float(buy[i]), 2),
            "sell_score": round(float(sell[i]), 2),
            "confidence": round(float(confidence[i]), 3),
            "recommendation": str(row_recommendation),
            "as_of": row["as_of"],
            **{name: _num(row.get(name)) for name in SHOWN_METRICS},
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
    }


def screen(
    session: Session,
    context: AppContext,
    policy: Policy,
    *,
    limit: int | None = 50,
    sector: str | None = None,
    market: str | None = None,
) -> dict[str, Any]:
    snapshot = snapshots(context).get(session, context.cache)
    result = rank(
        snapshot,
        policies.parse_rules(policy.rules),
        policy.weights,
        limit=limit,
        sector=sector,
        market=market,
    )
    return {**result, "policy": {"id": policy.id, "name": policy.name, "version": policy.version}}


def _num(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return round(float(value), 4)


def to_csv(result: dict[str, Any]) -> str:
    frame = pd.DataFrame(result["items"], columns=CSV_COLUMNS)
    # A BOM so that Excel (common among Japanese investors) opens the UTF-8 file correctly.
    return "\ufeff" + frame.to_csv(index=False)
