from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest

from kabu_trade.core import clock
from kabu_trade.core.config import Settings
from kabu_trade.jobs.schedule import next_sync_time
from kabu_trade.market.calendar import (
    JST,
    calendar_span,
    is_trading_day,
    last_completed_session,
    market_close_time,
    sessions_between,
)
from kabu_trade.market.providers.demo import DemoProvider
from kabu_trade.market.providers.jquants import JQuantsProvider


def test_tse_sessions_skip_weekends_and_holidays() -> None:
    days = sessions_between(date(2024, 12, 27), date(2025, 1, 7))
    # 12/31–1/3 are exchange holidays (大発会 on 1/6).
    assert days == [date(2024, 12, 27), date(2024, 12, 30), date(2025, 1, 6), date(2025, 1, 7)]
    assert not is_trading_day(date(2025, 1, 1))


def test_close_moved_to_1530_on_2024_11_05() -> None:
    assert (
        market_close_time(date(2024, 11, 1)).hour == 15 and market_close_time(date(2024, 11, 1)).minute == 0
    )
    assert market_close_time(date(2024, 11, 5)).minute == 30


def test_last_completed_session_waits_for_the_close() -> None:
    before_close = datetime(2025, 3, 14, 15, 0, tzinfo=JST)  # a Friday, trading
    after_close = datetime(2025, 3, 14, 15, 31, tzinfo=JST)
    assert last_completed_session(before_close) == date(2025, 3, 13)
    assert last_completed_session(after_close) == date(2025, 3, 14)
    assert last_completed_session(datetime(2025, 3, 16, 12, 0, tzinfo=JST)) == date(2025, 3, 14)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2025, 3, 14, 10, 0, tzinfo=JST), datetime(2025, 3, 14, 16, 15, tzinfo=JST)),
        (datetime(2025, 3, 14, 16, 0, tzinfo=JST), datetime(2025, 3, 14, 16, 15, tzinfo=JST)),
        (
            datetime(2025, 3, 14, 16, 20, tzinfo=JST),
            datetime(2025, 3, 17, 16, 15, tzinfo=JST),
        ),  # after: Monday
        (
            datetime(2025, 1, 1, 9, 0, tzinfo=JST),
            datetime(2025, 1, 6, 16, 15, tzinfo=JST),
        ),  # holidays skipped
    ],
)
def test_next_sync_is_after_the_close_on_trading_days(now: datetime, expected: datetime) -> None:
    assert next_sync_time(now, 45) == expected


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[datetime], None]]:
    """Freeze the market clock at a UTC moment, on a server whose local time zone is behind Tokyo's."""
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()

    def freeze(moment: datetime) -> None:
        monkeypatch.setattr(clock, "now_utc", lambda: moment)

    yield freeze
    monkeypatch.undo()
    time.tzset()


def test_today_is_the_tokyo_date_on_a_server_elsewhere(frozen_clock: Callable[[datetime], None]) -> None:
    frozen_clock(datetime(2026, 12, 1, 16, 0, tzinfo=UTC))  # 2026-12-02 01:00 JST, 08:00 in Los Angeles

    assert clock.tokyo_today() == date(2026, 12, 2)
    assert Settings(history_start=None).effective_history_start == date(2023, 12, 2)
    assert JQuantsProvider("key", "standard").coverage() == (date(2016, 12, 2), date(2026, 12, 2))
    assert DemoProvider(symbols=10).end == date(2026, 12, 2)
    assert last_completed_session() == date(2026, 12, 1)  # Tuesday's close has passed in Tokyo


def test_the_trading_calendar_extends_as_time_passes(frozen_clock: Callable[[datetime], None]) -> None:
    # A server started today and still running in mid-2028: the calendar must reach beyond the
    # year ahead it was first built for, or the scheduler finds no next close.
    assert sessions_between(date(2026, 12, 1), date(2026, 12, 4))  # built for today first
    frozen_clock(datetime(2028, 6, 1, 0, 0, tzinfo=UTC))

    assert sessions_between(date(2028, 6, 1), date(2028, 6, 2)) == [date(2028, 6, 1), date(2028, 6, 2)]
    assert next_sync_time(datetime(2028, 6, 1, 17, 0, tzinfo=JST), 45) == datetime(
        2028, 6, 2, 16, 15, tzinfo=JST
    )
    assert calendar_span()[1] >= date(2029, 5, 31)
