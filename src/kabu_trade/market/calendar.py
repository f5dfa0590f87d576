"""TSE trading days and hours (exchange-calendars ``XTKS``).

TSE trades 09:00–11:30 and 12:30–15:30 JST (the close moved from 15:00 to 15:30 on 2024-11-05).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import exchange_calendars as xcals
import pandas as pd

JST = ZoneInfo("Asia/Tokyo")
CLOSE_MOVED_ON = date(2024, 11, 5)


@lru_cache(maxsize=1)
def _calendar() -> xcals.ExchangeCalendar:
    # Built once per process: constructing the calendar takes a noticeable fraction of a second.
    return xcals.get_calendar("XTKS", start="2000-01-04")


def market_close_time(day: date) -> time:
    return time(15, 30) if day >= CLOSE_MOVED_ON else time(15, 0)


def calendar_span() -> tuple[date, date]:
    """The first and last session the calendar knows (it is built from 2000 to about a year ahead)."""
    cal = _calendar()
    return cal.first_session.date(), cal.last_session.date()


def sessions_between(start: date, end: date) -> list[date]:
    """Trading days in [start, end] (both inclusive), clipped to the span the calendar knows."""
    first, last = calendar_span()
    start, end = max(start, first), min(end, last)
    if start > end:
        return []
    return [ts.date() for ts in _calendar().sessions_in_range(pd.Timestamp(start), pd.Timestamp(end))]


def is_trading_day(day: date) -> bool:
    return bool(_calendar().is_session(pd.Timestamp(day)))


def last_completed_session(now: datetime | None = None) -> date:
    """The latest trading day whose close has passed (in JST) at ``now``."""
    now_jst = (now or datetime.now(JST)).astimezone(JST)
    day = now_jst.date()
    if is_trading_day(day) and now_jst.time() >= market_close_time(day):
        return day
    previous = sessions_between(day - timedelta(days=14), day - timedelta(days=1))
    return previous[-1]


def next_close_after(now: datetime) -> datetime:
    """The next session close (JST, aware) strictly after ``now``."""
    now_jst = now.astimezone(JST)
    for day in sessions_between(now_jst.date(), now_jst.date() + timedelta(days=14)):
        close = datetime.combine(day, market_close_time(day), tzinfo=JST)
        if close > now_jst:
            return close
    raise RuntimeError("the XTKS calendar has no session in the next two weeks")
