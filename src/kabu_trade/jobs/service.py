"""Jobs: enqueue (the API), execute with heartbeat and progress (the worker, or the CLI in the
foreground), and the first demo load of an empty embedded install.

Each write to the job table is its own short transaction: the job's own work (a sync writing a
chunk) never waits on a progress update, and a crash leaves the row with the last progress seen.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import structlog
from sqlalchemy.orm import Session

from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.core.errors import AppError, Conflict, NotFound
from kabu_trade.core.locks import new_holder_id
from kabu_trade.datasource import repository as datasource_repository
from kabu_trade.datasource import service as datasource
from kabu_trade.jobs import repository
from kabu_trade.jobs.kinds import HANDLERS, SYNC, JobFailed, Result
from kabu_trade.jobs.models import FAILED, RUNNING, SUCCEEDED, Job
from kabu_trade.market import repository as market

log = structlog.get_logger(__name__)
# Progress is written at most this often (and always at the end of a step): a sync of thousands
# of small chunks must not spend its time updating the job row.
PROGRESS_EVERY_SECONDS = 1.0


def enqueue(session: Session, kind: str, params: dict[str, Any], requested_by: int | None) -> Job:
    """Queue a job (the caller's transaction commits it); a Conflict naming the active one when
    a job of this kind is already queued or running."""
    if kind not in HANDLERS:
        raise NotFound(f"No job kind {kind!r}; kinds: {', '.join(sorted(HANDLERS))}.", field="kind")
    job = repository.insert(session, kind, params, requested_by)
    if job is None:
        active = repository.active_job(session, kind)
        where = f" (#{active.id}, {active.status})" if active else ""
        raise Conflict(f"A {kind} job is already queued or running{where}.")
    log.info("job_queued", job_id=job.id, kind=kind, requested_by=requested_by)
    return job


def get_job(session: Session, job_id: int) -> Job:
    job = repository.get(session, job_id)
    if job is None:
        raise NotFound(f"No job {job_id}.", field="job_id")
    return job


def run_in_foreground(
    context: AppContext,
    kind: str,
    params: dict[str, Any],
    *,
    requested_by: int | None = None,
    progress: Any = None,
) -> Result:
    """Run a job in this process now (the CLI), recorded in the job table like any other."""
    worker = f"cli:{new_holder_id()}"
    with session_scope(context.sessions) as session:
        job = repository.insert(session, kind, params, requested_by, status=RUNNING, worker=worker)
        if job is None:
            active = repository.active_job(session, kind)
            runner = (active.worker or "waiting for a worker") if active else ""
            where = f" (#{active.id}, {active.status}, {runner})" if active else ""
            raise Conflict(f"A {kind} job is already queued or running{where}.")
    return execute(context, job.id, kind, params, requested_by, worker=worker, echo=progress)


def execute(
    context: AppContext,
    job_id: int,
    kind: str,
    params: dict[str, Any],
    requested_by: int | None,
    *,
    worker: str,
    echo: Any = None,
) -> Result:
    """Run a claimed job to its end: heartbeat while it works, progress as it goes, then the
    outcome. Raises the job's failure (an AppError) after recording it."""
    handler = HANDLERS.get(kind)
    beat = _JobHeartbeat(context, job_id, worker).start()
    progress = _ProgressWriter(context, job_id, echo)
    log.info("job_started", job_id=job_id, kind=kind, worker=worker)
    try:
        if handler is None:
            raise NotFound(f"No job kind {kind!r}.")
        result = handler(context, params, progress, requested_by)
    except JobFailed as exc:
        _finish(context, job_id, FAILED, exc.result, exc.detail)
        raise exc.failure from None
    except AppError as exc:
        _finish(context, job_id, FAILED, None, exc.detail)
        raise
    except Exception as exc:  # an outside library failed in a way we did not foresee
        log.exception("job_crashed", job_id=job_id, kind=kind)
        _finish(context, job_id, FAILED, None, f"{type(exc).__name__}: {exc}")
        raise
    except BaseException:  # Ctrl-C or shutdown: say so, and stop
        _finish(context, job_id, FAILED, None, "interrupted")
        raise
    finally:
        beat.stop()
    progress.flush()
    _finish(context, job_id, SUCCEEDED, result, None)
    log.info("job_succeeded", job_id=job_id, kind=kind)
    return result


def _finish(context: AppContext, job_id: int, status: str, result: Result | None, error: str | None) -> None:
    with session_scope(context.sessions) as session:
        repository.finish(session, job_id, status, _json_safe(result), error)


def _json_safe(result: Result | None) -> Result | None:
    """Dates become ISO strings: the result is a JSON document."""
    if result is None:
        return None
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in result.items()}


def ensure_first_load(context: AppContext) -> Job | None:
    """An empty install on the demo source queues the demo load (once: the queue dedupes), so the
    API can listen at once while a worker fills the database in the background."""
    with session_scope(context.sessions) as session:
        # The data page's choice, else KABU_DATA_SOURCE: an install switched to real data is not
        # given the demo again.
        if datasource.active_source(datasource_repository.get(session), context.settings) != "demo":
            return None
        if market.latest_bar_date(session) is not None or repository.active_job(session, SYNC):
            return None
    try:
        with session_scope(context.sessions) as session:
            job = enqueue(session, SYNC, {"source": "demo", "first_load": True}, None)
    except Conflict:  # another process queued it a moment ago
        return None
    log.info("first_load_queued", job_id=job.id, symbols=context.settings.demo_symbols)
    return job


class _ProgressWriter:
    """The (done, total, label) callback a job reports through; written to its row, throttled."""

    def __init__(self, context: AppContext, job_id: int, echo: Any = None) -> None:
        self.context, self.job_id, self.echo = context, job_id, echo
        self._last_write = 0.0
        self._pending: tuple[int, int, str] | None = None

    def __call__(self, done: int, total: int, label: str) -> None:
        if self.echo is not None:
            self.echo(done, total, label)
        self._pending = (done, total, label)
        now = time.monotonic()
        if now - self._last_write >= PROGRESS_EVERY_SECONDS or done >= total:
            self.flush()

    def flush(self) -> None:
        if self._pending is None:
            return
        done, total, label = self._pending
        self._pending, self._last_write = None, time.monotonic()
        try:
            with session_scope(self.context.sessions) as session:
                repository.save_progress(session, self.job_id, done, total, label)
        except Exception:  # progress is a courtesy: a failed update never fails the job
            log.warning("job_progress_not_saved", job_id=self.job_id, exc_info=True)


class _JobHeartbeat:
    """Renews the running job's heartbeat on a daemon thread, so a worker that dies is noticed."""

    def __init__(self, context: AppContext, job_id: int, worker: str) -> None:
        self.context, self.job_id, self.worker = context, job_id, worker
        self.every = context.settings.job_lease_seconds / 3
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"job-{job_id}-heartbeat", daemon=True)

    def start(self) -> _JobHeartbeat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                with session_scope(self.context.sessions) as session:
                    if not repository.beat(session, self.job_id, self.worker):
                        log.warning("job_heartbeat_lost", job_id=self.job_id, worker=self.worker)
            except Exception:  # the database is away: the next beat tries again
                log.warning("job_heartbeat_failed", job_id=self.job_id, exc_info=True)
