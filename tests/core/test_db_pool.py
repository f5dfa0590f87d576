"""Database connections are opened once and reused: no per-request connection churn (core/db.py)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import QueuePool

from kabu_trade.core import capacity
from kabu_trade.core.db import create_db_engine, create_session_factory
from tests.core.database_use import database_use


def test_sqlite_connections_are_pooled_and_set_up_once(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'pool.db'}", pool_size=capacity.pool_size(2))
    sessions = create_session_factory(engine)
    try:
        assert isinstance(engine.pool, QueuePool) and engine.pool.size() == capacity.pool_size(2)
        with database_use(engine) as used:
            for _ in range(20):  # twenty requests, one after the other
                with sessions() as session:
                    assert session.execute(sa.text("PRAGMA foreign_keys")).scalar_one() == 1
        # One connection made (its PRAGMAs ran once), checked out twenty times.
        assert used["connects"] == 1 and used["checkouts"] == 20
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
    finally:
        engine.dispose()
