"""Sync runs (the market-data side of a sync job): their history, and breaking a dead lease.
Starting a sync is a job: ``jobs/router.py``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import structlog
from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, ConfigDict

from kabu_trade.auth.deps import AdminUser, current_user
from kabu_trade.core.deps import ContextDep
from kabu_trade.core.errors import NotFound
from kabu_trade.core.unit_of_work import UnitOfWorkRoute
from kabu_trade.market.sync import recent_runs
from kabu_trade.market.sync_runs import force_unlock

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/sync", tags=["sync"], route_class=UnitOfWorkRoute)


class SyncRunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    source: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    from_date: Any
    to_date: Any
    steps_total: int
    steps_done: int
    stocks_written: int
    bars_written: int
    fundamentals_written: int
    error: str | None
    # "running" in the database, but its process stopped: reported failed, with why.
    stale: bool = False


@router.get(
    "/runs",
    response_model=list[SyncRunRead],
    dependencies=[Depends(current_user)],
    summary="Recent sync runs, newest first, with progress",
)
def list_runs(context: ContextDep, limit: int = Query(20, ge=1, le=200)) -> Any:
    return recent_runs(context, limit)


@router.delete(
    "/lock",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Break the sync lease whoever holds it and fail its running run (administrators)",
    responses={404: {"description": "No sync lease was held and no run was marked running"}},
)
def unlock_sync(context: ContextDep, admin: AdminUser) -> Response:
    unlocked = force_unlock(context.sessions)
    if not unlocked.anything:
        raise NotFound(unlocked.describe())
    log.warning("sync_force_unlocked", by=admin.username, detail=unlocked.describe())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
