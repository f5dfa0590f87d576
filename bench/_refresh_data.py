"""Databases holding a synthetic universe for the refresh benchmark, filled through each driver's
plain bulk path (``COPY … FROM STDIN`` on PostgreSQL, one ``executemany`` on SQLite): loading is
set-up, not what is measured, so it takes the fastest road that works today.

Bars are inserted day by day (date-major), as daily syncs leave them: a stock's bars are spread
over the table, which is the harder case for reading one chunk of stocks at a time.

SQLite databases are files in the benchmark's folder; PostgreSQL ones are private databases named
``bench_refresh_<stocks>_<sessions>[<tag>]`` on the benchmark server (``KABU_BENCH_DATABASE_URL``),
created here and dropped by ``drop``. A run that does not keep its databases tags them with its
process id, so that two runs at once never drop each other's.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from bench._server import ADMIN_URL
from bench.synthetic import Universe, synthetic_universe
from kabu_trade.core.db import create_db_engine, create_session_factory, session_scope
from kabu_trade.core.migrate import upgrade
from kabu_trade.market import repository as market
from kabu_trade.market.providers.base import BAR_COLUMNS, FUNDAMENTAL_COLUMNS

_COPY_ROWS = 200_000  # rows per COPY buffer: a few tens of MB of CSV at most


@dataclass(frozen=True)
class BenchDatabase:
    backend: str  # "sqlite" or "postgres"
    url: str
    stocks: int
    sessions: int
    bars: int


def database_url(backend: str, folder: Path, stocks: int, sessions: int, tag: str = "") -> str:
    name = f"bench_refresh_{stocks}_{sessions}{tag}"
    if backend == "sqlite":
        return f"sqlite:///{folder / (name + '.db')}"
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def prepare(
    backend: str, folder: Path, stocks: int, sessions: int, *, reuse: bool, tag: str = ""
) -> BenchDatabase:
    """A migrated database holding ``synthetic_universe(stocks, sessions)``; with ``reuse``, one left
    by an earlier run with ``--keep`` is taken as is when it holds the expected number of bars."""
    url = database_url(backend, folder, stocks, sessions, tag)
    universe: Universe | None = None
    if reuse and _exists(backend, url):
        universe = synthetic_universe(stocks, sessions)
        engine = create_db_engine(url)
        try:
            with engine.connect() as connection:
                held = connection.scalar(sa.text("SELECT count(*) FROM daily_bars"))
        except sa.exc.DBAPIError:
            held = None
        finally:
            engine.dispose()
        if held == len(universe.bars):
            return BenchDatabase(backend, url, stocks, sessions, int(held))
    drop(backend, url)
    _create(backend, url)
    universe = universe or synthetic_universe(stocks, sessions)
    engine = create_db_engine(url)
    try:
        upgrade(engine)
        _load(engine, universe)
    finally:
        engine.dispose()
    return BenchDatabase(backend, url, stocks, sessions, len(universe.bars))


def drop(backend: str, url: str) -> None:
    if backend == "sqlite":
        path = Path(make_url(url).database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def _exists(backend: str, url: str) -> bool:
    if backend == "sqlite":
        return Path(make_url(url).database or "").exists()
    admin = sa.create_engine(ADMIN_URL)
    with admin.connect() as connection:
        found = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": make_url(url).database}
        )
    admin.dispose()
    return found is not None


def _create(backend: str, url: str) -> None:
    if backend == "sqlite":
        Path(make_url(url).database or "").parent.mkdir(parents=True, exist_ok=True)
        return
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{make_url(url).database}"'))
    admin.dispose()


def _load(engine: Engine, universe: Universe) -> None:
    codes = sorted(universe.bars["code"].unique())
    stocks = pd.DataFrame(
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
    with session_scope(create_session_factory(engine)) as session:
        market.upsert_stocks(session, stocks, "csv")
    bars = universe.bars[BAR_COLUMNS].sort_values(["date", "code"], kind="stable")
    disclosures = universe.disclosures[FUNDAMENTAL_COLUMNS]
    if engine.dialect.name == "postgresql":
        _copy(engine, "daily_bars", bars)
        _copy(engine, "fundamentals", disclosures)
        with engine.connect() as connection:
            connection.execute(sa.text("ANALYZE"))
            connection.commit()
    else:
        _insert_sqlite(engine, "daily_bars", bars)
        _insert_sqlite(engine, "fundamentals", disclosures)
        with engine.connect() as connection:
            connection.execute(sa.text("ANALYZE"))
            connection.commit()


def _slices(frame: pd.DataFrame) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), _COPY_ROWS):
        yield frame.iloc[start : start + _COPY_ROWS]


def _copy(engine: Engine, table: str, frame: pd.DataFrame) -> None:
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    raw = engine.raw_connection()
    try:
        statement = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[attr-defined]
            for part in _slices(frame):
                text = io.StringIO()
                part.to_csv(text, header=False, index=False, na_rep="")  # floats as repr: exact
                copy.write(text.getvalue())
        raw.commit()
    finally:
        raw.close()


def _insert_sqlite(engine: Engine, table: str, frame: pd.DataFrame) -> None:
    marks = ", ".join("?" * len(frame.columns))
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for part in _slices(frame):
            values = [_sqlite_column(part[c]) for c in part.columns]
            rows = list(zip(*values, strict=True))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        raw.commit()
    finally:
        raw.close()


def _sqlite_column(column: pd.Series) -> list[object]:
    """Values as SQLite stores them through SQLAlchemy: dates as ISO text, missing as NULL."""
    values = column.to_numpy()
    if values.dtype == object:
        texts = {v: v.isoformat() for v in pd.unique(values) if hasattr(v, "isoformat")}
        return [texts.get(v, v) for v in values.tolist()]
    floats = values.astype(float)
    cells = floats.astype(object)
    cells[~np.isfinite(floats)] = None
    return list(cells.tolist())
