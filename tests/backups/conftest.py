"""Fixtures of the backup tests: a small, migrated database with market data and a user, on
SQLite (a file) or on the real PostgreSQL (a private database named ``h_backup_…``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from kabu_trade.backups.digest import TableDigest, table_digests
from kabu_trade.core.cache import MemoryCache
from kabu_trade.core.config import Settings
from kabu_trade.core.context import build_context
from kabu_trade.core.migrate import upgrade
from tests.conftest import PG_URL, _services_or_skip, create_user_in, make_settings

PREFIX = "h_backup_"
DEMO_END = date(2024, 6, 28)


class PrivateDatabases:
    """PostgreSQL databases of these tests only; dropped at the end with any a restore left."""

    def __init__(self) -> None:
        self.created: list[str] = []

    def new_url(self) -> str:
        name = f"{PREFIX}{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.created.append(name)
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def names_like(self, name: str) -> list[str]:
        """Databases whose name starts with NAME (a restore's leftovers would)."""
        admin = sa.create_engine(PG_URL, poolclass=NullPool)
        with admin.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT datname FROM pg_database WHERE datname LIKE :pattern ORDER BY datname"),
                {"pattern": name + "%"},
            )
            found = [row[0] for row in rows]
        admin.dispose()
        return found

    def drop_all(self) -> None:
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as connection:
            for created in self.created:
                for name in self.names_like(created):
                    connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PrivateDatabases]:
    databases = PrivateDatabases()
    yield databases
    if databases.created:
        databases.drop_all()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql":
        _services_or_skip()
    return str(request.param)


def populate(settings: Settings) -> None:
    """Migrate, sync a small demo universe and add a user: every kind of column has values."""
    from kabu_trade.jobs.kinds import sync_then_follow
    from kabu_trade.market.providers.demo import DemoProvider

    context = build_context(settings, cache=MemoryCache())
    try:
        upgrade(context.engine)
        sync_then_follow(
            context, DemoProvider(symbols=12, start=date(2024, 1, 4), end=DEMO_END), until=DEMO_END
        )
        create_user_in(context, "investor")
    finally:
        context.close()


@pytest.fixture
def database_factory(pg_databases: PrivateDatabases, tmp_path: Path) -> Callable[..., Settings]:
    """Settings of a fresh, populated database of BACKEND, backing up to a folder of the test."""

    def factory(backend: str, *, filled: bool = True, **overrides: object) -> Settings:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path / f'live-{uuid.uuid4().hex[:6]}.db'}"
        else:
            url = pg_databases.new_url()
        overrides.setdefault("backup_dir", tmp_path / "backups")
        settings = make_settings(url, tmp_path, **overrides)
        if filled:
            populate(settings)
        return settings

    return factory


def digests_of(settings: Settings) -> dict[str, TableDigest]:
    """The live database's tables, read now (NullPool: no connection stays behind)."""
    engine = sa.create_engine(settings.effective_database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return table_digests(connection)
    finally:
        engine.dispose()


def execute(settings: Settings, *statements: str) -> None:
    engine = sa.create_engine(settings.effective_database_url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(sa.text(statement))
    finally:
        engine.dispose()
