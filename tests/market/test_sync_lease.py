"""A sync that dies frees the next one within a lease length, its run is recorded failed with why,
a sync that lost its lease stops writing, and an administrator can break the lease.

A "dead" holder is a lease acquired under a holder id and never renewed; time is a controllable
clock (or an expiry set in the past with SQL), never a sleep. Where the heartbeat thread must act,
the test waits for it on a condition with a generous timeout.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

import httpx
import pandas as pd
import pytest
import sqlalchemy as sa

from kabu_trade.core.config import Settings
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope, utcnow
from kabu_trade.core.errors import Conflict
from kabu_trade.core.locks import Heartbeat, LeaseLock, LeaseLost
from kabu_trade.main import create_app
from kabu_trade.market.models import DailyBar, SyncRun
from kabu_trade.market.providers.base import MarketDataProvider
from kabu_trade.market.providers.demo import DemoProvider
from kabu_trade.market.sync import SYNC_LOCK, MarketSync
from kabu_trade.market.sync_runs import recover_dead_runs
from tests.conftest import create_user_in, sign_in

START, END = date(2024, 1, 4), date(2024, 3, 29)
DEAD = "dead-host:4242:deadbeef"
WAIT = 30.0  # generous: the condition normally holds within milliseconds
ContextFactory = Callable[..., AppContext]


class FakeClock:
    """The lease's notion of now, moved by the test (read by the heartbeat thread too)."""

    def __init__(self) -> None:
        self._now = utcnow()
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)


class HookedProvider(MarketDataProvider):
    """Demo data; ``on_bars(call_number)`` runs inside each bars fetch — a long provider call."""

    name = "demo"
    is_demo = True

    def __init__(self, on_bars: Callable[[int], None]) -> None:
        self.inner = DemoProvider(symbols=10, start=START, end=END)
        self.start, self.end = self.inner.start, self.inner.end
        self.on_bars, self.calls = on_bars, 0

    def list_stocks(self) -> pd.DataFrame:
        return self.inner.list_stocks()

    def fetch_daily_bars(self, start: date, end: date, codes: Sequence[str] | None = None) -> pd.DataFrame:
        self.calls += 1
        self.on_bars(self.calls)
        return self.inner.fetch_daily_bars(start, end, codes)

    def fetch_fundamentals(self, start: date, end: date, codes: Sequence[str] | None = None) -> pd.DataFrame:
        return self.inner.fetch_fundamentals(start, end, codes)


def _leave_a_dead_sync(context: AppContext, clock: FakeClock, seconds: float = 60) -> int:
    """What a killed sync leaves behind: its lease, never renewed, and its run marked running."""
    assert LeaseLock(context.sessions, SYNC_LOCK, seconds, holder=DEAD, clock=clock).acquire()
    with session_scope(context.sessions) as session:
        run = SyncRun(source="demo", status="running")
        session.add(run)
        session.flush()
        return run.id


def _run(context: AppContext, run_id: int) -> SyncRun:
    with session_scope(context.sessions) as session:
        run = session.get(SyncRun, run_id)
        assert run is not None
        return run


def _bar_count(context: AppContext) -> int:
    with session_scope(context.sessions) as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(DailyBar)) or 0)


def test_a_killed_sync_frees_the_next_within_a_minute() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.sync_lock_seconds <= 60  # was 3,600: a killed sync blocked the next for an hour


def test_a_dead_holders_lease_is_taken_over_and_its_run_marked_failed(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend)
    clock = FakeClock()
    dead_run = _leave_a_dead_sync(context, clock, seconds=60)
    provider = DemoProvider(symbols=10, start=START, end=END)

    clock.advance(30)  # still within the dead holder's lease: refused, nothing recorded
    lock = LeaseLock(context.sessions, SYNC_LOCK, 60, clock=clock)
    with pytest.raises(Conflict, match=DEAD):
        MarketSync(context, provider, lock=lock).run(until=END)
    assert _run(context, dead_run).status == "running"

    clock.advance(31)  # the lease ran out a second ago: the next sync takes over
    report = MarketSync(context, provider, lock=LeaseLock(context.sessions, SYNC_LOCK, 60, clock=clock)).run(
        until=END
    )
    assert report.status == "succeeded" and report.bars > 0
    dead = _run(context, dead_run)
    assert dead.status == "failed" and dead.finished_at is not None
    assert dead.error is not None
    assert "the process running this sync stopped" in dead.error and DEAD in dead.error
    assert "expired at" in dead.error
    assert _run(context, report.run_id).status == "succeeded"
    assert LeaseLock(context.sessions, SYNC_LOCK, 60).lease() is None  # released at the end


def test_the_heartbeat_keeps_the_lease_across_more_than_one_lease_length(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend)
    clock = FakeClock()
    lock = LeaseLock(context.sessions, SYNC_LOCK, 60, clock=clock)
    first_expiry = clock() + timedelta(seconds=60)
    seen: dict[str, object] = {}

    def long_call(call: int) -> None:
        if call != 1:
            return
        heartbeat = sync.heartbeat
        assert heartbeat is not None
        for _ in range(3):  # 3 × 50 s of "work": well past the 60 s lease
            clock.advance(50)
            # Two beats: the second began after the clock moved, so it renewed from the new now.
            target = heartbeat.renewals + 2
            assert heartbeat.wait_for(lambda hb, t=target: hb.renewals >= t or hb.lost is not None, WAIT)
        contender = LeaseLock(context.sessions, SYNC_LOCK, 60, holder="other-host:1:x", clock=clock)
        seen["contender_acquired"] = contender.acquire()
        seen["lease"] = lock.lease()

    sync = MarketSync(context, HookedProvider(long_call), lock=lock, heartbeat_every=0.01)
    report = sync.run(until=END)
    assert report.status == "succeeded"
    assert seen["contender_acquired"] is False
    lease = seen["lease"]
    assert lease is not None and lease.holder == lock.holder  # type: ignore[attr-defined]
    assert lease.expires_at > first_expiry + timedelta(seconds=100)  # type: ignore[attr-defined]


def test_a_sync_whose_lease_was_taken_stops_writing(backend: str, context_factory: ContextFactory) -> None:
    """The fence: a takeover during a provider call, unseen by any heartbeat, stops the next write."""
    context = context_factory(backend)
    written_before_theft: list[int] = []

    def steal_on_third_call(call: int) -> None:
        if call == 3:
            written_before_theft.append(_bar_count(context))
            with session_scope(context.sessions) as session:
                session.execute(sa.text("UPDATE job_locks SET holder = 'thief:1:x'"))

    # A heartbeat too slow to notice: the write itself must refuse.
    sync = MarketSync(context, HookedProvider(steal_on_third_call), days_per_chunk=10, heartbeat_every=3600)
    with pytest.raises(LeaseLost, match="thief:1:x took it over"):
        sync.run(until=END)
    assert written_before_theft and _bar_count(context) == written_before_theft[0] > 0
    with session_scope(context.sessions) as session:
        run = session.scalar(sa.select(SyncRun))
        assert run is not None and run.status == "failed" and "thief:1:x" in (run.error or "")
        holder = session.scalar(sa.text("SELECT holder FROM job_locks"))
    assert holder == "thief:1:x"  # the loser's release leaves the new holder's lease alone


def test_the_heartbeat_notices_a_broken_lease_during_a_long_call(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend)

    def broken_during_call(call: int) -> None:
        if call == 2:
            with session_scope(context.sessions) as session:
                session.execute(sa.text("DELETE FROM job_locks"))
            heartbeat = sync.heartbeat
            assert heartbeat is not None
            assert heartbeat.wait_for(lambda hb: hb.lost is not None, WAIT)

    sync = MarketSync(context, HookedProvider(broken_during_call), days_per_chunk=10, heartbeat_every=0.01)
    with pytest.raises(LeaseLost, match="broken"):
        sync.run(until=END)
    assert sync.heartbeat is not None and "was lost" in (sync.heartbeat.lost or "")


def test_the_heartbeat_gives_up_when_it_cannot_renew_before_expiry(context_factory: ContextFactory) -> None:
    context = context_factory("sqlite")
    clock = FakeClock()
    lock = LeaseLock(context.sessions, SYNC_LOCK, 60, clock=clock)
    assert lock.acquire()
    # The database goes away (the table is gone): renewals fail; once past the expiry, lost.
    with context.engine.begin() as connection:
        connection.execute(sa.text("ALTER TABLE job_locks RENAME TO job_locks_away"))
    heartbeat = Heartbeat(lock, every=0.01).start()
    try:
        clock.advance(61)
        assert heartbeat.wait_for(lambda hb: hb.lost is not None, WAIT)
    finally:
        heartbeat.stop()
    assert "expired while the database could not be reached" in (heartbeat.lost or "")
    with pytest.raises(LeaseLost):
        heartbeat.check()


def test_recovery_fails_dead_runs_and_never_a_live_one(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend)
    dead_run = _leave_a_dead_sync(context, FakeClock(), seconds=60)
    assert recover_dead_runs(context.sessions) == []  # the lease is live: the run may be working
    assert _run(context, dead_run).status == "running"
    with session_scope(context.sessions) as session:
        session.execute(sa.text("UPDATE job_locks SET expires_at = '2000-01-01 00:00:00'"))
    assert recover_dead_runs(context.sessions) == [dead_run]
    run = _run(context, dead_run)
    assert run.status == "failed" and DEAD in (run.error or "") and run.finished_at is not None
    assert recover_dead_runs(context.sessions) == []  # once


async def test_health_shows_the_lease_and_never_a_dead_run_as_running(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend)
    dead_run = _leave_a_dead_sync(context, FakeClock(), seconds=60)
    transport = httpx.ASGITransport(app=create_app(context=context))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        live = (await client.get("/api/v1/health")).json()
        sync = live["jobs"]["sync"]
        assert sync["lease"]["holder"] == DEAD and sync["lease"]["expired"] is False
        assert sync["running"] is True and sync["stale_run"] is None
        assert live["data"]["last_sync"]["status"] == "running"
        assert live["data"]["last_sync"]["stale"] is False

        with session_scope(context.sessions) as session:
            session.execute(sa.text("UPDATE job_locks SET expires_at = '2000-01-01 00:00:00'"))
        dead = (await client.get("/api/v1/health")).json()
        sync = dead["jobs"]["sync"]
        assert sync["lease"]["expired"] is True and sync["lease"]["expires_at"].startswith("2000-01-01")
        assert sync["running"] is False and sync["stale_run"] == dead_run
        last = dead["data"]["last_sync"]
        assert last["status"] == "failed" and last["stale"] is True
        assert DEAD in last["error"] and "stopped" in last["error"]


async def test_the_unlock_endpoint_is_for_administrators(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend)
    create_user_in(context, "boss", admin=True)
    create_user_in(context, "member")
    transport = httpx.ASGITransport(app=create_app(context=context))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.delete("/api/v1/sync/lock")).status_code == 401
        member = await sign_in(client, "member")
        assert (await client.delete("/api/v1/sync/lock", headers=member)).status_code == 403
        boss = await sign_in(client, "boss")
        nothing = await client.delete("/api/v1/sync/lock", headers=boss)
        assert nothing.status_code == 404 and "Nothing was locked" in nothing.json()["detail"]

        dead_run = _leave_a_dead_sync(context, FakeClock(), seconds=600)
        broken = await client.delete("/api/v1/sync/lock", headers=boss)
        assert broken.status_code == 204 and broken.content == b""
        runs = (await client.get("/api/v1/sync/runs", headers=member)).json()
        assert runs[0]["id"] == dead_run and runs[0]["status"] == "failed"
        assert "unlocked by an administrator" in runs[0]["error"] and DEAD in runs[0]["error"]
    assert LeaseLock(context.sessions, SYNC_LOCK, 60).lease() is None


async def test_the_run_list_reports_a_dead_run_as_failed(context_factory: ContextFactory) -> None:
    context = context_factory("sqlite")
    create_user_in(context, "member")
    dead_run = _leave_a_dead_sync(context, FakeClock(), seconds=60)
    with session_scope(context.sessions) as session:
        session.execute(sa.text("UPDATE job_locks SET expires_at = '2000-01-01 00:00:00'"))
    transport = httpx.ASGITransport(app=create_app(context=context))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        member = await sign_in(client, "member")
        runs = (await client.get("/api/v1/sync/runs", headers=member)).json()
    assert runs[0]["id"] == dead_run and runs[0]["stale"] is True and runs[0]["status"] == "failed"
    assert DEAD in runs[0]["error"]
