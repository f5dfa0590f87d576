"""The metrics refresh in chunks of stocks, on SQLite and PostgreSQL: the chunk size changes no
stored value or score, the window is the market's last sessions (not a chunk's), the stored
default scores are score() of the stored values, and split events are read through their partial
index."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from psycopg.sql import Literal
from sqlalchemy import event, insert, select
from sqlalchemy.engine import Connection

from kabu_trade.analysis import repository, service
from kabu_trade.analysis.models import StockMetrics
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope, utcnow
from kabu_trade.market import repository as market
from kabu_trade.market.models import DailyBar, Stock
from kabu_trade.market.providers.demo import DemoProvider
from kabu_trade.market.sync import MarketSync
from tests.conftest import DEMO_END, DEMO_START, DEMO_SYMBOLS

ContextFactory = Callable[..., AppContext]
Stored = dict[str, tuple[date, int, dict[str, Any], dict[str, Any]]]


@pytest.fixture
def synced(backend: str, context_factory: ContextFactory) -> AppContext:
    context = context_factory(backend)
    MarketSync(context, DemoProvider(symbols=DEMO_SYMBOLS, start=DEMO_START, end=DEMO_END)).run(
        until=DEMO_END
    )
    return context


def stored(context: AppContext) -> Stored:
    with session_scope(context.sessions) as session:
        return {m.code: (m.as_of, m.bars, m.values, m.scores) for m in session.scalars(select(StockMetrics))}


def test_chunks_change_nothing(synced: AppContext) -> None:
    """One pass, chunks of 7 (uneven) and one stock per chunk store the same rows."""
    results = []
    for chunk_size in (1000, 7, 1):
        with session_scope(synced.sessions) as session:
            written = service.refresh_stock_metrics(session, lookback_sessions=300, chunk_size=chunk_size)
        assert written == DEMO_SYMBOLS
        results.append(stored(synced))
    one_pass, sevens, singles = results
    assert len(one_pass) == DEMO_SYMBOLS
    assert sevens == one_pass and singles == one_pass


def test_stored_scores_are_the_scores_of_the_stored_values(synced: AppContext) -> None:
    with session_scope(synced.sessions) as session:
        service.refresh_stock_metrics(session, as_of=date(2024, 9, 30), lookback_sessions=250)
    rows = stored(synced)
    assert len(rows) == DEMO_SYMBOLS
    for code, (_, _, values, scores) in rows.items():
        assert scores == service.default_scores(values), code
    # Every recommendation occurs among 40 stocks' scores, not one constant.
    assert len({scores["recommendation"] for *_, scores in rows.values()}) >= 2


def test_the_job_variant_commits_chunk_by_chunk(synced: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    progress: list[tuple[int, int]] = []
    written = service.refresh_all_metrics(
        synced.sessions, chunk_size=15, progress=lambda done, total: progress.append((done, total))
    )
    assert written == DEMO_SYMBOLS
    assert progress == [(15, 40), (30, 40), (40, 40)]
    by_chunks = stored(synced)
    with session_scope(synced.sessions) as session:
        service.refresh_stock_metrics(session)
    assert {code: row[:3] for code, row in stored(synced).items()} == {
        code: row[:3] for code, row in by_chunks.items()
    }

    # A chunk that fails leaves the chunks before it committed.
    with session_scope(synced.sessions) as session:
        session.execute(StockMetrics.__table__.delete())
    compute = service.compute_universe_metrics
    calls = iter(range(100))

    def second_chunk_fails(*args: Any, **kwargs: Any) -> Any:
        if next(calls) == 1:
            raise RuntimeError("the second chunk failed")
        return compute(*args, **kwargs)

    monkeypatch.setattr(service, "compute_universe_metrics", second_chunk_fails)
    with pytest.raises(RuntimeError, match="second chunk"):
        service.refresh_all_metrics(synced.sessions, chunk_size=15)
    assert len(stored(synced)) == 15


def _business_days(last: date, count: int) -> list[date]:
    days: list[date] = []
    day = last
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def _bar(code: str, day: date, price: float) -> dict[str, Any]:
    return {
        "code": code,
        "date": day,
        "open": price,
        "high": price * 1.01,
        "low": price * 0.99,
        "close": price,
        "volume": 1000.0,
        "turnover": price * 1000.0,
        "adj_factor": 1.0,
    }


def test_the_window_is_the_markets_last_sessions(backend: str, context_factory: ContextFactory) -> None:
    """A stock that trades every other day gets its bars of the market's last 10 sessions (5), not
    its own last 10, however the stocks are chunked; a new listing gets what it has."""
    context = context_factory(backend)
    days = _business_days(date(2024, 6, 28), 40)
    every_day = [_bar("1001", d, 100.0 + i) for i, d in enumerate(days)]
    other_day = [_bar("1002", d, 50.0 + i) for i, d in enumerate(days) if i % 2 == 1]
    new_listing = [_bar("1003", d, 20.0 + i) for i, d in enumerate(days[-3:])]
    with session_scope(context.sessions) as session:
        session.execute(
            insert(Stock),
            [
                {"code": c, "name": c, "source": "csv", "search_text": c, "updated_at": utcnow()}
                for c in ("1001", "1002", "1003", "1004")
            ],
        )
        session.execute(insert(DailyBar), every_day + other_day + new_listing)
        # 1004 has bars, but all before the window: not refreshed.
        session.execute(insert(DailyBar), [_bar("1004", days[0], 10.0)])
    for chunk_size in (1, 2, 10):
        with session_scope(context.sessions) as session:
            assert repository.first_of_last_sessions(session, days[-1], 10) == days[-10]
            assert repository.first_of_last_sessions(session, days[-1], 41) is None
            written = service.refresh_stock_metrics(session, lookback_sessions=10, chunk_size=chunk_size)
        assert written == 3
        rows = stored(context)
        assert {code: row[1] for code, row in rows.items()} == {"1001": 10, "1002": 5, "1003": 3}
        assert {row[0] for row in rows.values()} == {days[-1]}
        with session_scope(context.sessions) as session:
            session.execute(StockMetrics.__table__.delete())


def test_bad_chunk_sizes_are_refused_by_name(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend)
    with session_scope(context.sessions) as session:
        for bad in (0, -1, 2.5, True):
            with pytest.raises(ValueError, match="chunk_size"):
                service.refresh_stock_metrics(session, chunk_size=bad)  # type: ignore[arg-type]


# --- split events through the partial index --------------------------------------------------------


_PYFORMAT = re.compile(r"%\((\w+)\)s")  # psycopg's %(name)s placeholders


def _plan(connection: Connection, sql: str, parameters: Any) -> str:
    """The plan of one statement as the database runs it from a cached plan: on PostgreSQL a
    prepared statement forced to its generic plan (no parameter value known, as psycopg's prepared
    statements may be planned), with sequential scans priced out so that a usable index shows even
    on a small table."""
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters).all()
        return " | ".join(str(row[-1]) for row in rows)
    names: list[str] = []

    def numbered(match: re.Match[str]) -> str:
        names.append(match.group(1))
        return f"${len(names)}"

    driver = connection.connection.driver_connection
    prepared = _PYFORMAT.sub(numbered, sql)
    arguments = ", ".join(Literal(parameters[name]).as_string(driver) for name in names)
    connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    connection.exec_driver_sql(f"PREPARE split_plan AS {prepared}")
    try:
        rows = connection.exec_driver_sql(f"EXPLAIN EXECUTE split_plan({arguments})").all()
    finally:
        connection.exec_driver_sql("DEALLOCATE split_plan")
    return " | ".join(str(row[0]) for row in rows)


def _compiled(connection: Connection, statement: Any) -> tuple[str, Any]:
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    if compiled.positiontup is not None:
        values = (compiled.params[name] for name in compiled.positiontup)
        return str(compiled), tuple(v.isoformat() if isinstance(v, date) else v for v in values)
    return str(compiled), compiled.params


@pytest.fixture
def captured(synced: AppContext) -> Iterator[list[tuple[str, Any]]]:
    statements: list[tuple[str, Any]] = []

    def keep(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if "adj_factor" in statement:
            statements.append((statement, parameters))

    event.listen(synced.engine, "before_cursor_execute", keep)
    yield statements
    event.remove(synced.engine, "before_cursor_execute", keep)


def test_split_events_use_the_partial_index(synced: AppContext, captured: list[tuple[str, Any]]) -> None:
    end = DEMO_END
    with session_scope(synced.sessions) as session:
        codes = market.stock_codes(session)
        splits = repository.split_events_of(session, codes, end)
        assert len(splits) > 0 and (splits["adj_factor"] != 1.0).all()
        assert market.split_events(session, str(splits["code"].iloc[0]))  # the stock page's read
        stock_page_query = captured[-1]
        connection = session.connection()
        connection.exec_driver_sql("ANALYZE daily_bars")  # as autovacuum would have: the index is small
        ours = _plan(connection, *_compiled(connection, repository._split_events_query(codes[:5], end)))
        stock_page = _plan(connection, *stock_page_query)
        # The control: the same query comparing with a bound parameter cannot use the index.
        control = select(DailyBar.code, DailyBar.date).where(
            DailyBar.adj_factor != 1.0, DailyBar.code.in_(codes[:5]), DailyBar.date <= end
        )
        control_plan = _plan(connection, *_compiled(connection, control))
    assert "ix_daily_bars_splits" in ours, ours
    assert "ix_daily_bars_splits" in stock_page, stock_page
    if synced.engine.dialect.name == "postgresql":  # SQLite re-plans with the bound value
        assert "ix_daily_bars_splits" not in control_plan, control_plan
