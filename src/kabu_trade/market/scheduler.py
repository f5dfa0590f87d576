"""Optional in-process scheduler: sync after the TSE close on trading days.

Every API process may run it; the database lease in ``MarketSync`` lets only one of them sync.
Each time it wakes (and when it starts) it records as failed any run a dead sync left "running".
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

import structlog
from sqlalchemy.exc import SQLAlchemyError

from kabu_trade.core.context import AppContext
from kabu_trade.core.errors import AppError, Conflict
from kabu_trade.core.locks import LeaseLost
from kabu_trade.market.calendar import JST, next_close_after
from kabu_trade.market.providers.factory import create_provider
from kabu_trade.market.sync import MarketSync
from kabu_trade.market.sync_runs import recover_dead_runs

log = structlog.get_logger(__name__)


def next_sync_time(now: datetime, after_close_minutes: int) -> datetime:
    """The first close-plus-delay strictly after ``now`` (JST)."""
    probe = now - timedelta(minutes=after_close_minutes)
    return next_close_after(probe) + timedelta(minutes=after_close_minutes)


def run_scheduled_sync(context: AppContext) -> None:
    provider = create_provider(context.settings)
    try:
        MarketSync(context, provider).run()
    except LeaseLost as exc:  # a Conflict too, but not a skip: this sync stopped half-way
        log.error("scheduled_sync_failed", error=exc.detail)
    except Conflict as exc:
        log.info("scheduled_sync_skipped", reason=exc.detail)
    except AppError as exc:
        log.error("scheduled_sync_failed", error=exc.detail)
    finally:
        provider.close()


async def scheduler_loop(
    context: AppContext,
    *,
    now: Callable[[], datetime] = lambda: datetime.now(JST),
    job: Callable[[AppContext], None] = run_scheduled_sync,
) -> None:
    while True:
        await asyncio.to_thread(_recover_dead_runs, context)
        due = next_sync_time(now(), context.settings.sync_after_close_minutes)
        log.info("scheduler_next_sync", at=due.isoformat())
        await asyncio.sleep(max(0.0, (due - now()).total_seconds()))
        # The sync is blocking I/O and pandas work: keep it off the event loop.
        await asyncio.to_thread(job, context)


def _recover_dead_runs(context: AppContext) -> None:
    try:
        failed = recover_dead_runs(context.sessions)
    except SQLAlchemyError as exc:  # the database is away: the next wake-up tries again
        log.warning("scheduler_recovery_skipped", error=type(exc).__name__)
        return
    if failed:
        log.warning("scheduler_dead_runs_failed", runs=failed)
