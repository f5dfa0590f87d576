"""FastAPI dependencies shared by every router."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from kabu_trade.core.cache import Cache
from kabu_trade.core.config import Settings
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope


def get_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


def get_settings_dep(context: Annotated[AppContext, Depends(get_context)]) -> Settings:
    return context.settings


def get_cache(context: Annotated[AppContext, Depends(get_context)]) -> Cache:
    return context.cache


def get_session(context: Annotated[AppContext, Depends(get_context)]) -> Iterator[Session]:
    """The request's unit of work: one commit at the end, or a rollback if anything failed."""
    with session_scope(context.sessions) as session:
        yield session


ContextDep = Annotated[AppContext, Depends(get_context)]
SessionDep = Annotated[Session, Depends(get_session)]
CacheDep = Annotated[Cache, Depends(get_cache)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
