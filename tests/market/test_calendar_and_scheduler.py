from __future__ import annotations

from datetime import date, datetime

import pytest

from kabu_trade.jobs.schedule import next_sync_time
from kabu_trade.market.calendar import (
    JST,
    is_trading_day,
    last_completed_session,
    market_close_time,
    sessions_between,
)


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
