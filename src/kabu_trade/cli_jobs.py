"""``kabu-trade worker | jobs``: run the job queue, and look at it."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Annotated

import typer
from rich.table import Table

from kabu_trade.cli import _context, _require_schema, app, out

jobs_app = typer.Typer(help="The job queue (syncs, metrics refreshes).", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")


@app.command()
def worker(
    once: Annotated[bool, typer.Option("--once", help="run the queued jobs, then stop")] = False,
    poll_seconds: Annotated[
        float | None, typer.Option(min=0.1, help="idle wait between polls (default KABU_JOB_POLL_SECONDS)")
    ] = None,
) -> None:
    """Run queued jobs one at a time (and queue the daily sync when KABU_SCHEDULER_ENABLED).

    SIGTERM or Ctrl-C stop it after the job in progress."""
    from kabu_trade.core.logging import configure_logging
    from kabu_trade.jobs.service import ensure_first_load
    from kabu_trade.jobs.worker import Worker

    with _context() as context:
        _require_schema(context)
        configure_logging(context.settings.log_level, context.settings.log_json)
        runner = Worker.from_settings(context, poll_seconds=poll_seconds)
        if once:
            ran = 0
            while runner.run_once():
                ran += 1
            out.print(f"{ran} job(s) run.")
            return
        ensure_first_load(context)

        def stop(signum: int, _frame: FrameType | None) -> None:
            out.print(f"{signal.Signals(signum).name}: stopping after the job in progress…")
            runner.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        runner.run()


@jobs_app.command("list")
def jobs_list(
    limit: Annotated[int, typer.Option(min=1, max=200)] = 20,
    active: Annotated[bool, typer.Option("--active", help="only queued and running jobs")] = False,
) -> None:
    """Recent jobs, newest first."""
    from kabu_trade.core.db import session_scope
    from kabu_trade.jobs import repository

    with _context() as context:
        _require_schema(context)
        with session_scope(context.sessions) as session:
            jobs = repository.recent(session, limit, active_only=active)
        table = Table("id", "kind", "status", "progress", "created", "worker", "error")
        for job in jobs:
            progress = f"{job.progress_done}/{job.progress_total} {job.progress_label}".strip()
            created = f"{job.created_at:%Y-%m-%d %H:%M:%S}"
            worker_name, error = job.worker or "-", job.error or ""
            table.add_row(str(job.id), job.kind, job.status, progress, created, worker_name, error)
        out.print(table)


@jobs_app.command("queue")
def jobs_queue(kind: Annotated[str, typer.Argument(help="sync | refresh")]) -> None:
    """Queue a job for the worker (the API's POST /jobs from the shell)."""
    from kabu_trade.core.db import session_scope
    from kabu_trade.jobs.service import enqueue

    with _context() as context:
        _require_schema(context)
        with session_scope(context.sessions) as session:
            job = enqueue(session, kind, {}, None)
            job_id = job.id
        out.print(f"Queued {kind} job #{job_id}.")
