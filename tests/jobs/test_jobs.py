"""The job table and the worker, on SQLite and PostgreSQL: queued once, claimed once, run with
progress, failures recorded, dead workers noticed; the API only queues and reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa

from kabu_trade.analysis.models import StockMetrics
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope, utcnow
from kabu_trade.core.errors import Conflict
from kabu_trade.jobs import repository, service
from kabu_trade.jobs.kinds import REFRESH, SYNC
from kabu_trade.jobs.models import FAILED, QUEUED, RUNNING, SUCCEEDED, Job
from kabu_trade.jobs.schedule import DailySchedule
from kabu_trade.jobs.worker import Worker
from kabu_trade.main import create_app
from kabu_trade.market.calendar import JST
from kabu_trade.market.models import DailyBar
from tests.conftest import create_user_in, sign_in

ContextFactory = Callable[..., AppContext]


def _queue(context: AppContext, kind: str = SYNC, params: dict[str, object] | None = None) -> int:
    with session_scope(context.sessions) as session:
        return service.enqueue(session, kind, params or {}, None).id


def _job(context: AppContext, job_id: int) -> Job:
    with session_scope(context.sessions) as session:
        return service.get_job(session, job_id)


def test_one_active_job_per_kind_and_a_new_one_after_it_ends(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend)
    first = _queue(context)
    with pytest.raises(Conflict, match=rf"#{first}, queued"):
        _queue(context)
    refresh = _queue(context, REFRESH)  # another kind is another queue
    assert refresh != first
    with session_scope(context.sessions) as session:
        repository.finish(session, first, SUCCEEDED, {}, None)
    assert _queue(context) > refresh


def test_a_queued_job_is_claimed_once(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend)
    job_id = _queue(context)
    holder = context.sessions()
    try:
        claimed = repository.claim_next(holder, "worker-a")
        assert claimed is not None and claimed.id == job_id and claimed.status == RUNNING
        # Before the first claim commits, a second worker finds nothing to take (PostgreSQL skips
        # the locked row; SQLite serialises writers, so the second one waits its turn or sees it taken).
        if backend == "postgres":
            with session_scope(context.sessions) as other:
                assert repository.claim_next(other, "worker-b") is None
        holder.commit()
    finally:
        holder.close()
    with session_scope(context.sessions) as other:
        assert repository.claim_next(other, "worker-b") is None
    assert _job(context, job_id).worker == "worker-a"


def test_the_worker_runs_a_sync_job_with_progress_and_the_follow_up(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend, demo_symbols=10)
    job_id = _queue(context, SYNC, {"source": "demo"})
    assert Worker(context, name="test-worker").run_once() is True
    job = _job(context, job_id)
    assert job.status == SUCCEEDED and job.error is None and job.worker == "test-worker"
    assert job.started_at is not None and job.finished_at is not None and job.finished_at >= job.started_at
    assert job.result is not None and job.result["status"] == "succeeded"
    assert job.result["bars"] > 1000 and job.result["stocks"] == 10
    # The follow-up ran because data changed: metrics of every stock, stored.
    assert job.result["ran"] is True and job.result["metrics"] == 10
    assert job.progress_total >= 1 and job.progress_label == "metrics"
    with session_scope(context.sessions) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(StockMetrics)) == 10
    assert Worker(context).run_once() is False  # nothing left to do


def test_a_failed_job_records_why_and_the_worker_goes_on(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend)
    bad = _queue(context, SYNC, {"source": "jquants"})  # no API key configured
    worker = Worker(context)
    assert worker.run_once() is True
    job = _job(context, bad)
    assert job.status == FAILED and "KABU_JQUANTS_API_KEY" in (job.error or "")
    bad_date = _queue(context, SYNC, {"until": "someday"})
    assert worker.run_once() is True
    assert "until must be a date" in (_job(context, bad_date).error or "")


def test_a_job_whose_worker_died_is_failed_by_the_next_worker(
    backend: str, context_factory: ContextFactory
) -> None:
    # A refresh is failed at once; a sync is resumed instead (tests/jobs/test_resume.py).
    context = context_factory(backend)
    job_id = _queue(context, REFRESH)
    with session_scope(context.sessions) as session:
        assert repository.claim_next(session, "dead-host:1:x") is not None
        session.execute(
            sa.update(Job).values(heartbeat_at=utcnow() - timedelta(minutes=5)).where(Job.id == job_id)
        )
    Worker(context).run_once()
    job = _job(context, job_id)
    assert job.status == FAILED and "dead-host:1:x stopped" in (job.error or "")


def test_a_live_jobs_heartbeat_keeps_it(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend)
    job_id = _queue(context)
    with session_scope(context.sessions) as session:
        repository.claim_next(session, "live-host:1:x")
    with session_scope(context.sessions) as session:
        assert repository.beat(session, job_id, "live-host:1:x") is True
        assert repository.beat(session, job_id, "someone-else") is False
        assert repository.fail_abandoned(session, timedelta(seconds=60)) == []
    assert _job(context, job_id).status == RUNNING


def test_the_schedule_is_due_once_per_close() -> None:
    clock = [datetime(2025, 3, 14, 16, 14, tzinfo=JST)]  # a Friday, one minute before close + 45
    schedule = DailySchedule(45, now=lambda: clock[0])
    assert schedule.due() is False
    clock[0] = datetime(2025, 3, 14, 16, 15, 1, tzinfo=JST)
    assert schedule.due() is True
    assert schedule.due() is False  # once
    assert schedule.next_at == datetime(2025, 3, 17, 16, 15, tzinfo=JST)  # Monday


def test_a_due_schedule_queues_one_sync(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend)
    clock = [datetime(2025, 3, 14, 16, 16, tzinfo=JST)]
    schedule = DailySchedule(45, now=lambda: clock[0])
    schedule.next_at = clock[0] - timedelta(seconds=1)
    with session_scope(context.sessions) as session:
        # A worker on another host is running a refresh: the schedule's sync is queued beside it.
        repository.insert(session, REFRESH, {}, None, status=RUNNING, worker="elsewhere")
    Worker(context, schedule=schedule).run_once()
    with session_scope(context.sessions) as session:
        syncs = repository.recent(session, 10, kind=SYNC)
    assert [job.params for job in syncs] == [{"scheduled": True}]


async def test_the_api_queues_and_reports_jobs_and_never_runs_them(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend)
    create_user_in(context, "boss", admin=True)
    create_user_in(context, "member")
    transport = httpx.ASGITransport(app=create_app(context=context))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        member, boss = await sign_in(client, "member"), await sign_in(client, "boss")
        assert (await client.get("/api/v1/jobs")).status_code == 401
        assert (await client.post("/api/v1/jobs", json={"kind": "sync"}, headers=member)).status_code == 403
        assert (await client.post("/api/v1/sync", headers=member)).status_code == 403

        queued = await client.post("/api/v1/sync", headers=boss)
        assert queued.status_code == 202, queued.text
        job = queued.json()
        assert job["status"] == QUEUED and job["kind"] == "sync" and job["worker"] is None
        again = await client.post("/api/v1/jobs", json={"kind": "sync", "source": "demo"}, headers=boss)
        assert again.status_code == 409 and f"#{job['id']}" in again.json()["detail"]
        bad = await client.post("/api/v1/jobs", json={"kind": "backtest"}, headers=boss)
        assert bad.status_code == 422
        refresh = await client.post("/api/v1/jobs", json={"kind": "refresh"}, headers=boss)
        assert refresh.status_code == 202

        listed = (await client.get("/api/v1/jobs", params={"active": True}, headers=member)).json()
        assert [j["id"] for j in listed] == [refresh.json()["id"], job["id"]]
        only_syncs = (await client.get("/api/v1/jobs", params={"kind": "sync"}, headers=member)).json()
        assert [j["id"] for j in only_syncs] == [job["id"]]
        assert (await client.get("/api/v1/jobs/999999", headers=member)).status_code == 404
        health = (await client.get("/api/v1/health")).json()
        assert health["jobs"]["queue"] == {"queued": 2, "running": 0}

    # Nothing ran in the API: the jobs wait for a worker, which runs them in order.
    with session_scope(context.sessions) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(DailyBar)) == 0
    worker = Worker(context)
    assert worker.run_once() and worker.run_once()
    assert _job(context, job["id"]).status == SUCCEEDED
    assert _job(context, refresh.json()["id"]).status == SUCCEEDED


async def test_an_empty_demo_install_queues_its_first_load_and_listens_at_once(
    context_factory: ContextFactory,
) -> None:
    context = context_factory("sqlite", demo_symbols=10)  # jobs_in_process=False: no worker here
    app = create_app(context=context)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            health = (await client.get("/api/v1/health")).json()
    assert health["data"]["latest_bar_date"] is None
    (active,) = health["jobs"]["active"]
    assert active["kind"] == "sync" and active["first_load"] is True and active["status"] == QUEUED
    # A second start while it waits queues nothing more.
    second = create_app(context=context)
    async with second.router.lifespan_context(second):
        pass
    with session_scope(context.sessions) as session:
        assert len(repository.recent(session, 10)) == 1
    assert Worker(context).run_once() is True
    with session_scope(context.sessions) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(DailyBar)) > 0
