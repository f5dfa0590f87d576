"""Fixtures of the backup tests: a small, migrated database with market data and a user, on
SQLite (a file) or on the real PostgreSQL (a private database named ``h_backup_…``)."""

from __future__ import annotations

import shutil
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
        self.admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)

    def new_url(self, template: str | None = None) -> str:
        """A new database, empty or a copy of TEMPLATE (copied by the server: fast)."""
        name = f"{PREFIX}{uuid.uuid4().hex[:12]}"
        copy = f' TEMPLATE "{template}"' if template else ""
        with self.admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"{copy}'))
        self.created.append(name)
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def names_like(self, name: str) -> list[str]:
        """Databases whose name starts with NAME (a restore's leftovers would)."""
        with self.admin.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT datname FROM pg_database WHERE datname LIKE :pattern ORDER BY datname"),
                {"pattern": name + "%"},
            )
            return [row[0] for row in rows]

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in self.names_like(PREFIX):
                if any(name.startswith(created) for created in self.created):
                    connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


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


@pytest.fixture(scope="session")
def filled_templates(
    pg_databases: PrivateDatabases, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], str]:
    """A populated database per backend, made once; each test gets its own copy of it."""
    made: dict[str, str] = {}
    folder = tmp_path_factory.mktemp("templates")

    def template(backend: str) -> str:
        if backend not in made:
            url = f"sqlite:///{folder / 'filled.db'}" if backend == "sqlite" else pg_databases.new_url()
            populate(make_settings(url, folder))
            made[backend] = url
        return made[backend]

    return template


@pytest.fixture
def database_factory(
    pg_databases: PrivateDatabases, filled_templates: Callable[[str], str], tmp_path: Path
) -> Callable[..., Settings]:
    """Settings of a database of BACKEND of this test's own (populated unless FILLED is false),
    backing up to a folder of the test."""

    def factory(backend: str, *, filled: bool = True, **overrides: object) -> Settings:
        if backend == "sqlite":
            path = tmp_path / f"live-{uuid.uuid4().hex[:6]}.db"
            if filled:
                # The template's engine is disposed: its WAL was checkpointed into the main file.
                shutil.copyfile(make_url(filled_templates("sqlite")).database or "", path)
            url = f"sqlite:///{path}"
        else:
            template = make_url(filled_templates("postgresql")).database if filled else None
            url = pg_databases.new_url(template)
        overrides.setdefault("backup_dir", tmp_path / "backups")
        return make_settings(url, tmp_path, **overrides)

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
