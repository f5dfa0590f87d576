"""Every query of the analysis domain: the market data the metrics need (read in bulk, one query
per table, never one per stock) and the ``stock_metrics`` table."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from kabu_trade.analysis.models import StockMetrics
from kabu_trade.core.bulk import upsert
from kabu_trade.market.models import DailyBar, Fundamental
from kabu_trade.market.providers.base import BAR_COLUMNS, FUNDAMENTAL_COLUMNS


def _frame(rows: Sequence[Any], columns: Sequence[str], text: Collection[str]) -> pd.DataFrame:
    """A frame built column by column: pandas' row-wise constructors inspect every Row object,
    which on a million bars costs more than the query. ``text`` columns stay objects (codes,
    dates); the others become floats, NULL as NaN."""
    data = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    return pd.DataFrame(
        {c: np.array(v, dtype=object if c in text else float) for c, v in zip(columns, data, strict=True)}
    )


def latest_session(session: Session, on_or_before: date | None = None) -> date | None:
    query = select(DailyBar.date).order_by(DailyBar.date.desc()).limit(1)
    if on_or_before is not None:
        query = query.where(DailyBar.date <= on_or_before)
    return session.scalar(query)


def first_of_last_sessions(session: Session, as_of: date, sessions: int) -> date | None:
    """The earliest of the last ``sessions`` distinct bar dates on or before ``as_of`` (None if
    there are fewer: then every bar is wanted)."""
    return session.scalar(
        select(DailyBar.date)
        .where(DailyBar.date <= as_of)
        .distinct()
        .order_by(DailyBar.date.desc())
        .offset(sessions - 1)
        .limit(1)
    )


def bars_between(session: Session, start: date | None, end: date) -> pd.DataFrame:
    """Raw bars of every stock in [start, end] (BAR_COLUMNS), ordered by code and date."""
    columns = [getattr(DailyBar, c) for c in BAR_COLUMNS]
    query = select(*columns).where(DailyBar.date <= end)
    if start is not None:
        query = query.where(DailyBar.date >= start)
    rows = session.execute(query.order_by(DailyBar.code, DailyBar.date)).all()
    return _frame(rows, BAR_COLUMNS, text=("code", "date"))


def split_events(session: Session, end: date) -> pd.DataFrame:
    """Every split (adj_factor ≠ 1) on or before ``end``: code, date, adj_factor (a few rows)."""
    rows = session.execute(
        select(DailyBar.code, DailyBar.date, DailyBar.adj_factor)
        .where(DailyBar.date <= end, DailyBar.adj_factor != 1.0, DailyBar.adj_factor.is_not(None))
        .order_by(DailyBar.code, DailyBar.date)
    ).all()
    return pd.DataFrame.from_records(rows, columns=["code", "date", "adj_factor"])


def disclosures_until(session: Session, end: date) -> pd.DataFrame:
    """Every disclosure published on or before ``end`` (FUNDAMENTAL_COLUMNS), in disclosure order."""
    columns = [getattr(Fundamental, c) for c in FUNDAMENTAL_COLUMNS]
    rows = session.execute(
        select(*columns)
        .where(Fundamental.disclosed_date <= end)
        .order_by(Fundamental.code, Fundamental.disclosed_date, Fundamental.id)
    ).all()
    return _frame(rows, FUNDAMENTAL_COLUMNS, text=FUNDAMENTAL_COLUMNS[:4])


def upsert_metrics(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    return upsert(session, StockMetrics.__table__, rows, key=["code"])  # type: ignore[arg-type]


def all_metrics(session: Session) -> list[StockMetrics]:
    return list(session.scalars(select(StockMetrics).order_by(StockMetrics.code)).all())


def metrics_of(session: Session, code: str) -> StockMetrics | None:
    return session.get(StockMetrics, code)
