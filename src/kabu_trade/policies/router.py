from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response, status

from kabu_trade.analysis.catalog import CROSS_LOOKBACK_DAYS, CROSS_PAIRS, METRICS, SCORE_PARTS
from kabu_trade.auth.deps import CurrentUser
from kabu_trade.auth.models import User
from kabu_trade.core.deps import SessionDep
from kabu_trade.core.params import IdPath, Offset, VersionPath
from kabu_trade.core.unit_of_work import UnitOfWorkRoute
from kabu_trade.policies import service
from kabu_trade.policies.presets import list_presets
from kabu_trade.policies.rule_language import MAX_RULES, OPS, RULE_TYPES
from kabu_trade.policies.schemas import (
    HORIZONS,
    STYLES,
    CrossPair,
    Language,
    MetricInfo,
    PolicyCreate,
    PolicyList,
    PolicyRead,
    PolicyUpdate,
    PolicyVersionList,
    PolicyVersionRead,
    PresetApply,
    PresetRead,
    RuleVocabulary,
    Style,
)

router = APIRouter(prefix="/policies", tags=["policies"], route_class=UnitOfWorkRoute)
_VOCABULARY = RuleVocabulary(
    rule_types=list(RULE_TYPES),
    ops=list(OPS),
    metrics=[MetricInfo(**asdict(metric)) for metric in METRICS.values()],
    cross_pairs=[CrossPair(fast=fast, slow=slow) for fast, slow in CROSS_PAIRS],
    cross_lookback_days=CROSS_LOOKBACK_DAYS,
    max_rules=MAX_RULES,
    score_parts=list(SCORE_PARTS),
    styles=list(STYLES),
    horizons=list(HORIZONS),
)


def _language(user: User, override: Language | None = None) -> Language:
    if override is not None:
        return override
    return "en" if user.language == "en" else "ja"


# Fixed paths come before /{policy_id}, which would otherwise claim them.
@router.get("/presets", response_model=list[PresetRead], summary="One ready-made policy per style")
def get_presets(
    user: CurrentUser,
    lang: Annotated[Language | None, Query(description="language of policy.name (default: yours)")] = None,
) -> list[PresetRead]:
    return list_presets(_language(user, lang))


@router.get(
    "/vocabulary",
    response_model=RuleVocabulary,
    summary="Metrics, operators, cross pairs and score parts the rule language accepts",
)
def get_vocabulary(_user: CurrentUser) -> RuleVocabulary:
    return _VOCABULARY


@router.post(
    "/from-preset/{style}",
    response_model=PolicyRead,
    status_code=status.HTTP_201_CREATED,
    summary="Create a policy from a style's preset (optionally renamed)",
)
def create_from_preset(
    style: Style,
    user: CurrentUser,
    session: SessionDep,
    body: Annotated[PresetApply | None, Body()] = None,
) -> Any:
    return service.create_from_preset(session, user.id, style, body, _language(user))


@router.get("", response_model=PolicyList, summary="Your policies, most recently changed first")
def list_policies(
    user: CurrentUser,
    session: SessionDep,
    style: Style | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> Any:
    items, total = service.list_policies(session, user.id, style=style, limit=limit, offset=offset)
    return {"items": items, "total": total}


@router.post("", response_model=PolicyRead, status_code=status.HTTP_201_CREATED)
def create_policy(body: PolicyCreate, user: CurrentUser, session: SessionDep) -> Any:
    return service.create_policy(session, user.id, body)


@router.get("/{policy_id:int}", response_model=PolicyRead)
def get_policy(policy_id: IdPath, user: CurrentUser, session: SessionDep) -> Any:
    return service.get_policy_for_user(session, user.id, policy_id)


@router.put(
    "/{policy_id:int}",
    response_model=PolicyRead,
    summary="Replace a policy; a change makes a new version",
)
def update_policy(policy_id: IdPath, body: PolicyUpdate, user: CurrentUser, session: SessionDep) -> Any:
    return service.update_policy(session, user.id, policy_id, body)


@router.delete(
    "/{policy_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete a policy (its versions are kept for the evaluations that used them)",
)
def delete_policy(policy_id: IdPath, user: CurrentUser, session: SessionDep) -> Response:
    service.delete_policy(session, user.id, policy_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{policy_id:int}/versions", response_model=PolicyVersionList, summary="Every version, newest first"
)
def list_versions(policy_id: IdPath, user: CurrentUser, session: SessionDep) -> Any:
    items = service.list_versions(session, user.id, policy_id)
    return {"items": items, "total": len(items)}


@router.get("/{policy_id:int}/versions/{version:int}", response_model=PolicyVersionRead)
def get_version(policy_id: IdPath, version: VersionPath, user: CurrentUser, session: SessionDep) -> Any:
    return service.get_policy_version(session, user.id, policy_id, version)
