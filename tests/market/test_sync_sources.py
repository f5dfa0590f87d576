"""The real-source providers through the whole sync into a real database, on recorded responses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
import requests
import responses
import sqlalchemy as sa

from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.market import repository
from kabu_trade.market.adjustments import adjust_bars
from kabu_trade.market.calendar import JST
from kabu_trade.market.models import DailyBar, Stock
from kabu_trade.market.providers.csv_files import CsvProvider
from kabu_trade.market.providers.yfinance_source import YFinanceProvider
from kabu_trade.market.sync import MarketSync
from tests.market.providers.test_csv_files import FIXTURES
from tests.market.providers.test_jquants import (
    BARS,
    FakeClock,
    fixture,
    make_provider,
    serve_bars,
    serve_topix,
)
from tests.market.providers.test_yfinance_source import AFTER_JANUARY, AFTER_SPLIT, URL, load

ContextFactory = Callable[..., AppContext]


def _stocks(context: AppContext) -> dict[str, Stock]:
    with session_scope(context.sessions) as session:
        return {s.code: s for s in session.scalars(sa.select(Stock)).all()}


def _bar_count(context: AppContext) -> int:
    with session_scope(context.sessions) as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(DailyBar)) or 0)


def test_yfinance_sync_stores_bars_and_learns_names(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend, history_start=date(2024, 1, 4))
    provider = YFinanceProvider(
        ["7203"], session=requests.Session(), clock=lambda: AFTER_JANUARY, pause_seconds=0, backoff_seconds=0
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as http:
        http.get(URL.format("7203.T"), json=load("7203.T.json"))
        report = MarketSync(context, provider).run(until=date(2024, 1, 31))
    assert report.status == "succeeded" and report.bars > 10
    stock = _stocks(context)["7203"]
    assert stock.source == "yfinance" and stock.name != "7203"  # the name came with the prices
    assert _bar_count(context) == report.bars


def test_jquants_sync_walks_dates_and_stores_the_listing(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend, history_start=date(2024, 3, 27))
    clock = FakeClock()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        api.get(BARS.replace("bars/daily", "master"), json=fixture("equities_master.json"))
        serve_bars(api)
        # No disclosures on any day the sync asks about (it reaches a year before the first price).
        api.get(BARS.replace("equities/bars/daily", "fins/summary"), json={"data": []})
        serve_topix(api, first=date(2024, 3, 27), last=date(2024, 3, 28))
        report = MarketSync(context, make_provider(clock)).run(until=date(2024, 3, 28))
        topix_calls = [c for c in api.calls if "/indices/" in c.request.url]
        again = MarketSync(context, make_provider(clock)).run(until=date(2024, 3, 28))
    assert report.status == "succeeded", report.error
    stocks = _stocks(context)
    assert stocks and all(s.source == "jquants" for s in stocks.values())
    assert report.bars == _bar_count(context) > 0
    # TOPIX: one range (two pages), cut to the sessions synced, as the overview's benchmark.
    assert len(topix_calls) == 2 and report.index_bars == 2
    with session_scope(context.sessions) as session:
        topix = repository.index_closes(session, "TOPIX")
    assert topix.to_dict() == {date(2024, 3, 27): 2814.86, date(2024, 3, 28): 2776.59}
    assert not again.changed and again.index_bars == 0


def test_csv_sync_imports_every_row_of_the_file_before_the_history_start(
    backend: str, context_factory: ContextFactory
) -> None:
    # The configured start (for the API sources) lies after the file's first day: the file wins.
    context = context_factory(backend, history_start=date(2024, 1, 9))
    provider = CsvProvider(FIXTURES / "bars.csv", last_session=date(2024, 1, 31))
    report = MarketSync(context, provider).run(until=date(2024, 1, 31))
    assert report.status == "succeeded", report.error
    assert report.from_date == date(2024, 1, 4)
    assert report.bars == _bar_count(context) == 6  # every row of the file


def _before_yahoo_knew_of_the_split() -> dict[str, object]:
    """6758.T as Yahoo answered on the evening of the 5-for-1 split's ex-date (2024-09-27) when it
    had not yet reported the split: bars up to that day, no split event, nothing adjusted."""
    payload = load("6758.T.json")
    result = payload["chart"]["result"][0]
    ex_date = int(next(iter(result["events"]["splits"])))
    keep = [i for i, t in enumerate(result["timestamp"]) if t <= ex_date]
    quote = result["indicators"]["quote"][0]
    for field in ("open", "high", "low", "close", "volume"):
        raw = [v * (5 if field != "volume" else 0.2) if t < ex_date else v for t, v in
               zip(result["timestamp"], quote[field], strict=True)]  # fmt: skip
        quote[field] = [raw[i] for i in keep]
    result["timestamp"] = [result["timestamp"][i] for i in keep]
    result["events"] = {}
    return payload


def test_a_split_yahoo_reports_after_the_ex_date_bar_was_stored_is_still_applied(
    context_factory: ContextFactory,
) -> None:
    context = context_factory("sqlite", history_start=date(2024, 9, 3))
    ex_date = date(2024, 9, 27)

    def sync(payload: object, now: datetime, until: date) -> None:
        provider = YFinanceProvider(
            ["6758"], session=requests.Session(), clock=lambda: now, pause_seconds=0, backoff_seconds=0
        )
        with responses.RequestsMock(assert_all_requests_are_fired=False) as http:
            http.get(URL.format("6758.T"), json=payload)
            assert MarketSync(context, provider).run(until=until).status == "succeeded"

    sync(_before_yahoo_knew_of_the_split(), datetime(2024, 9, 27, 18, 0, tzinfo=JST), ex_date)
    with session_scope(context.sessions) as session:
        assert repository.split_events(session, "6758") == []  # stored with factor 1: Yahoo did not know

    sync(load("6758.T.json"), AFTER_SPLIT, date(2024, 10, 4))

    with session_scope(context.sessions) as session:
        assert repository.split_events(session, "6758") == [(ex_date, pytest.approx(0.2))]
        bars = adjust_bars(repository.bars_frame(session, "6758"), repository.split_events(session, "6758"))
    moves = bars["close"].pct_change().dropna()
    assert moves.min() > -0.2  # no −80 % fall on the ex-date
