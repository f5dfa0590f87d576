"""Every query of the job table. Claiming is the one that matters: a queued job runs once.

On PostgreSQL the oldest queued row is taken with ``FOR UPDATE SKIP LOCKED``, so workers on
several hosts never wait for each other nor take the same row. SQLite has one writer at a time;
there the conditional ``UPDATE … WHERE status = 'queued'`` is the claim, and a rowcount of 0 means
another worker was first.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kabu_trade.core.db import utcnow
from kabu_trade.jobs.models import ACTIVE_STATUSES, FAILED, QUEUED, RUNNING, Job


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
        .values(status=RUNNING, worker=worker, started_at=now, heartbeat_at=now)
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
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == RUNNING)
        .values(progress_done=done, progress_total=total, progress_label=label[:200], heartbeat_at=utcnow())
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


def fail_abandoned(session: Session, older_than: timedelta, now: datetime | None = None) -> list[int]:
    """Record as failed every running job whose worker stopped beating (it died)."""
    now = now or utcnow()
    cutoff = now - older_than
    rows = session.scalars(
        select(Job).where(Job.status == RUNNING, func.coalesce(Job.heartbeat_at, Job.started_at) < cutoff)
    ).all()
    for job in rows:
        last = job.heartbeat_at or job.started_at
        job.status, job.finished_at = FAILED, now
        job.error = f"The worker {job.worker or '?'} stopped (last heartbeat {last:%Y-%m-%d %H:%M:%S} UTC)."
    session.flush()
    return [job.id for job in rows]


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
