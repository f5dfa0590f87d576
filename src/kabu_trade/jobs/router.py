"""Jobs through the API: everyone signed in sees them (progress of the data everyone shares);
administrators queue them. The API never runs a job: a worker claims it from the table."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status

from kabu_trade.auth.deps import AdminUser, current_user
from kabu_trade.core.deps import SessionDep
from kabu_trade.core.params import IdPath
from kabu_trade.core.unit_of_work import UnitOfWorkRoute
from kabu_trade.jobs import repository, service
from kabu_trade.jobs.kinds import SYNC
from kabu_trade.jobs.schemas import JobCreate, JobKind, JobRead

router = APIRouter(prefix="/jobs", tags=["jobs"], route_class=UnitOfWorkRoute)
# POST /sync predates the job table: it queues a sync job, as POST /jobs {"kind": "sync"} does.
sync_start_router = APIRouter(prefix="/sync", tags=["sync"], route_class=UnitOfWorkRoute)

_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "A job of this kind is already queued or running"}
}


@router.get(
    "",
    response_model=list[JobRead],
    dependencies=[Depends(current_user)],
    summary="Recent jobs, newest first, with progress",
)
def list_jobs(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    active: Annotated[bool, Query(description="only queued and running jobs")] = False,
    kind: JobKind | None = None,
) -> Any:
    return repository.recent(session, limit, active_only=active, kind=kind)


@router.get(
    "/{job_id}",
    response_model=JobRead,
    dependencies=[Depends(current_user)],
    summary="One job: status, progress, result or error",
)
def get_job(session: SessionDep, job_id: IdPath) -> Any:
    return service.get_job(session, job_id)


@router.post(
    "",
    response_model=JobRead,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Queue a job (administrators): a sync, or a refresh of the metrics",
    responses=_CONFLICT,
)
def create_job(session: SessionDep, admin: AdminUser, body: JobCreate) -> Any:
    params: dict[str, Any] = {}
    if body.kind == SYNC:
        params = {"source": body.source, "replace": body.replace}
    return service.enqueue(session, body.kind, params, admin.id)


@sync_start_router.post(
    "",
    response_model=JobRead,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Queue a sync now (administrators); follow it with GET /jobs/{id}",
    responses=_CONFLICT,
)
def start_sync(session: SessionDep, admin: AdminUser) -> Any:
    return service.enqueue(session, SYNC, {}, admin.id)
