"""Every query of the analysis domain: the market data the metrics need and the ``stock_metrics``
table.

Market data is read for a chunk of stocks at a time (one query per table per chunk, never one per
stock), as numpy columns through ``core.columnar`` rather than as Row objects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Date, Integer, Select, bindparam, literal_column, select, text
from sqlalchemy.orm import Session

from kabu_trade.analysis.models import StockMetrics
from kabu_trade.core.bulk import upsert
from kabu_trade.core.columnar import Kind, read_columns
from kabu_trade.market.models import DailyBar, Fundamental, Stock
from kabu_trade.market.providers.base import BAR_COLUMNS, FUNDAMENTAL_COLUMNS

BAR_READ_COLUMNS = [c for c in BAR_COLUMNS if c != "adj_factor"]  # split events are read apart
_TEXT: dict[str, Kind] = {"code": "text", "period_type": "text"}
_DATES: dict[str, Kind] = {"date": "date", "disclosed_date": "date", "period_end": "date"}
# The literal the partial index ix_daily_bars_splits is defined with: SQLite and PostgreSQL use a
# partial index only when the query's WHERE implies its predicate, which a bound parameter never does.
_IS_SPLIT = DailyBar.adj_factor != literal_column("1.0")


def _kinds(columns: Sequence[str]) -> dict[str, Kind]:
    return {c: _TEXT.get(c) or _DATES.get(c) or "float" for c in columns}


def _frame(columns: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(columns, copy=False)


def latest_session(session: Session, on_or_before: date | None = None) -> date | None:
    query = select(DailyBar.date).order_by(DailyBar.date.desc()).limit(1)
    if on_or_before is not None:
        query = query.where(DailyBar.date <= on_or_before)
    return session.scalar(query)


_NTH_LAST_SESSION = (
    text(
        """
    WITH RECURSIVE sessions(day, n) AS (
        SELECT max(date), 1 FROM daily_bars WHERE date <= :as_of
        UNION ALL
        SELECT (SELECT max(b.date) FROM daily_bars b WHERE b.date < sessions.day), n + 1
        FROM sessions WHERE n < :sessions AND day IS NOT NULL
    )
    SELECT day FROM sessions WHERE n = :sessions
    """
    )
    .bindparams(bindparam("as_of", type_=Date), bindparam("sessions", type_=Integer))
    .columns(day=Date)
)


def first_of_last_sessions(session: Session, as_of: date, sessions: int) -> date | None:
    """The earliest of the last ``sessions`` distinct bar dates of the whole market on or before
    ``as_of`` (None if there are fewer: then every bar is wanted). One index probe per session
    (``max(date) < previous``) instead of reading every bar of the window for DISTINCT."""
    return session.execute(_NTH_LAST_SESSION, {"as_of": as_of, "sessions": sessions}).scalar()


def stock_codes(session: Session) -> list[str]:
    """Every listed or delisted stock, in code order: the refresh's chunks are drawn from these (a
    stock without bars in the window simply yields no row)."""
    return list(session.scalars(select(Stock.code).order_by(Stock.code)))


def bars_of(session: Session, codes: Sequence[str], start: date | None, end: date) -> pd.DataFrame:
    """Raw bars of ``codes`` in [start, end] (BAR_READ_COLUMNS: no adj_factor, see
    ``split_events_of``), in no particular order; dates as datetime64, missing prices as NaN."""
    query = select(*(getattr(DailyBar, c) for c in BAR_READ_COLUMNS)).where(
        DailyBar.code.in_(codes), DailyBar.date <= end
    )
    if start is not None:
        query = query.where(DailyBar.date >= start)
    # No ORDER BY: compute_universe_metrics orders the bars itself. Without one, PostgreSQL reads
    # each heap page of the chunk once (a bitmap scan) rather than once per bar in index order —
    # bars stored day by day put a stock's bars on as many pages as it has days (3× the server time
    # at 500 stocks × 300 sessions). SQLite answers in index order either way.
    return _frame(read_columns(session, query, _kinds(BAR_READ_COLUMNS)))


def split_events_of(session: Session, codes: Sequence[str], end: date) -> pd.DataFrame:
    """Every split (adj_factor ≠ 1) of ``codes`` on or before ``end``: code, date, adj_factor —
    through the partial index, never a scan of the bars."""
    return _frame(
        read_columns(session, _split_events_query(codes, end), _kinds(["code", "date", "adj_factor"]))
    )


def _split_events_query(codes: Sequence[str], end: date) -> Select[str, date, float]:
    return (
        select(DailyBar.code, DailyBar.date, DailyBar.adj_factor)
        .where(_IS_SPLIT, DailyBar.code.in_(codes), DailyBar.date <= end)
        .order_by(DailyBar.code, DailyBar.date)
    )


def disclosures_of(session: Session, codes: Sequence[str], end: date) -> pd.DataFrame:
    """Every disclosure of ``codes`` published on or before ``end`` (FUNDAMENTAL_COLUMNS), in
    disclosure order."""
    query = (
        select(*(getattr(Fundamental, c) for c in FUNDAMENTAL_COLUMNS))
        .where(Fundamental.code.in_(codes), Fundamental.disclosed_date <= end)
        .order_by(Fundamental.code, Fundamental.disclosed_date, Fundamental.id)
    )
    return _frame(read_columns(session, query, _kinds(FUNDAMENTAL_COLUMNS)))


def upsert_metrics(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    return upsert(session, StockMetrics.__table__, rows, key=["code"])  # type: ignore[arg-type]


def all_metrics(session: Session) -> list[StockMetrics]:
    return list(session.scalars(select(StockMetrics).order_by(StockMetrics.code)).all())


def metrics_of(session: Session, code: str) -> StockMetrics | None:
    return session.get(StockMetrics, code)
