"""Every query of the job table. Claiming is the one that matters: a queued job runs once.

On PostgreSQL the oldest queued row is taken with ``FOR UPDATE SKIP LOCKED``, so workers on
several hosts never wait for each other nor take the same row. SQLite has one writer at a time;
there the conditional ``UPDATE … WHERE status = 'queued'`` is the claim, and a rowcount of 0 means
another worker was first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kabu_trade.core.db import utcnow
from kabu_trade.jobs.models import ACTIVE_STATUSES, FAILED, MAX_ATTEMPTS, QUEUED, RUNNING, Job


def active_job(session: Session, kind: str) -> Job | None:
    return session.scalar(select(Job).where(Job.kind == kind, Job.status.in_(ACTIVE_STATUSES)))


def insert(
    session: Session,
    kind: str,
    params: dict[str, Any],
    requested_by: int | None,
    *,
    status: str = QUEUED,
    worker: str | None = None,
) -> Job | None:
    """A new job, or None when one of ``kind`` is already queued or running (the unique index)."""
    now = utcnow()
    running = status == RUNNING
    job = Job(
        kind=kind,
        status=status,
        params=params,
        requested_by=requested_by,
        created_at=now,
        started_at=now if running else None,
        heartbeat_at=now if running else None,
        worker=worker,
        progress_done=0,
        progress_total=0,
        progress_label="",
        progress_since=now if running else None,
        progress_base=0,
        attempt=1,
    )
    try:
        with session.begin_nested():
            session.add(job)
            session.flush()
    except IntegrityError:
        return None
    return job


def claim_next(session: Session, worker: str, kinds: tuple[str, ...] | None = None) -> Job | None:
    """Mark the oldest queued job running for ``worker`` and return it (None: nothing to do)."""
    query = select(Job.id).where(Job.status == QUEUED).order_by(Job.id).limit(1)
    if kinds:
        query = query.where(Job.kind.in_(kinds))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    job_id = session.scalar(query)
    if job_id is None:
        return None
    now = utcnow()
    claimed = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == QUEUED)
        .values(status=RUNNING, worker=worker, started_at=now, heartbeat_at=now, progress_since=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(Job, job_id, populate_existing=True)


def beat(session: Session, job_id: int, worker: str) -> bool:
    """Renew a running job's heartbeat; False when the job is no longer this worker's."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == RUNNING, Job.worker == worker)
        .values(heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def save_progress(session: Session, job_id: int, done: int, total: int, label: str) -> None:
    now = utcnow()
    # A new total is a new phase (prices, then metrics …): its rate is measured from here. The
    # first report of a phase comes after its first step, so that step counts from the last report.
    new_phase = Job.progress_total != total
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == RUNNING)
        .values(
            progress_done=done,
            progress_total=total,
            progress_label=label[:200],
            heartbeat_at=now,
            progress_since=case(
                (Job.progress_total == 0, func.coalesce(Job.progress_since, now)),  # since the claim
                (new_phase, func.coalesce(Job.heartbeat_at, now)),
                else_=Job.progress_since,
            ),
            progress_base=case((new_phase, 0), else_=Job.progress_base),
        )
        .execution_options(synchronize_session=False)
    )


def finish(
    session: Session, job_id: int, status: str, result: dict[str, Any] | None, error: str | None
) -> None:
    session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(status=status, result=result, error=error, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )


REQUEUE, FAIL, WAIT = "requeue", "fail", "wait"


@dataclass
class Recovery:
    """What became of the running jobs whose worker died."""

    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)


def fail_abandoned(session: Session, older_than: timedelta, now: datetime | None = None) -> list[int]:
    """Record as failed every running job whose worker stopped beating (it died)."""
    return recover_abandoned(session, older_than, lambda job: FAIL, now).failed


def recover_abandoned(
    session: Session,
    older_than: timedelta,
    decide: Callable[[Job], str],
    now: datetime | None = None,
) -> Recovery:
    """Each running job whose worker stopped beating (it died) is queued again, failed, or left
    as it is for now, as ``decide`` says (REQUEUE, FAIL or WAIT). A job of its last attempt is
    failed whatever ``decide`` says, with why."""
    now = now or utcnow()
    cutoff = now - older_than
    rows = session.scalars(
        select(Job).where(Job.status == RUNNING, func.coalesce(Job.heartbeat_at, Job.started_at) < cutoff)
    ).all()
    recovery = Recovery()
    for job in rows:
        last = job.heartbeat_at or job.started_at
        stopped = f"The worker {job.worker or '?'} stopped (last heartbeat {last:%Y-%m-%d %H:%M:%S} UTC)."
        verdict = decide(job)
        if verdict == WAIT:
            recovery.waiting.append(job.id)
        elif verdict == REQUEUE and job.attempt < MAX_ATTEMPTS:
            job.status, job.attempt = QUEUED, job.attempt + 1
            job.worker = job.started_at = job.heartbeat_at = job.progress_since = None
            job.progress_done = job.progress_total = job.progress_base = 0
            recovery.requeued.append(job.id)
        else:
            job.status, job.finished_at = FAILED, now
            gave_up = f" Gave up after {job.attempt} attempts." if verdict == REQUEUE else ""
            job.error = stopped + gave_up
            recovery.failed.append(job.id)
    session.flush()
    return recovery


def recent(session: Session, limit: int, *, active_only: bool = False, kind: str | None = None) -> list[Job]:
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if active_only:
        query = query.where(Job.status.in_(ACTIVE_STATUSES))
    if kind:
        query = query.where(Job.kind == kind)
    return list(session.scalars(query).all())


def get(session: Session, job_id: int) -> Job | None:
    return session.get(Job, job_id)


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Job.status, func.count()).where(Job.status.in_(ACTIVE_STATUSES)).group_by(Job.status)
    ).all()
    found = {status: int(n) for status, n in rows}
    return {status: found.get(status, 0) for status in ACTIVE_STATUSES}
