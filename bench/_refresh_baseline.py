"""The metrics refresh as it was before issue 8 (commit 4009124), kept verbatim as the refresh
benchmark's baseline: one query per table read into SQLAlchemy Row objects and turned into frames
column by column, the whole universe computed in one pass, the default scores computed stock by
stock with ``score()``, and the JSON rows upserted with ``core.bulk.upsert``.

Only the functions the refresh calls are copied (from ``analysis/repository.py`` and
``analysis/service.py``); the computation itself (``compute_universe_metrics``) and ``score()`` are
shared with kabu-trade, so the comparison measures the path around them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from kabu_trade.analysis.catalog import METRICS
from kabu_trade.analysis.models import StockMetrics
from kabu_trade.analysis.scoring import score
from kabu_trade.analysis.universe import compute_universe_metrics
from kabu_trade.core.bulk import upsert
from kabu_trade.core.db import session_scope, utcnow
from kabu_trade.market.models import DailyBar, Fundamental
from kabu_trade.market.providers.base import BAR_COLUMNS, FUNDAMENTAL_COLUMNS

DEFAULT_LOOKBACK_SESSIONS = 300
_DAY_METRICS = [name for name, metric in METRICS.items() if metric.unit == "days"]


# --- analysis/repository.py --------------------------------------------------------------------


def _frame(rows: Sequence[Any], columns: Sequence[str], text: Collection[str]) -> pd.DataFrame:
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
    return session.scalar(
        select(DailyBar.date)
        .where(DailyBar.date <= as_of)
        .distinct()
        .order_by(DailyBar.date.desc())
        .offset(sessions - 1)
        .limit(1)
    )


def bars_between(session: Session, start: date | None, end: date) -> pd.DataFrame:
    columns = [getattr(DailyBar, c) for c in BAR_COLUMNS]
    query = select(*columns).where(DailyBar.date <= end)
    if start is not None:
        query = query.where(DailyBar.date >= start)
    rows = session.execute(query.order_by(DailyBar.code, DailyBar.date)).all()
    return _frame(rows, BAR_COLUMNS, text=("code", "date"))


def split_events(session: Session, end: date) -> pd.DataFrame:
    rows = session.execute(
        select(DailyBar.code, DailyBar.date, DailyBar.adj_factor)
        .where(DailyBar.date <= end, DailyBar.adj_factor != 1.0, DailyBar.adj_factor.is_not(None))
        .order_by(DailyBar.code, DailyBar.date)
    ).all()
    return pd.DataFrame.from_records(rows, columns=["code", "date", "adj_factor"])


def disclosures_until(session: Session, end: date) -> pd.DataFrame:
    columns = [getattr(Fundamental, c) for c in FUNDAMENTAL_COLUMNS]
    rows = session.execute(
        select(*columns)
        .where(Fundamental.disclosed_date <= end)
        .order_by(Fundamental.code, Fundamental.disclosed_date, Fundamental.id)
    ).all()
    return _frame(rows, FUNDAMENTAL_COLUMNS, text=FUNDAMENTAL_COLUMNS[:4])


def upsert_metrics(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    return upsert(session, StockMetrics.__table__, rows, key=["code"])  # type: ignore[arg-type]


# --- analysis/service.py -----------------------------------------------------------------------


def refresh_stock_metrics(
    session: Session, as_of: date | None = None, lookback_sessions: int = DEFAULT_LOOKBACK_SESSIONS
) -> int:
    end = latest_session(session, as_of)
    if end is None:
        return 0
    start = first_of_last_sessions(session, end, lookback_sessions)
    bars = bars_between(session, start, end)
    disclosures = disclosures_until(session, end)
    splits = split_events(session, end)
    frame = compute_universe_metrics(bars, disclosures, end, splits=splits)
    return upsert_metrics(session, _records(frame))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    now = utcnow()
    names = list(METRICS)
    values = frame[names].to_numpy(dtype=float)
    finite = np.isfinite(values)
    days = np.isin(names, _DAY_METRICS)
    rows = []
    for code, as_of, bars, row, ok in zip(
        frame["code"], frame["as_of"], frame["bars"], values.tolist(), finite.tolist(), strict=True
    ):
        document = {
            name: (int(x) if is_day else x) if good else None
            for name, x, good, is_day in zip(names, row, ok, days.tolist(), strict=True)
        }
        rows.append(
            {
                "code": code,
                "as_of": as_of,
                "computed_at": now,
                "bars": int(bars),
                "values": document,
                "scores": default_scores(document),
            }
        )
    return rows


def default_scores(metrics: dict[str, Any]) -> dict[str, Any]:
    result = score(metrics)
    return {
        "buy": result.buy_score,
        "sell": result.sell_score,
        "confidence": result.confidence,
        "recommendation": result.recommendation,
        "parts": result.parts,
    }


def _refresh_all(sessions: Any, *args: Any, **kwargs: Any) -> int:
    """The jobs' entry point, as it was: the whole universe in one transaction."""
    with session_scope(sessions) as session:
        return refresh_stock_metrics(session)


def _cli() -> None:
    """``kabu-trade metrics refresh`` running this refresh instead of today's: the same command,
    imports and context, so that ``bench refresh`` can compare the two commands' peak memory. The
    refresh is replaced wherever the command may reach it (the service, the jobs' pipeline)."""
    import importlib

    from kabu_trade.cli import app

    replacements = {"refresh_stock_metrics": refresh_stock_metrics, "refresh_all_metrics": _refresh_all}
    for module_name in ("kabu_trade.analysis.service", "kabu_trade.jobs.pipeline"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name, replacement in replacements.items():
            if hasattr(module, name):
                setattr(module, name, replacement)
    app(["metrics", "refresh"])


if __name__ == "__main__":
    _cli()
