"""TSE trading days and hours (exchange-calendars ``XTKS``).

TSE trades 09:00–11:30 and 12:30–15:30 JST (the close moved from 15:00 to 15:30 on 2024-11-05).

exchange-calendars builds a calendar up to the end it is given (by default a year from the day it
is built). A server runs for longer than that: the calendar is rebuilt as the Tokyo month turns
(about 0.3 s, once a month) so that it always reaches CALENDAR_MONTHS_AHEAD months past today;
otherwise, a year after start, ``sessions_between`` would find no future session and the
scheduler no next close.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import exchange_calendars as xcals
import pandas as pd

from kabu_trade.core.clock import TOKYO, now_in_tokyo, tokyo_today

JST = TOKYO
CLOSE_MOVED_ON = date(2024, 11, 5)
CALENDAR_MONTHS_AHEAD = 13


def _calendar() -> xcals.ExchangeCalendar:
    today = tokyo_today()
    month = today.year * 12 + today.month - 1 + CALENDAR_MONTHS_AHEAD
    return _calendar_until(date(month // 12, month % 12 + 1, 1))


@lru_cache(maxsize=1)
def _calendar_until(end: date) -> xcals.ExchangeCalendar:
    # Built once per end month: constructing the calendar takes a noticeable fraction of a second.
    return xcals.get_calendar("XTKS", start="2000-01-04", end=end.isoformat())


def market_close_time(day: date) -> time:
    return time(15, 30) if day >= CLOSE_MOVED_ON else time(15, 0)


def calendar_span() -> tuple[date, date]:
    """The first and last session the calendar knows (from 2000 to 13 months past today)."""
    cal = _calendar()
    return cal.first_session.date(), cal.last_session.date()


def sessions_between(start: date, end: date) -> list[date]:
    """Trading days in [start, end] (both inclusive), clipped to the span the calendar knows."""
    first, last = calendar_span()
    start, end = max(start, first), min(end, last)
    if start > end:
        return []
    return [ts.date() for ts in _calendar().sessions_in_range(pd.Timestamp(start), pd.Timestamp(end))]


def sessions_after(start: date, day: date) -> int | None:
    """How many sessions come after ``start`` up to and including ``day`` (0 when ``day`` is not
    after ``start``); None when ``day`` lies past the span the calendar knows."""
    if day <= start:
        return 0
    if day > calendar_span()[1]:
        return None
    return len(sessions_between(start + timedelta(days=1), day))


def is_trading_day(day: date) -> bool:
    return bool(_calendar().is_session(pd.Timestamp(day)))


def last_completed_session(now: datetime | None = None) -> date:
    """The latest trading day whose close has passed (in JST) at ``now``."""
    now_jst = (now or now_in_tokyo()).astimezone(JST)
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
