"""The current user, from the bearer token; every protected route depends on it."""

from __future__ import annotations

from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from kabu_trade.auth import repository
from kabu_trade.auth.models import User
from kabu_trade.core.context import AppContext
from kabu_trade.core.deps import ContextDep
from kabu_trade.core.errors import Forbidden, Unauthorized
from kabu_trade.core.security import decode_access_token
from kabu_trade.core.unit_of_work import defer

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


class SignedInUser:
    """The user a verified token names, loaded from the database in the endpoint's thread hop
    (``core/unit_of_work.py``): the account must still exist, be active and carry the token's
    version (a password change or "sign out everywhere" bumps it)."""

    def __init__(self, context: AppContext, user_id: int, version: int) -> None:
        self.context = context
        self.user_id = user_id
        self.version = version
        self.require_admin = False

    def resolve(self) -> User:
        # A short session of its own: the user comes back detached, with its columns loaded.
        with self.context.sessions() as session:
            user = repository.get_user(session, self.user_id)
        if user is None or not user.is_active:
            raise Unauthorized("The account of this token no longer exists.", headers=_CHALLENGE)
        if user.token_version != self.version:
            raise Unauthorized(
                "This token was signed out (password changed or signed out everywhere); sign in again.",
                headers=_CHALLENGE,
            )
        if self.require_admin and not user.is_admin:
            raise Forbidden("Only an administrator may do this.")
        return user


async def current_user(
    token: Annotated[str | None, Depends(oauth2_scheme)], request: Request, context: ContextDep
) -> User:
    """The signed-in user. The token is checked here, on the event loop (no IO); the account is
    read in the endpoint's own trip to the thread pool, where the unit of work swaps this
    placeholder for the loaded ``User`` before the endpoint runs."""
    if not token:
        raise Unauthorized("Sign in first: this endpoint needs a bearer token.", headers=_CHALLENGE)
    try:
        payload = decode_access_token(token, context.settings.signing_key())
        user_id, version = int(payload["sub"]), int(payload["ver"])
    except (jwt.PyJWTError, ValueError, KeyError, TypeError):
        raise Unauthorized("The token is invalid or expired; sign in again.", headers=_CHALLENGE) from None
    signed_in = SignedInUser(context, user_id, version)
    defer(request, signed_in)
    return signed_in  # type: ignore[return-value]  # a User by the time the endpoint sees it


async def admin_user(user: Annotated[User, Depends(current_user)]) -> User:
    # Still the placeholder here: the check runs once the account is loaded.
    if isinstance(user, SignedInUser):
        user.require_admin = True
    elif not user.is_admin:
        raise Forbidden("Only an administrator may do this.")
    return user


CurrentUser = Annotated[User, Depends(current_user)]
AdminUser = Annotated[User, Depends(admin_user)]
