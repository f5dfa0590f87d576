"""The current user, from the bearer token; every protected route depends on it."""

from __future__ import annotations

from typing import Annotated

import jwt
from fastapi import Depends
from fastapi.security import OAuth2PasswordBearer

from kabu_trade.auth import repository
from kabu_trade.auth.models import User
from kabu_trade.core.deps import ContextDep
from kabu_trade.core.errors import Forbidden, Unauthorized
from kabu_trade.core.security import decode_access_token

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def current_user(token: Annotated[str | None, Depends(oauth2_scheme)], context: ContextDep) -> User:
    """The signed-in user, read in a short session of its own.

    FastAPI runs each sync dependency in its own thread-pool hop: a connection taken here and kept
    for the endpoint would sit idle in a transaction while the request waits for its next thread,
    which is how one worker stalled at 100 clients. So this hop opens, reads and returns the
    connection before it ends; the user comes back detached, with its columns loaded.
    """
    settings = context.settings
    if not token:
        raise Unauthorized("Sign in first: this endpoint needs a bearer token.", headers=_CHALLENGE)
    try:
        payload = decode_access_token(token, settings.signing_key())
        user_id, version = int(payload["sub"]), int(payload["ver"])
    except (jwt.PyJWTError, ValueError, KeyError, TypeError):
        raise Unauthorized("The token is invalid or expired; sign in again.", headers=_CHALLENGE) from None
    with context.sessions() as session:
        user = repository.get_user(session, user_id)
    if user is None or not user.is_active:
        raise Unauthorized("The account of this token no longer exists.", headers=_CHALLENGE)
    if user.token_version != version:
        raise Unauthorized(
            "This token was signed out (password changed or signed out everywhere); sign in again.",
            headers=_CHALLENGE,
        )
    return user


async def admin_user(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_admin:
        raise Forbidden("Only an administrator may do this.")
    return user


CurrentUser = Annotated[User, Depends(current_user)]
AdminUser = Annotated[User, Depends(admin_user)]
