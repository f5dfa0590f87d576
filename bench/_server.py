"""A kabu-trade server state at TSE scale for the API benchmarks: a database (embedded SQLite, or
a private PostgreSQL database with Redis) holding synthetic stocks, their stored metrics and scores
(as a sync leaves them), bars for a sample of stocks, one user and one policy; plus an in-process
ASGI client. Also the private PostgreSQL databases the benchmarks fill and drop."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.synthetic import Universe, synthetic_universe
from kabu_trade.analysis import repository as analysis_repository
from kabu_trade.analysis.service import _records
from kabu_trade.analysis.universe import compute_universe_metrics
from kabu_trade.auth import service as auth_service
from kabu_trade.core.config import Settings
from kabu_trade.core.context import AppContext, build_context
from kabu_trade.core.db import session_scope
from kabu_trade.core.migrate import upgrade
from kabu_trade.main import create_app
from kabu_trade.market import repository as market

PASSWORD = "benchmark-password"
# The server every benchmark creates its private databases on (the same variable bench/load.py reads).
ADMIN_URL = os.environ.get("KABU_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# The Redis database index of the API and memory benchmarks (the tests use others; load uses 14).
REDIS_URL = os.environ.get("KABU_BENCH_API_REDIS_URL", "redis://127.0.0.1:6379/13")
DATABASES = ("sqlite", "postgresql")


@dataclass
class Server:
    context: AppContext
    universe: pd.DataFrame  # the computed metrics, one row per stock
    bars: pd.DataFrame  # raw bars of every stock (only `bar_codes` are in the database)
    bar_codes: list[str]
    user_id: int
    policy_id: int = 0
    folder: Path | None = None
    data: Universe | None = None  # the synthetic market the database was filled from

    def close(self) -> None:
        self.context.close()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


# --- private PostgreSQL databases ---------------------------------------------------------------


def postgres_reachable() -> str | None:
    """None when the benchmark server answers, else why not (one line)."""
    try:
        engine = sa.create_engine(ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # the reason is printed; the caller skips PostgreSQL
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return None


def redis_reachable() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _admin(statement: str) -> None:
    engine = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(statement))
    engine.dispose()


@contextmanager
def private_database(name: str) -> Iterator[str]:
    """A fresh PostgreSQL database of this name (a leftover of an interrupted run is replaced),
    dropped on the way out; yields its URL."""
    if not name.startswith("bench_") or not name.replace("_", "").isalnum():
        raise ValueError(f"a benchmark database is named bench_<letters/digits>, got {name!r}")
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_bench_redis() -> None:
    """Empty the benchmarks' own Redis database index (never the tests' or anyone else's)."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


# --- the server state ---------------------------------------------------------------------------


def stocks_frame(codes: list[str]) -> pd.DataFrame:
    """A stocks listing for synthetic codes: names, sectors and market segments spread evenly."""
    return pd.DataFrame(
        {
            "code": codes,
            "name": [f"ベンチ{c}" for c in codes],
            "name_kana": None,
            "name_en": [f"Bench {c}" for c in codes],
            "sector_code": [f"{(i % 33 + 1) * 50:04d}" for i in range(len(codes))],
            "sector_name": None,
            "market": [("prime", "standard", "growth")[i % 3] for i in range(len(codes))],
            "lot_size": 100,
        }
    )


def build(
    symbols: int = 4000,
    sessions: int = 300,
    bar_sample: int = 200,
    *,
    database_url: str | None = None,
    redis_url: str | None = None,
) -> Server:
    """Fill a database (default: embedded SQLite in a temporary folder) as a sync would leave it.
    ``Server.close()`` closes it and removes the folder; a PostgreSQL database is the caller's."""
    started = time.perf_counter()
    data = synthetic_universe(symbols, sessions)
    metrics = compute_universe_metrics(data.bars, data.disclosures)
    folder = Path(tempfile.mkdtemp(prefix="kabu-bench-"))
    # One account sends every request here: the per-user rate limits would measure themselves.
    settings = Settings(
        data_dir=folder,
        database_url=database_url,
        redis_url=redis_url,
        env="test",
        log_json=False,
        log_level="WARNING",
        rate_limit_enabled=False,
    )
    context = build_context(settings)
    upgrade(context.engine)
    codes = sorted(metrics["code"])
    bar_codes = codes[:bar_sample]
    with session_scope(context.sessions) as session:
        market.upsert_stocks(session, stocks_frame(codes), "csv")
        market.upsert_bars(session, data.bars[data.bars["code"].isin(bar_codes)])
        market.upsert_fundamentals(session, data.disclosures[data.disclosures["code"].isin(bar_codes)])
        analysis_repository.upsert_metrics(session, _records(metrics))
        user_id = auth_service.create_user(session, "bench", PASSWORD).id
    where = "SQLite" if settings.is_embedded_database else "PostgreSQL" + (" + Redis" if redis_url else "")
    print(
        f"bench server: {symbols} stocks with metrics, bars for {len(bar_codes)}, on {where}, built in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return Server(context, metrics, data.bars, bar_codes, user_id, folder=folder, data=data)


async def client(server: Server) -> httpx.AsyncClient:
    app = create_app(context=server.context)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")
    token = (await http.post("/api/v1/auth/token", data={"username": "bench", "password": PASSWORD})).json()
    http.headers["Authorization"] = f"Bearer {token['access_token']}"
    if not server.policy_id:  # the momentum preset, as a user would create it
        made = await http.post("/api/v1/policies/from-preset/momentum", json={})
        made.raise_for_status()
        server.policy_id = int(made.json()["id"])
    return http
