"""The market writes on both databases: idempotent, and counting only what changed, so a sync with
nothing new reports 0 and the steps after it (metrics, caches, watchlists) have nothing to do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
import sqlalchemy as sa

from kabu_trade.analysis.models import StockMetrics
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.jobs.kinds import sync_then_follow
from kabu_trade.market import repository
from kabu_trade.market.models import DailyBar, Fundamental, Stock
from kabu_trade.market.providers.demo import DemoProvider

ContextFactory = Callable[..., AppContext]
START, END = date(2024, 1, 4), date(2024, 9, 30)


def _demo() -> DemoProvider:
    return DemoProvider(symbols=12, start=START, end=END)


def _stocks(context: AppContext) -> dict[str, tuple[object, ...]]:
    with session_scope(context.sessions) as session:
        rows = session.execute(sa.select(Stock)).scalars().all()
        return {s.code: (s.name, s.search_text, s.lot_size, s.listed, s.updated_at) for s in rows}


def test_stocks_count_only_new_or_changed_listings(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend)
    listing = _demo().list_stocks()
    with session_scope(context.sessions) as session:
        assert repository.upsert_stocks(session, listing, "demo") == 12
    before = _stocks(context)
    with session_scope(context.sessions) as session:
        assert repository.upsert_stocks(session, listing, "demo") == 0
    assert _stocks(context) == before  # updated_at included: an unchanged stock is not touched
    renamed = listing.copy()
    code = str(renamed.loc[3, "code"])
    renamed.loc[3, ["name", "lot_size"]] = ["改名商事", np.nan]
    with session_scope(context.sessions) as session:
        assert repository.upsert_stocks(session, renamed, "demo") == 1
    after = _stocks(context)
    assert {c for c in after if after[c] != before[c]} == {code}
    name, search_text, lot_size, listed, updated_at = after[code]
    assert (name, lot_size, listed) == ("改名商事", 100, True) and "改名商事" in str(search_text)
    assert updated_at > before[code][4]  # type: ignore[operator]


def test_bars_and_fundamentals_are_idempotent_and_count_changes(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend)
    demo = _demo()
    bars = demo.fetch_daily_bars(START, date(2024, 3, 29))
    fundamentals = demo.fetch_fundamentals(date(2023, 1, 1), END)
    with session_scope(context.sessions) as session:
        repository.upsert_stocks(session, demo.list_stocks(), "demo")
        assert repository.upsert_bars(session, bars) == len(bars)
        assert repository.upsert_fundamentals(session, fundamentals) == len(fundamentals)
    with session_scope(context.sessions) as session:
        assert repository.upsert_bars(session, bars) == 0
        assert repository.upsert_fundamentals(session, fundamentals) == 0
    # One corrected close, one day without trades (NULL prices), one missing factor (stored as 1).
    edited = bars.copy()
    edited.loc[5, "close"] += 1.0
    edited.loc[9, ["open", "high", "low", "close", "turnover"]] = np.nan
    edited["adj_factor"] = edited["adj_factor"].where(edited.index != 20, np.nan)
    restated = fundamentals.copy()
    restated.loc[0, "eps"] = 123.45
    with session_scope(context.sessions) as session:
        assert repository.upsert_bars(session, edited) == 2  # a missing factor is the 1.0 stored
        assert repository.upsert_fundamentals(session, restated) == 1
    with session_scope(context.sessions) as session:
        stored = repository.bars_frame(session, str(bars.loc[9, "code"]))
        nine = stored[stored["date"] == bars.loc[9, "date"]].iloc[0]
        assert pd.isna(nine["close"]) and pd.isna(nine["open"]) and nine["volume"] == bars.loc[9, "volume"]
        eps = session.scalar(
            sa.select(Fundamental.eps).where(
                Fundamental.code == restated.loc[0, "code"],
                Fundamental.disclosed_date == restated.loc[0, "disclosed_date"],
                Fundamental.period_end == restated.loc[0, "period_end"],
            )
        )
        assert eps == 123.45
        assert session.scalar(sa.select(sa.func.count()).select_from(DailyBar)) == len(bars)


def _computed_at(context: AppContext) -> dict[str, object]:
    with session_scope(context.sessions) as session:
        rows = session.execute(sa.select(StockMetrics.code, StockMetrics.computed_at)).all()
        return {code: computed_at for code, computed_at in rows}


def test_a_second_sync_with_nothing_new_reports_zero_and_changes_nothing(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend)
    first = sync_then_follow(context, _demo(), until=END)
    assert first["stocks"] == 12 and first["bars"] > 0 and first["fundamentals"] > 0 and first["ran"]
    computed = _computed_at(context)
    stocks = _stocks(context)
    assert len(computed) == 12
    second = sync_then_follow(context, _demo(), until=END)
    assert (second["stocks"], second["bars"], second["fundamentals"], second["steps_total"]) == (0, 0, 0, 0)
    assert (second["ran"], second["metrics"], second["watchlist_evaluations"]) == (False, 0, 0)
    assert _computed_at(context) == computed  # metrics were not recomputed
    assert _stocks(context) == stocks
