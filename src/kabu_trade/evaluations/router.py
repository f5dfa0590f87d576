from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, status

from kabu_trade.auth.deps import CurrentUser
from kabu_trade.core.deps import CacheDep, SessionDep, SettingsDep
from kabu_trade.core.params import MAX_VERSION, IdPath, IdQuery, IsoDate, Offset
from kabu_trade.core.unit_of_work import UnitOfWorkRoute
from kabu_trade.evaluations import grading_reads, service
from kabu_trade.evaluations.messages import negotiate_language
from kabu_trade.evaluations.schemas import (
    EvaluationCreate,
    EvaluationList,
    EvaluationRead,
    GradeHorizon,
    GradingReport,
    Timeline,
)

router = APIRouter(prefix="/evaluations", tags=["evaluations"], route_class=UnitOfWorkRoute)
AcceptLanguage = Annotated[str | None, Header(alias="Accept-Language")]
CODE_PATTERN = r"^[0-9A-Za-z]{4,5}$"


@router.post(
    "",
    response_model=EvaluationRead,
    status_code=status.HTTP_201_CREATED,
    summary="Evaluate a stock, optionally under one of your policies, and keep the result",
)
def create_evaluation(
    body: EvaluationCreate, user: CurrentUser, session: SessionDep, accept_language: AcceptLanguage = None
) -> Any:
    evaluation = service.evaluate_stock(session, user.id, body.stock_code, body.policy_id)
    lang = negotiate_language(accept_language, default=user.language)
    return service.detail(session, evaluation, lang, with_outcome=False)


@router.get("", response_model=EvaluationList, summary="Your evaluation history, newest first")
def list_evaluations(
    user: CurrentUser,
    session: SessionDep,
    stock_code: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    policy_id: IdQuery = None,
    from_: Annotated[IsoDate | None, Query(alias="from", description="as_of on or after")] = None,
    to: Annotated[IsoDate | None, Query(description="as_of on or before")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> Any:
    rows, total = service.list_evaluations(
        session,
        user.id,
        stock_code=stock_code,
        policy_id=policy_id,
        start=from_,
        end=to,
        limit=limit,
        offset=offset,
    )
    return {"items": service.summaries(session, rows), "total": total, "limit": limit, "offset": offset}


@router.get("/timeline", response_model=Timeline, summary="A stock's scores over time (oldest first)")
def get_timeline(
    user: CurrentUser,
    session: SessionDep,
    stock_code: Annotated[str, Query(pattern=CODE_PATTERN)],
    policy_id: IdQuery = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 250,
) -> Any:
    rows = service.timeline(session, user.id, stock_code, policy_id, limit)
    return {
        "stock_code": stock_code.upper(),
        "policy_id": policy_id,
        "points": [
            {
                "id": r.id,
                "as_of": r.as_of,
                "created_at": r.created_at,
                "policy_id": r.policy_id,
                "policy_version": r.policy_version,
                "buy_score": r.buy_score,
                "sell_score": r.sell_score,
                "match_score": r.match_score,
                "recommendation": r.recommendation,
            }
            for r in rows
        ],
    }


@router.get(
    "/{evaluation_id:int}",
    response_model=EvaluationRead,
    summary="One evaluation with its reasons, levels and what the price did since",
)
def get_evaluation(
    evaluation_id: IdPath,
    user: CurrentUser,
    session: SessionDep,
    cache: CacheDep,
    settings: SettingsDep,
    accept_language: AcceptLanguage = None,
) -> Any:
    evaluation = service.get_evaluation(session, user.id, evaluation_id)
    body = service.detail(session, evaluation, negotiate_language(accept_language, default=user.language))
    body["grades"] = grading_reads.evaluation_grades(session, cache, settings.cache_ttl_seconds, evaluation)
    return body


@router.get(
    "/grading",
    response_model=GradingReport,
    summary="答え合わせ: how your past evaluations fared, per policy version and recommendation",
)
def get_grading(
    user: CurrentUser,
    session: SessionDep,
    cache: CacheDep,
    settings: SettingsDep,
    policy_id: IdQuery = None,
    version: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
    horizon: Annotated[GradeHorizon | None, Query(description="one horizon only (default: all)")] = None,
) -> Any:
    return grading_reads.grading_report(
        session,
        cache,
        settings.cache_ttl_seconds,
        user.id,
        policy_id=policy_id,
        version=version,
        horizon=horizon,
    )
