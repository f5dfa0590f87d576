"""The worker: claims queued jobs one at a time and runs them; queues the daily sync when due.

Server modes run it as its own process (``kabu-trade worker``: the compose service, the ECS
scheduled task), so an API replica holds the request path only. The embedded mode runs it as a
thread of the API process (``KABU_JOBS_IN_PROCESS``), so one command still does everything.

Every poll it also recovers the jobs (and sync runs) whose worker died: a running job whose
heartbeat is older than the job lease. A sync is queued again to resume (it keeps the chunks it
committed, and the next run starts after them), once the dead sync's own lease has run out, up to
``MAX_ATTEMPTS`` runs; any other job, or a sync out of attempts, is recorded as failed with why.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import structlog
from sqlalchemy.exc import SQLAlchemyError

from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope, utcnow
from kabu_trade.core.errors import AppError, Conflict
from kabu_trade.core.locks import new_holder_id
from kabu_trade.jobs import repository, service
from kabu_trade.jobs.kinds import SYNC
from kabu_trade.jobs.models import Job
from kabu_trade.jobs.schedule import DailySchedule
from kabu_trade.market.sync_runs import read_sync_lease, recover_dead_runs

log = structlog.get_logger(__name__)
# Dead jobs are looked for at most this often (a query over the running ones).
RECOVERY_EVERY_SECONDS = 30.0


class Worker:
    def __init__(
        self,
        context: AppContext,
        *,
        poll_seconds: float | None = None,
        schedule: DailySchedule | None = None,
        name: str | None = None,
    ) -> None:
        self.context = context
        self.poll_seconds = poll_seconds if poll_seconds is not None else context.settings.job_poll_seconds
        self.schedule = schedule
        self.name = name or f"worker:{new_holder_id()}"
        self.stopping = threading.Event()
        self._last_recovery = float("-inf")

    @classmethod
    def from_settings(cls, context: AppContext, **kwargs: object) -> Worker:
        settings = context.settings
        schedule = DailySchedule(settings.sync_after_close_minutes) if settings.scheduler_enabled else None
        return cls(context, schedule=schedule, **kwargs)  # type: ignore[arg-type]

    def run(self) -> None:
        """Poll and run jobs until ``stop()``; a job in progress is finished first."""
        log.info("worker_started", worker=self.name, schedule=self.schedule is not None)
        while not self.stopping.is_set():
            try:
                ran = self.run_once()
            except SQLAlchemyError as exc:  # the database is away: wait, then try again
                log.warning("worker_poll_failed", error=type(exc).__name__)
                ran = False
            if not ran:
                self.stopping.wait(self.poll_seconds)
        log.info("worker_stopped", worker=self.name)

    def stop(self) -> None:
        self.stopping.set()

    def run_once(self) -> bool:
        """Recover dead jobs, queue the daily sync if due, run one queued job. True if one ran."""
        self._recover()
        if self.schedule is not None and self.schedule.due():
            try:
                with session_scope(self.context.sessions) as session:
                    service.enqueue(session, SYNC, {"scheduled": True}, None)
            except Conflict as exc:
                log.info("scheduled_sync_skipped", reason=exc.detail)
        with session_scope(self.context.sessions) as session:
            job = repository.claim_next(session, self.name)
            claimed = (job.id, job.kind, dict(job.params or {}), job.requested_by) if job else None
        if claimed is None:
            return False
        job_id, kind, params, requested_by = claimed
        try:
            service.execute(self.context, job_id, kind, params, requested_by, worker=self.name)
        except AppError as exc:  # recorded on the job; the worker goes on with the next
            log.warning("job_failed", job_id=job_id, kind=kind, error=exc.detail)
        except Exception:
            log.exception("job_failed", job_id=job_id, kind=kind)
        return True

    def _recover(self) -> None:
        now = time.monotonic()
        if now - self._last_recovery < RECOVERY_EVERY_SECONDS:
            return
        self._last_recovery = now
        lease = timedelta(seconds=self.context.settings.job_lease_seconds)
        with session_scope(self.context.sessions) as session:
            sync_lease = read_sync_lease(session)
            # The dead sync's lease still held: a new run now would find "another sync running".
            sync_free = sync_lease is None or sync_lease.expired(utcnow())

            def decide(job: Job) -> str:
                if job.kind != SYNC:
                    return repository.FAIL
                return repository.REQUEUE if sync_free else repository.WAIT

            recovery = repository.recover_abandoned(session, lease, decide)
        if recovery.requeued:
            log.warning("jobs_abandoned_requeued", jobs=recovery.requeued)
        if recovery.failed:
            log.warning("jobs_abandoned_failed", jobs=recovery.failed)
        runs = recover_dead_runs(self.context.sessions)
        if runs:
            log.warning("sync_dead_runs_failed", runs=runs)


class WorkerThread:
    """The embedded mode's worker: a daemon thread of the API process."""

    def __init__(self, context: AppContext) -> None:
        self.worker = Worker.from_settings(context)
        self._thread = threading.Thread(target=self.worker.run, name="kabu-jobs", daemon=True)

    def start(self) -> WorkerThread:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Ask it to stop; a job still running is left to die with the process (its row is then
        failed by the next start's recovery, its sync chunks already committed are kept)."""
        self.worker.stop()
        self._thread.join(timeout)
