"""Investment policies: a user's own, versioned, soft-deleted. No HTTP here; no commits.

Other domains call :func:`get_policy_for_user`, :func:`policy_snapshot` and :func:`parse_rules`
(evaluations store the snapshot; the screener and backtests parse the rules once and evaluate them
with :mod:`kabu_trade.policies.rules`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kabu_trade.core.db import utcnow
from kabu_trade.core.errors import Conflict, NotFound
from kabu_trade.policies import repository
from kabu_trade.policies.models import Policy, PolicyVersion
from kabu_trade.policies.presets import get_preset
from kabu_trade.policies.rule_language import parse_rules
from kabu_trade.policies.schemas import Language, PolicyCreate, PolicyUpdate, PresetApply, Style

__all__ = [
    "create_from_preset",
    "create_policy",
    "delete_policy",
    "get_policy_for_user",
    "get_policy_version",
    "list_policies",
    "list_versions",
    "parse_rules",
    "policy_snapshot",
    "update_policy",
]

# What a version captures: every field the investor wrote (not ids, owner or timestamps).
CONTENT_FIELDS = (
    "name",
    "description",
    "style",
    "horizon",
    "risk_tolerance",
    "target_return_pct",
    "stop_loss_pct",
    "trailing_stop_pct",
    "weights",
    "rules",
)


def _content(data: PolicyCreate) -> dict[str, Any]:
    # JSON mode gives rules with every field explicit, exactly as they are stored.
    return data.model_dump(mode="json", include=set(CONTENT_FIELDS))


def _content_of(policy: Policy) -> dict[str, Any]:
    return {field: getattr(policy, field) for field in CONTENT_FIELDS}


def policy_snapshot(policy: Policy) -> dict[str, Any]:
    """The policy as it is now, as plain JSON: enough to reproduce an evaluation made under it."""
    return {"policy_id": policy.id, "version": policy.version, **_content_of(policy)}


def _not_found(policy_id: int) -> NotFound:
    # Another user's policy is "not found" too, so ids reveal nothing about other accounts.
    return NotFound(f"Policy {policy_id} was not found.")


def get_policy_for_user(session: Session, user_id: int, policy_id: int) -> Policy:
    """The user's live policy; NotFound if it does not exist, is someone else's or was deleted."""
    policy = repository.get_policy(session, user_id, policy_id)
    if policy is None:
        raise _not_found(policy_id)
    return policy


def list_policies(
    session: Session, user_id: int, *, style: Style | None = None, limit: int = 100, offset: int = 0
) -> tuple[list[Policy], int]:
    """The user's live policies, most recently changed first, and how many there are in all."""
    return repository.list_policies(session, user_id, style=style, limit=limit, offset=offset)


def _add_version(session: Session, policy: Policy, now: datetime) -> None:
    repository.add(
        session,
        PolicyVersion(
            policy_id=policy.id,
            owner_id=policy.owner_id,
            version=policy.version,
            snapshot=policy_snapshot(policy),
            created_at=now,
        ),
    )


def create_policy(session: Session, user_id: int, data: PolicyCreate, now: datetime | None = None) -> Policy:
    """A new policy at version 1, with its first snapshot in ``policy_versions``."""
    now = now or utcnow()
    policy = Policy(owner_id=user_id, version=1, created_at=now, updated_at=now, **_content(data))
    repository.add(session, policy)
    _add_version(session, policy, now)
    return policy


def update_policy(
    session: Session, user_id: int, policy_id: int, data: PolicyUpdate, now: datetime | None = None
) -> Policy:
    """Replace the policy's content. A change makes version n+1 with its snapshot; the same content
    again changes nothing (no new version), so saving twice is harmless."""
    policy = repository.get_policy(session, user_id, policy_id, for_update=True)
    if policy is None:
        raise _not_found(policy_id)
    if data.expected_version is not None and data.expected_version != policy.version:
        raise Conflict(
            f"Policy {policy_id} is at version {policy.version}, not {data.expected_version}: "
            "it was changed elsewhere. Reload it and apply your edits again.",
            field="expected_version",
        )
    content = _content(data)
    if content == _content_of(policy):
        return policy
    now = now or utcnow()
    for field, value in content.items():
        setattr(policy, field, value)
    policy.version += 1
    policy.updated_at = now
    session.flush()
    _add_version(session, policy, now)
    return policy


def delete_policy(session: Session, user_id: int, policy_id: int, now: datetime | None = None) -> None:
    """Soft delete: hidden from now on; the versions stay, since evaluations name them."""
    policy = repository.get_policy(session, user_id, policy_id, for_update=True)
    if policy is None:
        raise _not_found(policy_id)
    policy.deleted_at = now or utcnow()
    session.flush()


def list_versions(session: Session, user_id: int, policy_id: int) -> list[PolicyVersion]:
    """Every version of the user's live policy, newest first."""
    policy = get_policy_for_user(session, user_id, policy_id)
    return repository.list_versions(session, policy.id)


def get_policy_version(
    session: Session, user_id: int, policy_id: int, version: int, *, include_deleted: bool = False
) -> PolicyVersion:
    """One version of the user's policy. ``include_deleted`` lets evaluation history show the
    version a past judgement used even after the policy was deleted."""
    policy = repository.get_policy(session, user_id, policy_id, include_deleted=include_deleted)
    if policy is None:
        raise _not_found(policy_id)
    row = repository.get_version(session, policy.id, version)
    if row is None:
        raise NotFound(f"Policy {policy_id} has no version {version} (it is at version {policy.version}).")
    return row


def create_from_preset(
    session: Session,
    user_id: int,
    style: Style,
    overrides: PresetApply | None = None,
    language: Language = "ja",
    now: datetime | None = None,
) -> Policy:
    """A new policy from the style's preset, named in the user's language unless overridden."""
    data = get_preset(style).create(language)
    if overrides is not None:
        changes = overrides.model_dump(exclude_unset=True)
        data = data.model_copy(update={key: value for key, value in changes.items() if value is not None})
    return create_policy(session, user_id, data, now)
