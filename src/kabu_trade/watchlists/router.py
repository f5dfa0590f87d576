from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status

from kabu_trade.auth.deps import CurrentUser
from kabu_trade.core.deps import SessionDep
from kabu_trade.core.params import IdPath
from kabu_trade.core.unit_of_work import UnitOfWorkRoute
from kabu_trade.watchlists import repository, service
from kabu_trade.watchlists.schemas import (
    BatchResult,
    WatchlistCreate,
    WatchlistItemCreate,
    WatchlistList,
    WatchlistRead,
    WatchlistUpdate,
)

router = APIRouter(prefix="/watchlists", tags=["watchlists"], route_class=UnitOfWorkRoute)


@router.get("", response_model=WatchlistList, summary="Your watchlists")
def list_watchlists(user: CurrentUser, session: SessionDep) -> Any:
    rows = repository.list_owned(session, user.id)
    items = [
        {"id": w.id, "name": w.name, "policy_id": w.policy_id, "created_at": w.created_at, "size": n}
        for w, n in rows
    ]
    return {"items": items, "total": len(items)}


@router.post("", response_model=WatchlistRead, status_code=status.HTTP_201_CREATED)
def create_watchlist(body: WatchlistCreate, user: CurrentUser, session: SessionDep) -> Any:
    return service.watchlist_view(session, service.create_watchlist(session, user.id, body))


@router.get(
    "/{watchlist_id:int}",
    response_model=WatchlistRead,
    summary="A watchlist with each stock's latest close and latest scores with their change",
)
def get_watchlist(watchlist_id: IdPath, user: CurrentUser, session: SessionDep) -> Any:
    return service.watchlist_view(session, service.get_watchlist(session, user.id, watchlist_id))


@router.patch("/{watchlist_id:int}", response_model=WatchlistRead)
def update_watchlist(
    watchlist_id: IdPath, body: WatchlistUpdate, user: CurrentUser, session: SessionDep
) -> Any:
    return service.watchlist_view(session, service.update_watchlist(session, user.id, watchlist_id, body))


@router.delete("/{watchlist_id:int}", status_code=status.HTTP_204_NO_CONTENT)
def delete_watchlist(watchlist_id: IdPath, user: CurrentUser, session: SessionDep) -> Response:
    service.delete_watchlist(session, user.id, watchlist_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{watchlist_id:int}/items", response_model=WatchlistRead, status_code=status.HTTP_201_CREATED)
def add_item(watchlist_id: IdPath, body: WatchlistItemCreate, user: CurrentUser, session: SessionDep) -> Any:
    service.add_item(session, user.id, watchlist_id, body.code, body.note)
    return service.watchlist_view(session, service.get_watchlist(session, user.id, watchlist_id))


@router.delete("/{watchlist_id:int}/items/{code}", status_code=status.HTTP_204_NO_CONTENT)
def remove_item(watchlist_id: IdPath, code: str, user: CurrentUser, session: SessionDep) -> Response:
    service.remove_item(session, user.id, watchlist_id, code)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{watchlist_id:int}/evaluate",
    response_model=BatchResult,
    summary="Evaluate every stock on the list now (the same batch runs after each sync)",
)
def evaluate_watchlist(watchlist_id: IdPath, user: CurrentUser, session: SessionDep) -> Any:
    return service.evaluate_watchlist(
        session, service.get_watchlist(session, user.id, watchlist_id), "manual"
    )
