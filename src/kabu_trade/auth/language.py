"""The saved language of the account behind a request's bearer token, for the error handler
(``core/errors.py``: the account's language wins over ``Accept-Language``).

Only asked when an error is answered. A token that does not verify names no account (the answer
then follows ``Accept-Language``); otherwise the user cache answers, else one short read.
"""

from __future__ import annotations

import anyio.to_thread
import jwt
from fastapi import Request

from kabu_trade.auth import repository
from kabu_trade.auth.deps import USER_CACHE_STATE
from kabu_trade.auth.user_cache import UserCache
from kabu_trade.core.context import AppContext
from kabu_trade.core.ratelimit import CLAIMS_STATE
from kabu_trade.core.token_cache import verified_tokens


def _user_id(request: Request, context: AppContext) -> int | None:
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    claims = request.scope.get("state", {}).get(CLAIMS_STATE)
    try:
        payload = claims[1] if claims is not None and claims[0] == token else None
        if payload is None:
            payload = verified_tokens.claims(token, context.settings.signing_key())
        return int(payload["sub"])
    except (jwt.PyJWTError, ValueError, KeyError, TypeError):
        return None


def _stored_language(context: AppContext, user_id: int) -> str | None:
    with context.sessions() as session:
        user = repository.get_user(session, user_id)
        return user.language if user is not None and user.is_active else None


async def account_language(request: Request) -> str | None:
    context: AppContext | None = getattr(request.app.state, "context", None)
    if context is None:
        return None
    user_id = _user_id(request, context)
    if user_id is None:
        return None
    cache: UserCache | None = getattr(request.app.state, USER_CACHE_STATE, None)
    entry = cache.get(user_id, None) if cache is not None else None
    if entry is not None:
        return entry.user.language if entry.is_active else None
    return await anyio.to_thread.run_sync(_stored_language, context, user_id)
