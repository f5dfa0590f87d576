"""Shared fixtures: every database-backed test runs on embedded SQLite and on the real PostgreSQL
+ Redis. Where PostgreSQL or Redis cannot be reached, the PostgreSQL variants are skipped on a
laptop but fail in CI (CI=true or KABU_TEST_REQUIRE_SERVICES=1): a missing service is never a
silent pass there."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
import redis
import sqlalchemy as sa
from hypothesis import settings as hypothesis_settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import DirectoryBasedExampleDatabase
from sqlalchemy.engine import make_url

from kabu_trade.core.cache import Cache, MemoryCache, RedisCache
from kabu_trade.core.config import Settings
from kabu_trade.core.context import AppContext, build_context
from kabu_trade.core.db import session_scope
from kabu_trade.core.migrate import upgrade
from kabu_trade.main import create_app

PG_URL = os.environ.get("KABU_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("KABU_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REQUIRE_SERVICES = os.environ.get("CI", "").lower() in {"1", "true"} or bool(
    os.environ.get("KABU_TEST_REQUIRE_SERVICES")
)
# A small demo universe keeps the suite fast; the full one is exercised by the provider tests.
DEMO_SYMBOLS = 40
DEMO_START = date(2023, 1, 4)
DEMO_END = date(2024, 12, 30)
BACKENDS = ["sqlite", "postgres"]
TEST_PASSWORD = "correct horse battery"

# Hypothesis never writes into the checkout (its example database and constants cache go to the
# user's cache folder). CI runs the "ci" profile: derandomised and with no example database, so a
# run neither fails by the draw nor replays a failure saved by another run. No deadline anywhere:
# on a loaded 2-core machine a slow example is not a bug. HYPOTHESIS_PROFILE picks one by hand.
HYPOTHESIS_HOME = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kabu-trade" / "hypothesis"
)
set_hypothesis_home_dir(HYPOTHESIS_HOME)
hypothesis_settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
hypothesis_settings.register_profile(
    "dev", database=DirectoryBasedExampleDatabase(HYPOTHESIS_HOME / "examples"), deadline=None
)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("ci" if os.environ.get("CI", "").lower() in {"1", "true"} else "dev")
)


def _services_or_skip() -> None:
    problems = []
    try:
        engine = sa.create_engine(PG_URL)
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        problems.append(f"PostgreSQL at {PG_URL}: {exc}")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        problems.append(f"Redis at {REDIS_URL}: {exc}")
    if problems:
        message = "; ".join(problems)
        if REQUIRE_SERVICES:
            pytest.fail(f"services required in CI are unreachable: {message}", pytrace=False)
        pytest.skip(f"services unreachable (set CI=true to make this a failure): {message}")


class Databases:
    """Creates throw-away databases: a file for SQLite, a fresh database for PostgreSQL."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.created: list[str] = []

    def new_url(self, backend: str) -> str:
        name = f"kabu_test_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            return f"sqlite:///{self.tmp / (name + '.db')}"
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.created.append(name)
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in self.created:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    dbs = Databases(tmp_path_factory.mktemp("db"))
    yield dbs
    if dbs.created:
        dbs.drop_all()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres":
        _services_or_skip()
    return str(request.param)


def make_settings(url: str, tmp: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "env": "test",
        "database_url": url,
        "data_dir": tmp,
        "secret_key": "test-secret-key-that-is-long-enough-0123456789",
        "demo_symbols": DEMO_SYMBOLS,
        "demo_start": DEMO_START,
        "demo_end": DEMO_END,
        "log_json": False,
        # Tests run jobs themselves (Worker.run_once) unless they ask for the in-process worker.
        "jobs_in_process": False,
        # Limits on, so every request passes through them, but out of reach of any test's traffic
        # (tests/core/test_ratelimit.py sets small budgets of its own).
        **{f"rate_limit_{budget}": "100000/minute" for budget in ("user", "address", "expensive")},
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def make_cache(backend: str) -> Cache:
    if backend == "postgres":
        return RedisCache(REDIS_URL, prefix=f"kabu-test-{uuid.uuid4().hex[:8]}:")
    return MemoryCache()


@pytest.fixture
def context_factory(databases: Databases, tmp_path: Path) -> Iterator[Callable[..., AppContext]]:
    """Fresh, migrated, empty databases for tests that write market data or need isolation."""
    made: list[AppContext] = []

    def factory(backend: str, **overrides: object) -> AppContext:
        settings = make_settings(databases.new_url(backend), tmp_path, **overrides)
        context = build_context(settings, cache=make_cache(backend))
        upgrade(context.engine)
        made.append(context)
        return context

    yield factory
    for context in made:
        context.close()


@pytest.fixture(scope="session")
def market_context(
    backend: str, databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppContext]:
    """One migrated database per backend holding the small demo universe (read-only for tests)."""
    from kabu_trade.jobs.kinds import sync_then_follow
    from kabu_trade.market.providers.demo import DemoProvider

    settings = make_settings(databases.new_url(backend), tmp_path_factory.mktemp("market"))
    context = build_context(settings, cache=make_cache(backend))
    upgrade(context.engine)
    provider = DemoProvider(symbols=DEMO_SYMBOLS, start=DEMO_START, end=DEMO_END)
    sync_then_follow(context, provider, until=DEMO_END)
    yield context
    context.close()


USER_TABLES = ["job_locks", "setup_tokens", "data_source_settings", "users"]


@pytest.fixture
def context(market_context: AppContext) -> Iterator[AppContext]:
    """The shared market database with no users, no throttling counters and a cold cache."""
    yield market_context
    with session_scope(market_context.sessions) as session:
        for table in USER_TABLES:
            session.execute(sa.text(f"DELETE FROM {table}"))
    cache = market_context.cache
    if isinstance(cache, RedisCache):
        client = cache._client
        keys = list(client.scan_iter(match=f"{cache._prefix}*"))
        if keys:
            client.delete(*keys)
    else:
        cache.close()


@pytest.fixture
async def client(context: AppContext) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(context=context)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def create_user_in(context: AppContext, username: str = "investor", *, admin: bool = False) -> int:
    from kabu_trade.auth import service

    with session_scope(context.sessions) as session:
        return service.create_user(session, username, TEST_PASSWORD, is_admin=admin).id


async def sign_in(client: httpx.AsyncClient, username: str = "investor") -> dict[str, str]:
    response = await client.post("/api/v1/auth/token", data={"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
async def auth_headers(client: httpx.AsyncClient, context: AppContext) -> dict[str, str]:
    create_user_in(context)
    return await sign_in(client)
