"""A sync whose worker died is queued again and resumes from the chunks it committed (up to
MAX_ATTEMPTS runs), once the dead sync's lease has run out; jobs report their attempt and the
time left in their phase. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import httpx
import sqlalchemy as sa

from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope, utcnow
from kabu_trade.core.locks import JobLock, LeaseLock
from kabu_trade.jobs import repository, service
from kabu_trade.jobs.kinds import SYNC
from kabu_trade.jobs.models import FAILED, MAX_ATTEMPTS, RUNNING, SUCCEEDED, Job
from kabu_trade.jobs.worker import Worker
from kabu_trade.main import create_app
from kabu_trade.market.models import DailyBar
from kabu_trade.market.providers.demo import DemoProvider
from kabu_trade.market.sync import SYNC_LOCK, MarketSync
from tests.conftest import create_user_in, sign_in

ContextFactory = Callable[..., AppContext]
DEAD = "dead-host:1:x"


def _dead_sync(context: AppContext, *, attempt: int = 1) -> int:
    """A sync job claimed by a worker that then stopped beating five minutes ago."""
    with session_scope(context.sessions) as session:
        job_id = service.enqueue(session, SYNC, {"source": "demo"}, None).id
    with session_scope(context.sessions) as session:
        assert repository.claim_next(session, DEAD) is not None
        session.execute(
            sa.update(Job)
            .values(heartbeat_at=utcnow() - timedelta(minutes=5), attempt=attempt)
            .where(Job.id == job_id)
        )
    return job_id


def _job(context: AppContext, job_id: int) -> Job:
    with session_scope(context.sessions) as session:
        return service.get_job(session, job_id)


def _bars(context: AppContext) -> int:
    with session_scope(context.sessions) as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(DailyBar)) or 0)


def test_a_sync_whose_worker_died_resumes_from_its_committed_chunks(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend, demo_symbols=10)
    job_id = _dead_sync(context)
    # What the dead worker committed before it died: the first months, chunk by chunk.
    settings = context.settings
    demo = DemoProvider(symbols=10, start=settings.demo_start, end=settings.demo_end)
    MarketSync(context, demo).run(until=date(2023, 6, 30))
    before = _bars(context)
    assert before > 0
    assert Worker(context, name="next-worker").run_once() is True
    job = _job(context, job_id)
    assert job.status == SUCCEEDED, job.error
    assert job.attempt == 2 and job.worker == "next-worker"
    # It fetched only what was missing after the committed chunks.
    assert job.result is not None and job.result["bars"] == _bars(context) - before
    assert job.result["from_date"] > "2023-06-30"


def test_a_live_sync_lease_makes_the_resume_wait(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend)
    job_id = _dead_sync(context)
    lease = LeaseLock(context.sessions, SYNC_LOCK, 60, holder=DEAD)
    assert lease.acquire()
    assert Worker(context).run_once() is False  # not queued again while the dead sync's lease holds
    assert _job(context, job_id).status == RUNNING
    with session_scope(context.sessions) as session:
        session.execute(sa.update(JobLock).values(expires_at=utcnow() - timedelta(seconds=1)))
    with session_scope(context.sessions) as session:
        recovery = repository.recover_abandoned(
            session, timedelta(seconds=60), lambda job: repository.REQUEUE
        )
    assert recovery.requeued == [job_id]
    assert _job(context, job_id).attempt == 2


def test_a_sync_out_of_attempts_is_failed_with_why(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend)
    job_id = _dead_sync(context, attempt=MAX_ATTEMPTS)
    assert Worker(context).run_once() is False
    job = _job(context, job_id)
    assert job.status == FAILED and job.attempt == MAX_ATTEMPTS
    assert f"{DEAD} stopped" in (job.error or "") and f"Gave up after {MAX_ATTEMPTS} attempts" in (
        job.error or ""
    )


async def test_a_job_reports_its_attempt_and_the_time_left_in_its_phase(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend)
    with session_scope(context.sessions) as session:
        job_id = service.enqueue(session, SYNC, {}, None).id
    with session_scope(context.sessions) as session:
        repository.claim_next(session, "live-host:1:x")
    app = create_app(context=context)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        create_user_in(context)
        headers = await sign_in(client)

        async def read() -> dict[str, object]:
            response = await client.get(f"/api/v1/jobs/{job_id}", headers=headers)
            assert response.status_code == 200
            body: dict[str, object] = response.json()
            return body

        assert (await read())["eta_seconds"] is None and (await read())["attempt"] == 1
        # The first step of a four-step phase took 1,000 s since the claim: 3,000 s left. (Long
        # steps: the seconds a loaded machine takes between this update and the read count three
        # times over, and must stay small beside them.)
        with session_scope(context.sessions) as session:
            session.execute(sa.update(Job).values(progress_since=utcnow() - timedelta(seconds=1000)))
        with session_scope(context.sessions) as session:
            repository.save_progress(session, job_id, 1, 4, "prices 2024-01")
        eta = (await read())["eta_seconds"]
        assert isinstance(eta, float) and 2990 <= eta <= 3180
        # A new phase (another total) is timed from its own start.
        with session_scope(context.sessions) as session:
            repository.save_progress(session, job_id, 0, 50, "metrics")
        assert (await read())["eta_seconds"] is None
