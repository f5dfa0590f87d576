"""The data page's two routes that queue a sync (administrators only): switch the active source,
and import CSV files. Here, not in ``datasource``, because queuing jobs is this layer's: the data
source package sits below the jobs and knows nothing of them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, status
from sqlalchemy.orm import Session

from kabu_trade.auth.deps import AdminUser
from kabu_trade.core.deps import SessionDep, SettingsDep
from kabu_trade.core.errors import Conflict
from kabu_trade.core.unit_of_work import UnitOfWorkRoute
from kabu_trade.datasource import csv_preview, service
from kabu_trade.datasource.messages import MESSAGES
from kabu_trade.datasource.router import OptionalCsv, UploadedCsv, read_uploads
from kabu_trade.datasource.schemas import Activate
from kabu_trade.jobs import repository
from kabu_trade.jobs import service as jobs
from kabu_trade.jobs.kinds import SYNC
from kabu_trade.jobs.models import Job
from kabu_trade.jobs.schemas import JobRead

router = APIRouter(prefix="/data-source", tags=["data source"], route_class=UnitOfWorkRoute)
_QUEUED: dict[int | str, dict[str, Any]] = {
    409: {"description": "A sync is already queued or running"},
}


def _no_active_sync(session: Session) -> None:
    active = repository.active_job(session, SYNC)
    if active is not None:
        raise Conflict(f"A sync job is already queued or running (#{active.id}, {active.status}).")


@router.post(
    "/activate",
    response_model=JobRead,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Switch the active source and queue a sync (replacing demo by real data, or the reverse)",
    responses={
        **_QUEUED,
        422: {"description": "confirm is not true, J-Quants has no key, or yfinance has no codes"},
    },
)
def activate(session: SessionDep, settings: SettingsDep, admin: AdminUser, body: Activate) -> Job:
    _no_active_sync(session)
    replace = service.prepare_activation(session, settings, body.source, body.confirm, admin.id)
    params = {"source": body.source, "replace": replace, "activated": True}
    return jobs.enqueue(session, SYNC, params, admin.id)


@router.post(
    "/csv/import",
    response_model=JobRead,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Import CSV files: all or nothing; a sync job (source csv) loads them",
    responses={
        **_QUEUED,
        422: {"description": "problems in the files, every one listed in `errors`; nothing was written"},
    },
)
def import_csv(
    session: SessionDep,
    settings: SettingsDep,
    admin: AdminUser,
    bars: UploadedCsv,
    fundamentals: OptionalCsv = None,  # type: ignore[assignment]  # left out: None
    stocks: OptionalCsv = None,  # type: ignore[assignment]
    replace: bool = Form(default=False, description="delete demo data before loading these files"),
) -> Job:
    _no_active_sync(session)
    uploads: list[csv_preview.Upload] = read_uploads(bars, fundamentals, stocks)
    if service.stored_kind(session)[0] == "demo" and not replace:
        raise Conflict(MESSAGES["csv_demo_held"])
    files = csv_preview.keep_uploads(settings.data_dir, uploads)
    try:
        service.record_csv_import(session, files, admin.id)
        return jobs.enqueue(session, SYNC, {"source": "csv", "replace": replace, **files}, admin.id)
    except BaseException:
        csv_preview.discard(files)
        raise
