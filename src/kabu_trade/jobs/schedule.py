"""The daily sync's schedule: after the TSE close (plus a delay) on trading days.

The worker asks ``DailySchedule.due`` each time it polls; when due, it queues a sync job. Several
workers may run the schedule: the job table holds one queued or running sync at a time, so the
first to queue it wins and the others find it queued.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from kabu_trade.market.calendar import JST, next_close_after


def next_sync_time(now: datetime, after_close_minutes: int) -> datetime:
    """The first close-plus-delay strictly after ``now`` (JST)."""
    probe = now - timedelta(minutes=after_close_minutes)
    return next_close_after(probe) + timedelta(minutes=after_close_minutes)


class DailySchedule:
    def __init__(self, after_close_minutes: int, now: Callable[[], datetime] = lambda: datetime.now(JST)):
        self.after_close_minutes = after_close_minutes
        self.now = now
        self.next_at = next_sync_time(now(), after_close_minutes)

    def due(self) -> bool:
        """True once per scheduled time, when it has come (then the next one is set)."""
        now = self.now()
        if now < self.next_at:
            return False
        self.next_at = next_sync_time(now, self.after_close_minutes)
        return True
