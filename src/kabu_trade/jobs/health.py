"""GET /health: readiness, data freshness and the jobs in progress; GET /health/live: liveness.
Neither needs a sign-in."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from kabu_trade import __version__
from kabu_trade.core import migrate
from kabu_trade.core.db import utcnow
from kabu_trade.core.deps import ContextDep
from kabu_trade.core.unit_of_work import UnitOfWorkRoute
from kabu_trade.jobs import repository as jobs
from kabu_trade.jobs.models import Job
from kabu_trade.market import repository
from kabu_trade.market.models import SyncRun
from kabu_trade.market.sync_runs import lease_status, read_sync_lease, stale_fields

router = APIRouter(tags=["health"], route_class=UnitOfWorkRoute)
# Liveness answers from the event loop: no thread-pool hop (a saturated pool must not make a busy
# process look dead to its load balancer), no database, no cache, no sign-in.
live_router = APIRouter(tags=["health"])


class Liveness(BaseModel):
    status: Literal["alive"] = "alive"


@live_router.get(
    "/health/live",
    summary="Liveness: the process answers (touches no database or cache)",
    response_model=Liveness,
)
async def live() -> Liveness:
    return Liveness()


@router.get("/health", summary="Liveness and readiness: database, cache and data freshness")
def health(context: ContextDep) -> JSONResponse:
    body: dict[str, Any] = {"status": "ok", "version": __version__}
    database: dict[str, Any] = {"backend": context.engine.dialect.name}
    try:
        with context.sessions() as session:
            session.execute(text("SELECT 1"))
            database["ok"] = True
            database["revision"] = migrate.current_revision(context.engine)
            database["up_to_date"] = database["revision"] == migrate.head_revision()
            sources = repository.data_sources(session)
            last_run = session.scalar(select(SyncRun).order_by(SyncRun.id.desc()).limit(1))
            # The sync lease: who holds it, until when; a run whose process died is not "running".
            lease, now = read_sync_lease(session), utcnow()
            last_stale = stale_fields(last_run, lease, now) if last_run is not None else {}
            body["jobs"] = {
                # What the workers have to do, and the work in progress (a first demo load, say):
                # the web app shows it before anyone has signed in.
                "queue": jobs.counts(session),
                "active": [_job_summary(job) for job in jobs.recent(session, 5, active_only=True)],
                "sync": {
                    "lease": lease_status(lease, now),
                    "running": lease is not None and not lease.expired(now),
                    "stale_run": last_run.id if last_stale.get("stale") and last_run else None,
                },
            }
            body["data"] = {
                "sources": sources,
                "demo": "demo" in sources,
                "latest_bar_date": repository.latest_bar_date(session),
                "last_sync": None
                if last_run is None
                else {
                    "id": last_run.id,
                    "status": last_run.status,
                    "source": last_run.source,
                    "started_at": last_run.started_at,
                    "finished_at": last_run.finished_at,
                    "steps_done": last_run.steps_done,
                    "steps_total": last_run.steps_total,
                    "error": last_run.error,
                    **last_stale,
                },
            }
    except SQLAlchemyError as exc:
        database.update(ok=False, error=type(exc).__name__)
    # Never hangs: Redis has short timeouts and, once its breaker is open, is not asked at all.
    # A cache that is down degrades the service (reads fall back to the database), it is no error.
    body["database"] = database
    body["cache"] = context.cache.status()
    cache_ok = bool(body["cache"]["ok"])
    if not database.get("ok"):
        body["status"] = "error"
    elif not cache_ok or not database.get("up_to_date"):
        body["status"] = "degraded"
    return JSONResponse(jsonable_encoder(body), status_code=503 if body["status"] == "error" else 200)


def _job_summary(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "first_load": bool((job.params or {}).get("first_load")),
        "progress_done": job.progress_done,
        "progress_total": job.progress_total,
        "progress_label": job.progress_label,
        "created_at": job.created_at,
    }
