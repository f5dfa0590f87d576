"""The universe's latest metrics as numpy-ready columns, kept per process and per market generation.

Loading 4,000 rows of JSON from the database takes far longer than screening them, so each API
process keeps the last snapshot and reloads only when a sync has bumped the market generation
(a single cache read per request, shared through Redis across processes).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from kabu_trade.analysis.catalog import SCORE_PARTS
from kabu_trade.analysis.models import StockMetrics
from kabu_trade.core.cache import Cache, market_generation
from kabu_trade.market.models import Stock


@dataclass(frozen=True)
class Snapshot:
    generation: str
    frame: pd.DataFrame  # one row per stock: code, name, sector, market, as_of + one column per metric
    part_buy: np.ndarray  # (stocks × parts) default-weight buy points per part
    part_sell: np.ndarray
    part_available: np.ndarray  # (stocks × parts) share of the part's inputs that were present

    @property
    def as_of(self) -> date | None:
        return None if self.frame.empty else max(self.frame["as_of"])


def load_snapshot(session: Session, generation: str) -> Snapshot:
    rows = session.execute(
        select(
            StockMetrics.code,
            StockMetrics.as_of,
            StockMetrics.values,
            StockMetrics.scores,
            Stock.name,
            Stock.sector_name,
            Stock.sector_code,
            Stock.market,
            Stock.source,
        )
        .join(Stock, Stock.code == StockMetrics.code)
        .where(Stock.listed.is_(True))
        .order_by(StockMetrics.code)
    ).all()
    base = pd.DataFrame(
        [(r.code, r.as_of, r.name, r.sector_name, r.sector_code, r.market, r.source) for r in rows],
        columns=["code", "as_of", "name", "sector", "sector_code", "market", "source"],
    )
    metrics = pd.DataFrame([r.values for r in rows]).astype(float) if rows else pd.DataFrame()
    frame = pd.concat(
        [base, metrics.drop(columns=[c for c in base.columns if c in metrics], errors="ignore")], axis=1
    )
    shape = (len(rows), len(SCORE_PARTS))
    part_buy, part_sell, part_available = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    for i, row in enumerate(rows):
        parts = (row.scores or {}).get("parts", {})
        for j, part in enumerate(SCORE_PARTS):
            entry = parts.get(part) or {}
            part_buy[i, j] = entry.get("buy", 0.0)
            part_sell[i, j] = entry.get("sell", 0.0)
            part_available[i, j] = entry.get("available", 0.0)
    return Snapshot(generation, frame, part_buy, part_sell, part_available)


class SnapshotCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    def get(self, session: Session, cache: Cache) -> Snapshot:
        generation = market_generation(cache)
        snapshot = self._snapshot
        if snapshot is not None and snapshot.generation == generation:
            return snapshot
        with self._lock:
            if self._snapshot is None or self._snapshot.generation != generation:
                self._snapshot = load_snapshot(session, generation)
            return self._snapshot

    def clear(self) -> None:
        with self._lock:
            self._snapshot = None
