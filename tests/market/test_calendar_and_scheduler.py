from __future__ import annotations

import asyncio
from datetime import date, datetime

import pytest

from kabu_trade.core.context import AppContext
from kabu_trade.market.calendar import (
    JST,
    is_trading_day,
    last_completed_session,
    market_close_time,
    sessions_between,
)
from kabu_trade.market.scheduler import next_sync_time, scheduler_loop


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


async def test_scheduler_runs_the_job_when_due(context_factory: object) -> None:
    context: AppContext = context_factory("sqlite")  # type: ignore[operator]
    clock = [datetime(2025, 3, 14, 16, 14, 59, 900000, tzinfo=JST)]
    ran: list[datetime] = []

    def job(ctx: AppContext) -> None:
        ran.append(clock[0])
        clock[0] = datetime(2025, 3, 17, 16, 14, 59, 950000, tzinfo=JST)

    task = asyncio.create_task(scheduler_loop(context, now=lambda: clock[0], job=job))
    for _ in range(3000):  # up to 30 s on a loaded machine: a condition polled, not a timed assertion
        await asyncio.sleep(0.01)
        if len(ran) >= 2:
            break
    task.cancel()
    assert len(ran) >= 2


async def test_the_scheduler_records_a_dead_sync_as_failed_when_it_wakes(context_factory: object) -> None:
    import sqlalchemy as sa
    import structlog.testing

    from kabu_trade.core.db import session_scope
    from kabu_trade.core.locks import LeaseLock
    from kabu_trade.market.models import SyncRun
    from kabu_trade.market.sync import SYNC_LOCK

    context: AppContext = context_factory("sqlite")  # type: ignore[operator]
    assert LeaseLock(context.sessions, SYNC_LOCK, 60, holder="dead-host:1:x").acquire()
    with session_scope(context.sessions) as session:
        session.add(SyncRun(source="demo", status="running"))
        session.execute(sa.text("UPDATE job_locks SET expires_at = '2000-01-01 00:00:00'"))
    seen: list[str | None] = []

    def job(ctx: AppContext) -> None:
        with session_scope(ctx.sessions) as session:
            seen.append(session.scalar(sa.select(SyncRun.status)))

    clock = [datetime(2025, 3, 14, 16, 14, 59, 990000, tzinfo=JST)]
    # Captured, so the test does not depend on where an earlier test pointed the log output.
    with structlog.testing.capture_logs() as logs:
        task = asyncio.create_task(scheduler_loop(context, now=lambda: clock[0], job=job))
        for _ in range(3000):  # up to 30 s: a condition polled, not a timed assertion
            await asyncio.sleep(0.01)
            if seen or task.done():
                break
        task.cancel()
        (outcome,) = await asyncio.gather(task, return_exceptions=True)
    assert isinstance(outcome, asyncio.CancelledError), outcome  # the loop did not die
    assert seen and seen[0] == "failed"  # recorded before the job ran, by the scheduler itself
    assert any(entry["event"] == "scheduler_dead_runs_failed" for entry in logs)
    with session_scope(context.sessions) as session:
        run = session.scalar(sa.select(SyncRun))
        assert run is not None and "dead-host:1:x" in (run.error or "")
