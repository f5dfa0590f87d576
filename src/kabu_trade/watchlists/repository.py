from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kabu_trade.evaluations.models import Evaluation
from kabu_trade.watchlists.models import Watchlist, WatchlistItem


def list_owned(session: Session, owner_id: int) -> list[tuple[Watchlist, int]]:
    size = (
        select(WatchlistItem.watchlist_id, func.count().label("n"))
        .group_by(WatchlistItem.watchlist_id)
        .subquery()
    )
    rows = session.execute(
        select(Watchlist, func.coalesce(size.c.n, 0))
        .outerjoin(size, size.c.watchlist_id == Watchlist.id)
        .where(Watchlist.owner_id == owner_id)
        .order_by(Watchlist.name)
    ).all()
    return [(w, int(n)) for w, n in rows]


def get_owned(session: Session, owner_id: int, watchlist_id: int) -> Watchlist | None:
    return session.scalar(
        select(Watchlist).where(Watchlist.id == watchlist_id, Watchlist.owner_id == owner_id)
    )


def get_by_name(session: Session, owner_id: int, name: str) -> Watchlist | None:
    return session.scalar(select(Watchlist).where(Watchlist.owner_id == owner_id, Watchlist.name == name))


def items(session: Session, watchlist_id: int) -> list[WatchlistItem]:
    return list(
        session.scalars(
            select(WatchlistItem)
            .where(WatchlistItem.watchlist_id == watchlist_id)
            .order_by(WatchlistItem.added_at)
        ).all()
    )


def remove_item(session: Session, watchlist_id: int, code: str) -> int:
    result = session.execute(
        delete(WatchlistItem).where(WatchlistItem.watchlist_id == watchlist_id, WatchlistItem.code == code)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def all_watchlists(session: Session) -> list[Watchlist]:
    return list(session.scalars(select(Watchlist).order_by(Watchlist.owner_id, Watchlist.id)).all())


def latest_two_evaluations(
    session: Session, owner_id: int, codes: list[str], policy_id: int | None
) -> dict[str, list[Evaluation]]:
    """The two newest evaluations per code, ranked in the database (ROW_NUMBER works on both)."""
    if not codes:
        return {}
    same_policy = Evaluation.policy_id.is_(None) if policy_id is None else Evaluation.policy_id == policy_id
    order = (Evaluation.created_at.desc(), Evaluation.id.desc())
    ranked = (
        select(
            Evaluation.id,
            func.row_number().over(partition_by=Evaluation.stock_code, order_by=order).label("rn"),
        )
        .where(Evaluation.owner_id == owner_id, Evaluation.stock_code.in_(codes), same_policy)
        .subquery()
    )
    rows = session.scalars(
        select(Evaluation).join(ranked, ranked.c.id == Evaluation.id).where(ranked.c.rn <= 2).order_by(*order)
    )
    latest: dict[str, list[Evaluation]] = {}
    for row in rows:
        latest.setdefault(row.stock_code, []).append(row)
    return latest
