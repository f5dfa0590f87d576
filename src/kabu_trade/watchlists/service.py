"""Per-user watchlists, and the batch that evaluates every watchlist after a sync."""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy.orm import Session, sessionmaker

from kabu_trade.analysis import service as analysis
from kabu_trade.core.db import session_scope
from kabu_trade.core.errors import AppError, Conflict, NotFound
from kabu_trade.evaluations import repository as evaluations
from kabu_trade.evaluations.service import evaluate_stock
from kabu_trade.market import repository as market
from kabu_trade.market.sectors import sector_en
from kabu_trade.policies import service as policies
from kabu_trade.watchlists import repository
from kabu_trade.watchlists.models import Watchlist, WatchlistItem
from kabu_trade.watchlists.schemas import WatchlistCreate, WatchlistUpdate

log = structlog.get_logger(__name__)


def get_watchlist(session: Session, owner_id: int, watchlist_id: int) -> Watchlist:
    watchlist = repository.get_owned(session, owner_id, watchlist_id)
    if watchlist is None:
        raise NotFound(f"No watchlist {watchlist_id}.", field="id")
    return watchlist


def _check_name_free(session: Session, owner_id: int, name: str, keep: int | None = None) -> None:
    existing = repository.get_by_name(session, owner_id, name)
    if existing is not None and existing.id != keep:
        raise Conflict(f"You already have a watchlist named {name!r}.", field="name")


def _known_code(session: Session, code: str) -> str:
    stock = market.get_stock(session, code.strip())
    if stock is None:
        raise NotFound(f"No stock with code {code!r}.", field="code")
    return stock.code


def create_watchlist(session: Session, owner_id: int, body: WatchlistCreate) -> Watchlist:
    _check_name_free(session, owner_id, body.name)
    if body.policy_id is not None:
        policies.get_policy_for_user(session, owner_id, body.policy_id)
    codes = [_known_code(session, code) for code in dict.fromkeys(c.upper() for c in body.codes)]
    watchlist = Watchlist(owner_id=owner_id, name=body.name, policy_id=body.policy_id)
    session.add(watchlist)
    session.flush()
    session.add_all(WatchlistItem(watchlist_id=watchlist.id, code=code) for code in codes)
    session.flush()
    return watchlist


def update_watchlist(session: Session, owner_id: int, watchlist_id: int, body: WatchlistUpdate) -> Watchlist:
    watchlist = get_watchlist(session, owner_id, watchlist_id)
    if body.name is not None:
        _check_name_free(session, owner_id, body.name, keep=watchlist.id)
        watchlist.name = body.name
    if body.policy_id is not None:
        policies.get_policy_for_user(session, owner_id, body.policy_id)
        watchlist.policy_id = body.policy_id
    elif body.clear_policy:
        watchlist.policy_id = None
    session.flush()
    return watchlist


def delete_watchlist(session: Session, owner_id: int, watchlist_id: int) -> None:
    session.delete(get_watchlist(session, owner_id, watchlist_id))
    session.flush()


def add_item(
    session: Session, owner_id: int, watchlist_id: int, code: str, note: str | None
) -> WatchlistItem:
    watchlist = get_watchlist(session, owner_id, watchlist_id)
    known = _known_code(session, code)
    if any(item.code == known for item in repository.items(session, watchlist.id)):
        raise Conflict(f"{known} is already on {watchlist.name!r}.", field="code")
    item = WatchlistItem(watchlist_id=watchlist.id, code=known, note=note)
    session.add(item)
    session.flush()
    return item


def remove_item(session: Session, owner_id: int, watchlist_id: int, code: str) -> None:
    watchlist = get_watchlist(session, owner_id, watchlist_id)
    if not repository.remove_item(session, watchlist.id, code.upper()):
        raise NotFound(f"{code.upper()} is not on {watchlist.name!r}.", field="code")


def watchlist_view(session: Session, watchlist: Watchlist) -> dict[str, Any]:
    """The watchlist with each stock's latest close and latest scores with their change."""
    items = repository.items(session, watchlist.id)
    codes = [item.code for item in items]
    latest = repository.latest_two_evaluations(session, watchlist.owner_id, codes, watchlist.policy_id)
    rows = []
    for item in items:
        stock = market.get_stock(session, item.code)
        metrics = analysis.get_metrics(session, item.code)
        values = metrics.values if metrics else {}
        pair = latest.get(item.code, [])
        rows.append(
            {
                "code": item.code,
                "name": stock.name if stock else None,
                "name_en": stock.name_en if stock else None,
                "sector": stock.sector_name if stock else None,
                "sector_en": sector_en(stock.sector_code, stock.sector_name) if stock else None,
                "market": stock.market if stock else None,
                "note": item.note,
                "added_at": item.added_at,
                "close": values.get("close"),
                "change_pct": values.get("change_pct"),
                "latest": _latest_scores(pair),
            }
        )
    return {
        "id": watchlist.id,
        "name": watchlist.name,
        "policy_id": watchlist.policy_id,
        "created_at": watchlist.created_at,
        "items": rows,
    }


def _latest_scores(pair: list[Any]) -> dict[str, Any] | None:
    if not pair:
        return None
    now, before = pair[0], (pair[1] if len(pair) > 1 else None)

    def change(a: float | None, b: float | None) -> float | None:
        return round(a - b, 2) if a is not None and b is not None else None

    return {
        "evaluation_id": now.id,
        "as_of": now.as_of,
        "buy_score": now.buy_score,
        "sell_score": now.sell_score,
        "match_score": now.match_score,
        "recommendation": now.recommendation,
        "buy_change": change(now.buy_score, before.buy_score) if before else None,
        "sell_change": change(now.sell_score, before.sell_score) if before else None,
        "match_change": change(now.match_score, before.match_score) if before else None,
    }


def evaluate_watchlist(session: Session, watchlist: Watchlist, trigger: str = "watchlist") -> dict[str, Any]:
    """Evaluate every stock on the list; one already evaluated on the same data and policy version
    is skipped, so running the batch twice after one sync adds nothing."""
    policy = (
        policies.get_policy_for_user(session, watchlist.owner_id, watchlist.policy_id)
        if watchlist.policy_id is not None
        else None
    )
    evaluated, skipped, failed = 0, [], []
    for item in repository.items(session, watchlist.id):
        metrics = analysis.get_metrics(session, item.code)
        if metrics is None:
            failed.append(item.code)
            continue
        if evaluations.find_same(
            session,
            watchlist.owner_id,
            item.code,
            policy.id if policy else None,
            policy.version if policy else None,
            metrics.as_of,
        ):
            skipped.append(item.code)
            continue
        evaluate_stock(session, watchlist.owner_id, item.code, trigger=trigger, policy=policy)
        evaluated += 1
    return {"evaluated": evaluated, "skipped": len(skipped), "skipped_codes": skipped, "failed": failed}


def evaluate_all_watchlists(sessions: sessionmaker[Session]) -> dict[str, int]:
    """After a sync: every watchlist of every user, each in its own transaction."""
    totals = {"watchlists": 0, "evaluated": 0, "skipped": 0, "failed": 0}
    with session_scope(sessions) as session:
        ids = [(w.owner_id, w.id) for w in repository.all_watchlists(session)]
    for owner_id, watchlist_id in ids:
        try:
            with session_scope(sessions) as session:
                outcome = evaluate_watchlist(session, get_watchlist(session, owner_id, watchlist_id))
        except AppError as exc:  # e.g. its policy was deleted: report, go on with the others
            log.warning("watchlist_batch_failed", watchlist_id=watchlist_id, error=exc.detail)
            totals["failed"] += 1
            continue
        totals["watchlists"] += 1
        totals["evaluated"] += outcome["evaluated"]
        totals["skipped"] += outcome["skipped"]
        totals["failed"] += len(outcome["failed"])
    log.info("watchlist_batch", **totals)
    return totals
