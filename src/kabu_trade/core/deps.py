"""FastAPI dependencies shared by every router.

They are ``async`` on purpose although they do no IO: FastAPI runs a sync dependency in a trip to
the thread pool, and these only read attributes. The session is made here, without a connection,
and committed by the route's unit of work (``core/unit_of_work.py``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from kabu_trade.core.cache import Cache
from kabu_trade.core.config import Settings
from kabu_trade.core.context import AppContext
from kabu_trade.core.unit_of_work import register_session


async def get_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


async def get_settings_dep(context: Annotated[AppContext, Depends(get_context)]) -> Settings:
    return context.settings


async def get_cache(context: Annotated[AppContext, Depends(get_context)]) -> Cache:
    return context.cache


async def get_session(
    request: Request, context: Annotated[AppContext, Depends(get_context)]
) -> AsyncIterator[Session]:
    """The request's session, committed by its route before the response (``UnitOfWorkRoute``)."""
    session = context.sessions()
    register_session(request, session)
    try:
        yield session
    finally:
        # Normally already closed by the unit of work, which makes this free; it only matters
        # when a later dependency failed before the endpoint ran (nothing was queried then).
        session.close()


ContextDep = Annotated[AppContext, Depends(get_context)]
SessionDep = Annotated[Session, Depends(get_session)]
CacheDep = Annotated[Cache, Depends(get_cache)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
