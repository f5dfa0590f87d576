from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from kabu_trade.auth import service, tokens
from kabu_trade.auth.deps import AdminUser, CurrentUser
from kabu_trade.auth.models import User
from kabu_trade.auth.schemas import (
    RefreshRequest,
    SetupCreate,
    SetupStatus,
    TokenRead,
    UserCreate,
    UserRead,
    UserUpdate,
)
from kabu_trade.auth.throttle import LoginThrottle
from kabu_trade.core.deps import CacheDep, ContextDep, SessionDep, SettingsDep
from kabu_trade.core.errors import AppError
from kabu_trade.core.net import client_address
from kabu_trade.core.unit_of_work import UnitOfWorkRoute

auth_router = APIRouter(prefix="/auth", tags=["auth"], route_class=UnitOfWorkRoute)
users_router = APIRouter(prefix="/users", tags=["users"], route_class=UnitOfWorkRoute)


@auth_router.post("/token", response_model=TokenRead, summary="Sign in (OAuth2 password form)")
def sign_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    settings: SettingsDep,
) -> TokenRead:
    throttle = LoginThrottle.from_settings(cache, settings)
    # Counted before the password is checked, so parallel guesses cannot all get through.
    attempt = throttle.begin(form.username, client_address(request.scope, settings.trusted_proxies))
    try:
        user = service.authenticate(session, form.username, form.password)
    except AppError:
        throttle.failed(attempt)
        raise
    throttle.succeeded(attempt)
    return tokens.issue_tokens(session, user, settings)


@auth_router.post(
    "/refresh",
    response_model=TokenRead,
    summary="Trade a refresh token for a new access token and refresh token (single use)",
)
def refresh(body: RefreshRequest, context: ContextDep) -> TokenRead:
    return tokens.rotate(context.sessions, body.refresh_token, context.settings)


@auth_router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Sign out this session: its refresh token (and the chain it belongs to) is revoked",
)
def logout(body: RefreshRequest, context: ContextDep) -> None:
    tokens.sign_out(context.sessions, body.refresh_token)


@auth_router.post(
    "/logout-all",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Sign out everywhere: every access and refresh token of this account stops working",
)
def logout_all(user: CurrentUser, session: SessionDep) -> None:
    tokens.sign_out_everywhere(session, user.id)


@auth_router.get("/setup", response_model=SetupStatus, summary="Whether the first account can be created")
def setup_status(session: SessionDep) -> SetupStatus:
    return SetupStatus(needed=service.setup_needed(session))


@auth_router.post(
    "/setup",
    response_model=TokenRead,
    status_code=status.HTTP_201_CREATED,
    summary="Create the first (administrator) account with the one-time setup token",
)
def setup_first_account(body: SetupCreate, session: SessionDep, settings: SettingsDep) -> TokenRead:
    user = service.create_first_account(session, body.setup_token, body.username, body.password)
    return tokens.issue_tokens(session, user, settings)


@users_router.get("/me", response_model=UserRead)
def read_me(user: CurrentUser) -> User:
    return user


@users_router.patch("/me", response_model=UserRead)
def update_me(body: UserUpdate, user: CurrentUser, session: SessionDep) -> User:
    # The authenticated user is detached (read in its own short session): attach it to this one.
    return service.update_user(session, session.merge(user), body)


@users_router.post(
    "",
    response_model=UserRead,
    status_code=status.HTTP_201_CREATED,
    summary="Create an account (administrators only)",
)
def create_user(body: UserCreate, _admin: AdminUser, session: SessionDep) -> User:
    return service.create_user(session, body.username, body.password, is_admin=body.is_admin)
