"""The one clock for market dates: "today" is the Tokyo date, wherever the server runs.

A market date taken from ``date.today()`` is the server's local date: on a server in UTC (or in
the US) it lags Tokyo by a day from 00:00 to 09:00 JST (15:00 to 24:00 UTC), so a sync or the
plan window would stop a day short. Timestamps stay UTC (``core.db.utcnow``); only dates that
name a trading day come from here. ``now_utc`` is looked up on every call, so tests freeze the
clock by replacing it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")


def now_utc() -> datetime:
    return datetime.now(UTC)


def now_in_tokyo() -> datetime:
    return now_utc().astimezone(TOKYO)


def tokyo_today() -> date:
    return now_in_tokyo().date()
