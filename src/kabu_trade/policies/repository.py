"""Every query on policies and their versions."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kabu_trade.policies.models import Policy, PolicyVersion


def add(session: Session, row: Policy | PolicyVersion) -> None:
    session.add(row)
    session.flush()  # assigns the id, and surfaces a version clash here rather than at commit


def get_policy(
    session: Session,
    owner_id: int,
    policy_id: int,
    *,
    include_deleted: bool = False,
    for_update: bool = False,
) -> Policy | None:
    query = select(Policy).where(Policy.id == policy_id, Policy.owner_id == owner_id)
    if not include_deleted:
        query = query.where(Policy.deleted_at.is_(None))
    if for_update:
        # Two concurrent edits would both write version n+1; the row lock serialises them
        # (PostgreSQL; SQLite has a single writer anyway and ignores it).
        query = query.with_for_update()
    return session.scalar(query)


def list_policies(
    session: Session, owner_id: int, *, style: str | None, limit: int, offset: int
) -> tuple[list[Policy], int]:
    where = [Policy.owner_id == owner_id, Policy.deleted_at.is_(None)]
    if style is not None:
        where.append(Policy.style == style)
    total = session.scalar(select(func.count()).select_from(Policy).where(*where)) or 0
    newest_first = (Policy.updated_at.desc(), Policy.id.desc())
    rows = session.scalars(select(Policy).where(*where).order_by(*newest_first).limit(limit).offset(offset))
    return list(rows), int(total)


def list_versions(session: Session, policy_id: int) -> list[PolicyVersion]:
    query = select(PolicyVersion).where(PolicyVersion.policy_id == policy_id)
    return list(session.scalars(query.order_by(PolicyVersion.version.desc())))


def get_version(session: Session, policy_id: int, version: int) -> PolicyVersion | None:
    return session.scalar(
        select(PolicyVersion).where(PolicyVersion.policy_id == policy_id, PolicyVersion.version == version)
    )
