from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from kabu_trade.evaluations.models import Evaluation


def add(session: Session, evaluation: Evaluation) -> Evaluation:
    session.add(evaluation)
    session.flush()
    return evaluation


def get_owned(session: Session, owner_id: int, evaluation_id: int) -> Evaluation | None:
    return session.scalar(
        select(Evaluation).where(Evaluation.id == evaluation_id, Evaluation.owner_id == owner_id)
    )


def _filtered(
    owner_id: int,
    stock_code: str | None,
    policy_id: int | None,
    start: date | None,
    end: date | None,
) -> Select[Evaluation]:
    query = select(Evaluation).where(Evaluation.owner_id == owner_id)
    if stock_code:
        query = query.where(Evaluation.stock_code == stock_code.upper())
    if policy_id is not None:
        query = query.where(Evaluation.policy_id == policy_id)
    if start:
        query = query.where(Evaluation.as_of >= start)
    if end:
        query = query.where(Evaluation.as_of <= end)
    return query


def list_owned(
    session: Session,
    owner_id: int,
    *,
    stock_code: str | None = None,
    policy_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Evaluation], int]:
    query = _filtered(owner_id, stock_code, policy_id, start, end)
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = session.scalars(
        query.order_by(Evaluation.created_at.desc(), Evaluation.id.desc()).limit(limit).offset(offset)
    ).all()
    return list(rows), total


def timeline(
    session: Session, owner_id: int, stock_code: str, policy_id: int | None, limit: int
) -> list[Evaluation]:
    query = _filtered(owner_id, stock_code, policy_id, None, None)
    rows = session.scalars(
        query.order_by(Evaluation.created_at.desc(), Evaluation.id.desc()).limit(limit)
    ).all()
    return list(reversed(rows))


def find_same(
    session: Session,
    owner_id: int,
    stock_code: str,
    policy_id: int | None,
    policy_version: int | None,
    as_of: date,
) -> Evaluation | None:
    """An evaluation of the same stock, policy version and data date (batch runs skip those)."""
    query = select(Evaluation).where(
        Evaluation.owner_id == owner_id,
        Evaluation.stock_code == stock_code,
        Evaluation.as_of == as_of,
        Evaluation.policy_id.is_(None) if policy_id is None else Evaluation.policy_id == policy_id,
        Evaluation.policy_version.is_(None)
        if policy_version is None
        else Evaluation.policy_version == policy_version,
    )
    return session.scalar(query.limit(1))
