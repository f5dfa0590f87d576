"""The current user, from the bearer token; every protected route depends on it.

The token is verified on the event loop (no IO). The account behind it — does it still exist, is
it active, is the token's version still its version, is it an administrator — comes from the
process's short user cache when a fresh entry is there (``auth/user_cache.py``: how revocation is
still honoured), and otherwise from the database in the endpoint's own trip to the thread pool
(``core/unit_of_work.py``), which also refreshes the cache. Writes always read the database.
"""

from __future__ import annotations

from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from kabu_trade.auth import repository
from kabu_trade.auth.models import User
from kabu_trade.auth.user_cache import SAFE_METHODS, CachedUser, UserCache
from kabu_trade.core.context import AppContext
from kabu_trade.core.deps import ContextDep
from kabu_trade.core.errors import Forbidden, Unauthorized
from kabu_trade.core.i18n import Text
from kabu_trade.core.ratelimit import CLAIMS_STATE, GENERATION_STATE
from kabu_trade.core.token_cache import verified_tokens
from kabu_trade.core.unit_of_work import defer

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
_CHALLENGE = {"WWW-Authenticate": "Bearer"}
USER_CACHE_STATE = "user_cache"


def _gone() -> Unauthorized:
    return Unauthorized(
        Text("The account of this token no longer exists.", "このトークンのアカウントは存在しません。"),
        headers=_CHALLENGE,
    )


def _signed_out() -> Unauthorized:
    return Unauthorized(
        Text(
            "This token was signed out (password changed or signed out everywhere); sign in again.",
            "このトークンはサインアウト済みです（パスワードの変更または全端末からのサインアウト）。"
            "もう一度サインインしてください。",
        ),
        headers=_CHALLENGE,
    )


def _admin_only() -> Forbidden:
    return Forbidden(Text("Only an administrator may do this.", "この操作は管理者だけが行えます。"))


class SignedInUser:
    """The user a verified token names, loaded from the database in the endpoint's thread hop
    (``core/unit_of_work.py``): the account must still exist, be active and carry the token's
    version (a password change or "sign out everywhere" bumps it)."""

    def __init__(
        self,
        context: AppContext,
        user_id: int,
        version: int,
        cache: UserCache | None = None,
        generation: str | None = None,
    ) -> None:
        self.context = context
        self.user_id = user_id
        self.version = version
        self.cache = cache
        self.generation = generation
        self.require_admin = False

    def resolve(self) -> User:
        epoch = self.cache.epoch if self.cache is not None else 0
        # A short session of its own: the user comes back detached, with its columns loaded.
        with self.context.sessions() as session:
            user = repository.get_user(session, self.user_id)
        if user is None or not user.is_active:
            raise _gone()
        if self.cache is not None:
            self.cache.put(user, self.generation, epoch)
        if user.token_version != self.version:
            raise _signed_out()
        if self.require_admin and not user.is_admin:
            raise _admin_only()
        return user


def user_cache(request: Request, context: AppContext) -> UserCache:
    """The application's user cache, made on its first request (``KABU_AUTH_CACHE_SECONDS``)."""
    state = request.app.state
    cache: UserCache | None = getattr(state, USER_CACHE_STATE, None)
    if cache is None:
        cache = UserCache(context.settings.auth_cache_seconds)
        setattr(state, USER_CACHE_STATE, cache)
    return cache


def _verified(request: Request, token: str, context: AppContext) -> tuple[int, int]:
    claims = request.scope.get("state", {}).get(CLAIMS_STATE)
    try:
        # Verified already by the rate limiter for this request, or verified here.
        payload = claims[1] if claims is not None and claims[0] == token else None
        if payload is None:
            payload = verified_tokens.claims(token, context.settings.signing_key())
        return int(payload["sub"]), int(payload["ver"])
    except (jwt.PyJWTError, ValueError, KeyError, TypeError):
        raise Unauthorized(
            Text(
                "The token is invalid or expired; sign in again.",
                "トークンが無効か期限切れです。もう一度サインインしてください。",
            ),
            headers=_CHALLENGE,
        ) from None


def _from_cache(entry: CachedUser, version: int) -> User | None:
    """The account as the cache has it, a refusal, or None when only the database can tell (the
    token is newer than the entry: the entry is older than a bump this process has not seen)."""
    if not entry.is_active:
        raise _gone()
    if entry.token_version > version:
        raise _signed_out()
    if entry.token_version < version:
        return None
    return entry.user


def cached_user(request: Request) -> User | None:
    """The signed-in user when the user cache alone can say so beyond doubt — a safe method, a
    valid bearer token, a fresh entry of the token's version, an active account — else None, and
    the route's own dependencies decide (and refuse) as usual. For answers given before FastAPI
    resolves any dependency (``core/unit_of_work.py``: ``early``)."""
    if request.method not in SAFE_METHODS:
        return None
    # As OAuth2PasswordBearer reads it.
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    token = token.strip()
    cache: UserCache | None = getattr(request.app.state, USER_CACHE_STATE, None)
    if scheme.lower() != "bearer" or not token or cache is None:
        return None
    state = request.scope.get("state", {})
    claims = state.get(CLAIMS_STATE)
    try:
        payload = claims[1] if claims is not None and claims[0] == token else None
        if payload is None:
            payload = verified_tokens.claims(token, request.app.state.context.settings.signing_key())
        user_id, version = int(payload["sub"]), int(payload["ver"])
    except (jwt.PyJWTError, ValueError, KeyError, TypeError):
        return None
    entry = cache.get(user_id, state.get(GENERATION_STATE))
    if entry is None or not entry.is_active or entry.token_version != version:
        return None
    return entry.user


async def current_user(
    token: Annotated[str | None, Depends(oauth2_scheme)], request: Request, context: ContextDep
) -> User:
    """The signed-in user: from the user cache when it has a fresh entry for a safe method,
    else a placeholder that the unit of work swaps for the account loaded in the endpoint's hop."""
    if not token:
        raise Unauthorized(
            Text("Sign in first: this endpoint needs a bearer token.", "先にサインインしてください。"),
            headers=_CHALLENGE,
        )
    user_id, version = _verified(request, token, context)
    cache = user_cache(request, context)
    generation: str | None = request.scope.get("state", {}).get(GENERATION_STATE)
    if request.method in SAFE_METHODS:
        entry = cache.get(user_id, generation)
        user = _from_cache(entry, version) if entry is not None else None
        if user is not None:
            return user
    signed_in = SignedInUser(context, user_id, version, cache if cache.enabled else None, generation)
    defer(request, signed_in)
    return signed_in  # type: ignore[return-value]  # a User by the time the endpoint sees it


async def admin_user(user: Annotated[User, Depends(current_user)]) -> User:
    # Still the placeholder here when the account is read in the hop: the check runs then.
    if isinstance(user, SignedInUser):
        user.require_admin = True
    elif not user.is_admin:
        raise _admin_only()
    return user


CurrentUser = Annotated[User, Depends(current_user)]
AdminUser = Annotated[User, Depends(admin_user)]
