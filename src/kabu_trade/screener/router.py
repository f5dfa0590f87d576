from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Response

from kabu_trade.auth.deps import CurrentUser
from kabu_trade.core.deps import ContextDep, SessionDep
from kabu_trade.core.unit_of_work import UnitOfWorkRoute
from kabu_trade.evaluations.messages import negotiate_language
from kabu_trade.policies import service as policies
from kabu_trade.screener import service
from kabu_trade.screener.schemas import ScreenRequest, ScreenResult

router = APIRouter(prefix="/screener", tags=["screener"], route_class=UnitOfWorkRoute)
AcceptLanguage = Annotated[str | None, Header(alias="Accept-Language")]


def _run(
    body: ScreenRequest,
    user: CurrentUser,
    session: SessionDep,
    context: ContextDep,
    accept_language: str | None,
) -> dict[str, Any]:
    policy = policies.get_policy_for_user(session, user.id, body.policy_id)
    lang = negotiate_language(accept_language, default=user.language)
    return service.screen(
        session, context, policy, limit=body.limit, sector=body.sector, market=body.market, lang=lang
    )


@router.post("", response_model=ScreenResult, summary="Rank the universe under one of your policies")
def screen(
    body: ScreenRequest,
    user: CurrentUser,
    session: SessionDep,
    context: ContextDep,
    accept_language: AcceptLanguage = None,
) -> Any:
    return _run(body, user, session, context, accept_language)


@router.post(
    "/export.csv",
    response_class=Response,
    summary="The same ranking as a CSV file (UTF-8 with BOM)",
    responses={200: {"content": {"text/csv": {}}}},
)
def export_csv(
    body: ScreenRequest,
    user: CurrentUser,
    session: SessionDep,
    context: ContextDep,
    accept_language: AcceptLanguage = None,
) -> Response:
    result = _run(body, user, session, context, accept_language)
    filename = f"screen-policy{body.policy_id}-{result['as_of'] or 'na'}.csv"
    return Response(
        service.to_csv(result),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
