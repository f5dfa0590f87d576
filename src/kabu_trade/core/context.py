"""What a running kabu-trade holds: settings, the database engine and the cache.

The API keeps one on ``app.state.context``; the CLI and the jobs build their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from kabu_trade.core.cache import Cache, RedisOptions, create_cache
from kabu_trade.core.capacity import pool_size
from kabu_trade.core.config import Settings
from kabu_trade.core.db import create_db_engine, create_session_factory


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    cache: Cache
    # Per-process helpers that belong to this context (e.g. the screener's metrics snapshot).
    extras: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        self.cache.close()
        self.engine.dispose()


def build_context(settings: Settings, cache: Cache | None = None) -> AppContext:
    if settings.is_embedded_database:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_db_engine(
        settings.effective_database_url,
        pool_size=pool_size(settings.threads),
        pool_timeout=settings.db_pool_timeout_seconds,
        pool_recycle=settings.db_pool_recycle_seconds,
    )
    return AppContext(
        settings=settings,
        engine=engine,
        sessions=create_session_factory(engine),
        cache=cache or create_cache(settings.redis_url, options=RedisOptions.from_settings(settings)),
    )
