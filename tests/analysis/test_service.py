"""The stored metrics of a demo-synced database, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import numpy as np
import pytest
from sqlalchemy import func, select

from kabu_trade.analysis import service
from kabu_trade.analysis.catalog import METRICS
from kabu_trade.analysis.fundamentals import fundamental_metrics
from kabu_trade.analysis.indicators import technical_metrics
from kabu_trade.analysis.models import StockMetrics
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.jobs.kinds import sync_then_follow
from kabu_trade.market import repository as market
from kabu_trade.market.adjustments import adjust_bars
from kabu_trade.market.models import DailyBar
from kabu_trade.market.providers.demo import DemoProvider
from tests.conftest import DEMO_END, DEMO_START, DEMO_SYMBOLS

ContextFactory = Callable[..., AppContext]


@pytest.fixture
def synced(backend: str, context_factory: ContextFactory) -> AppContext:
    context = context_factory(backend)
    provider = DemoProvider(symbols=DEMO_SYMBOLS, start=DEMO_START, end=DEMO_END)
    sync_then_follow(context, provider, until=DEMO_END)
    return context


def expected_metrics(context: AppContext, code: str, sessions: int) -> dict[str, float | None]:
    """One stock's metrics from its last ``sessions`` bars, read the way the stock page reads."""
    with session_scope(context.sessions) as session:
        raw = market.bars_frame(session, code).tail(sessions).reset_index(drop=True)
        events = market.split_events(session, code)
        disclosures = market.fundamentals_frame(session, code)
    as_of = raw["date"].iloc[-1]
    return {
        **technical_metrics(adjust_bars(raw, [e for e in events if e[0] >= raw["date"].iloc[0]])),
        **fundamental_metrics(disclosures, float(raw["close"].iloc[-1]), as_of, events),
    }


def test_refresh_stores_every_metric_of_every_stock(synced: AppContext) -> None:
    with session_scope(synced.sessions) as session:
        written = service.refresh_stock_metrics(session, lookback_sessions=300)
    assert written == DEMO_SYMBOLS

    with session_scope(synced.sessions) as session:
        assert session.scalar(select(func.count()).select_from(StockMetrics)) == DEMO_SYMBOLS
        codes = market.stock_codes(session)
        split_code = str(session.scalar(select(DailyBar.code).where(DailyBar.adj_factor != 1.0)))
        stored = {code: service.get_metrics(session, code) for code in {codes[0], split_code}}
        frame = service.load_metrics_frame(session)

    for code, row in stored.items():
        assert row is not None and row.bars == 300 and row.as_of <= DEMO_END
        assert sorted(row.values) == sorted(METRICS)  # JSONB keeps no key order
        assert json.loads(json.dumps(row.values, allow_nan=False)) == row.values  # None, never NaN
        expected = expected_metrics(synced, code, 300)
        for name, want in expected.items():
            got = row.values[name]
            assert (got is None) == (want is None), (code, name)
            if want is not None:
                assert got == pytest.approx(want, rel=1e-9), (code, name)
        assert isinstance(row.values["days_since_disclosure"], int)

    assert list(frame.columns) == ["code", "as_of", "bars", *METRICS]
    assert frame["code"].tolist() == codes and len(frame) == DEMO_SYMBOLS
    one = frame.set_index("code").loc[codes[0]]
    for name in METRICS:
        value = stored[codes[0]].values[name]  # type: ignore[union-attr]
        assert np.isnan(one[name]) if value is None else one[name] == value


def test_refresh_is_idempotent_and_takes_an_earlier_date(synced: AppContext) -> None:
    as_of = date(2024, 6, 28)
    with session_scope(synced.sessions) as session:
        assert service.refresh_stock_metrics(session, as_of=as_of, lookback_sessions=120) == DEMO_SYMBOLS
    with session_scope(synced.sessions) as session:
        first = {m.code: (m.as_of, m.bars, m.values) for m in session.scalars(select(StockMetrics))}
        assert service.refresh_stock_metrics(session, as_of=as_of, lookback_sessions=120) == DEMO_SYMBOLS
    with session_scope(synced.sessions) as session:
        again = {m.code: (m.as_of, m.bars, m.values) for m in session.scalars(select(StockMetrics))}
        assert service.get_metrics(session, "zzzz") is None
    assert again == first
    assert {v[0] for v in first.values()} == {as_of} and {v[1] for v in first.values()} == {120}
    # 120 sessions are too few for a 200-day average: stored as null.
    assert {v[2]["sma_200"] for v in first.values()} == {None}


def test_an_empty_database_writes_nothing(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend)
    with session_scope(context.sessions) as session:
        assert service.refresh_stock_metrics(session) == 0
        assert service.load_metrics_frame(session).empty
        with pytest.raises(ValueError, match="lookback_sessions"):
            service.refresh_stock_metrics(session, lookback_sessions=0)
