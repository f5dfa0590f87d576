"""Database engine and sessions (SQLAlchemy 2, synchronous).

Synchronous sessions keep one code path for the API (FastAPI runs sync dependencies and routes in
its thread pool, so the event loop never blocks), the CLI and the jobs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import QueuePool

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend (SQLite stores no zone and hands back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


# JSON documents: JSONB on PostgreSQL (compact, indexable), JSON text on SQLite.
JSONDoc = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the API read while a sync writes; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """An engine whose pool is sized by the caller (``core/capacity.py`` for the API).

    No overflow: the pool is exactly what the capacity calculation promised the database server.
    A request that still finds it empty waits ``pool_timeout`` seconds, then gets a 503.
    """
    if url in {"sqlite://", "sqlite:///:memory:"}:
        # One in-memory database per connection: pooling options do not apply.
        return create_engine(url, connect_args={"check_same_thread": False})
    kwargs.setdefault("pool_size", 5)
    kwargs.setdefault("max_overflow", 0)
    if url.startswith("sqlite"):
        # Pooled, said explicitly rather than left to SQLAlchemy's default for files: a connection
        # is opened (and its PRAGMAs run) once, then reused by request after request.
        engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=QueuePool, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # After a database restart or fail-over every pooled connection is dead: test each one as it
    # is checked out (one round trip) and replace it, so the service is back with the database.
    kwargs.setdefault("pool_pre_ping", True)
    # Recycle before any idle timeout of a proxy or RDS closes connections under us.
    kwargs.setdefault("pool_recycle", 1800)
    return create_engine(url, **kwargs)


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit at the end, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
