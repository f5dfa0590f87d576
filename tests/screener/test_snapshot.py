"""The screener's metrics snapshot (screener/snapshot.py): read column-wise, equal to a row-by-row
read of the same table, and shared through the cache so that other processes skip the table."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from kabu_trade.analysis.catalog import SCORE_PARTS
from kabu_trade.analysis.models import StockMetrics
from kabu_trade.core.cache import bump_market_generation, market_generation
from kabu_trade.core.context import AppContext
from kabu_trade.market.models import Stock
from kabu_trade.screener import snapshot
from kabu_trade.screener.service import publish_snapshot, snapshots
from tests.core.database_use import database_use


def row_by_row(session: Session) -> tuple[pd.DataFrame, np.ndarray]:
    """The straightforward read, as the snapshot was loaded before: ORM values, one row at a time."""
    rows = sorted(
        session.execute(
            select(StockMetrics, Stock)
            .join(Stock, Stock.code == StockMetrics.code)
            .where(Stock.listed.is_(True))
        ).all(),
        key=lambda r: r[0].code,
    )
    records: list[dict[str, Any]] = []
    buy = np.zeros((len(rows), len(SCORE_PARTS)))
    for i, (metrics, stock) in enumerate(rows):
        records.append(
            {
                "code": metrics.code,
                "as_of": metrics.as_of,
                "name": stock.name,
                "sector": stock.sector_name,
                "sector_code": stock.sector_code,
                "market": stock.market,
                "source": stock.source,
                **{k: np.nan if v is None else float(v) for k, v in metrics.values.items()},
            }
        )
        for j, part in enumerate(SCORE_PARTS):
            buy[i, j] = ((metrics.scores or {}).get("parts", {}).get(part) or {}).get("buy", 0.0)
    return pd.DataFrame.from_records(records), buy


def test_the_column_wise_read_equals_the_row_by_row_read(context: AppContext) -> None:
    with context.sessions() as session:
        loaded = snapshot.load_snapshot(session, "1")
        expected, buy = row_by_row(session)
    assert len(loaded.frame) == 40 and isinstance(loaded.frame["as_of"].iloc[0], date)
    pd.testing.assert_frame_equal(
        loaded.frame[expected.columns].reset_index(drop=True), expected, check_dtype=False
    )
    np.testing.assert_array_equal(loaded.part_buy, buy)
    assert loaded.part_available.max() <= 1.0 and loaded.part_sell.shape == buy.shape


def test_a_snapshot_survives_its_bytes(context: AppContext) -> None:
    with context.sessions() as session:
        loaded = snapshot.load_snapshot(session, "9")
    back = snapshot.decode_snapshot("9", snapshot.encode_snapshot(loaded))
    pd.testing.assert_frame_equal(back.frame, loaded.frame)
    for name in ("part_buy", "part_sell", "part_available"):
        np.testing.assert_array_equal(getattr(back, name), getattr(loaded, name))


def test_another_process_reads_the_shared_snapshot_not_the_table(context: AppContext, backend: str) -> None:
    bump_market_generation(context.cache)  # a sync
    publish_snapshot(context)  # its job builds the snapshot once
    generation = market_generation(context.cache)
    assert snapshots(context).get(None, context.cache).generation == generation  # type: ignore[arg-type]
    other_process = snapshot.SnapshotCache()
    with database_use(context.engine) as used, context.sessions() as session:
        loaded = other_process.get(session, context.cache)
    if context.cache.backend == "memory":  # embedded: one process, nothing to share
        assert used["statements"] == 1
    else:
        assert used == {}, used  # one cache read, no query
    pd.testing.assert_frame_equal(loaded.frame, snapshots(context).get(None, context.cache).frame)  # type: ignore[arg-type]
