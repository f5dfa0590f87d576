"""``/backtests``: a user's policy backtests, run as jobs by the worker (never inside a request).

Here, not in ``backtests``, because queuing jobs is this layer's (the backtests domain sits below
the jobs and knows nothing of them; ``jobs.kinds`` runs its ``run_stored``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status
from sqlalchemy.orm import Session

from kabu_trade.auth.deps import CurrentUser
from kabu_trade.backtests import service
from kabu_trade.backtests.models import Backtest
from kabu_trade.backtests.schemas import BacktestCreate, BacktestList, BacktestRead
from kabu_trade.core.deps import SessionDep
from kabu_trade.core.params import IdPath
from kabu_trade.core.unit_of_work import UnitOfWorkRoute
from kabu_trade.jobs import service as jobs
from kabu_trade.jobs.models import BACKTEST, FAILED, SUCCEEDED, Job

router = APIRouter(prefix="/backtests", tags=["backtests"], route_class=UnitOfWorkRoute)


def _job(session: Session, backtest: Backtest) -> Job | None:
    return session.get(Job, backtest.job_id) if backtest.job_id is not None else None


def _view(session: Session, backtest: Backtest, *, with_result: bool) -> dict[str, Any]:
    job = _job(session, backtest)
    if backtest.result is not None:
        state = SUCCEEDED
    elif job is None or job.status == SUCCEEDED:  # a job that ended without a stored result failed
        state = FAILED
    else:
        state = job.status
    result = backtest.result
    return {
        "id": backtest.id,
        "policy_id": backtest.policy_id,
        "policy_version": backtest.policy_version,
        "status": state,
        "params": backtest.params,
        "created_at": backtest.created_at,
        "finished_at": backtest.finished_at,
        "job": job,
        "summary": result.get("summary") if result else None,
        "result": result if with_result else None,
    }


@router.post(
    "",
    response_model=BacktestRead,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Backtest a policy: queued as a job; an identical earlier request answers with its run",
    responses={
        404: {"description": "No such policy or version"},
        422: {"description": "Bad period or costs"},
    },
)
def create_backtest(body: BacktestCreate, user: CurrentUser, session: SessionDep) -> Any:
    backtest, created = service.prepare(session, user.id, body.params(), body.lang)
    job = _job(session, backtest)
    if created or (backtest.result is None and (job is None or job.status in (FAILED, SUCCEEDED))):
        job = jobs.enqueue(session, BACKTEST, {"backtest_id": backtest.id}, user.id)
        backtest.job_id = job.id
        backtest.finished_at = None
        session.flush()
    return _view(session, backtest, with_result=False)


@router.get("", response_model=BacktestList, summary="Your backtests, newest first")
def list_backtests(user: CurrentUser, session: SessionDep) -> Any:
    items = [_view(session, b, with_result=False) for b in service.list_owned(session, user.id)]
    return {"items": items, "total": len(items)}


@router.get(
    "/{backtest_id:int}",
    response_model=BacktestRead,
    summary="One backtest: its progress, then its result",
    responses={404: {"description": "No such backtest of yours"}},
)
def get_backtest(backtest_id: IdPath, user: CurrentUser, session: SessionDep) -> Any:
    return _view(session, service.get_owned(session, user.id, backtest_id), with_result=True)


@router.delete(
    "/{backtest_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={404: {"description": "No such backtest of yours"}},
)
def delete_backtest(backtest_id: IdPath, user: CurrentUser, session: SessionDep) -> Response:
    service.delete_owned(session, user.id, backtest_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
