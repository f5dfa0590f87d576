"""Access and refresh tokens: issue, rotate, revoke. No HTTP here.

Why bearer tokens with rotating refresh tokens rather than httpOnly cookies: in production the web
app is a static site on its own origin (CloudFront) calling the API cross-origin. Cookies would need
``SameSite=None`` there, and then every state-changing route needs CSRF protection; a bearer token
is never sent by the browser on its own, so there is no CSRF to defend against. The cost, a token
readable by script, is bounded by short access tokens (15 minutes) and refresh tokens that are
single-use: a stolen refresh token is detected the moment either party uses it after the other.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from kabu_trade.auth import repository
from kabu_trade.auth.models import User
from kabu_trade.auth.schemas import TokenRead
from kabu_trade.core import security
from kabu_trade.core.config import Settings
from kabu_trade.core.db import session_scope, utcnow
from kabu_trade.core.errors import Unauthorized
from kabu_trade.core.i18n import Text

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def issue_tokens(
    session: Session,
    user: User,
    settings: Settings,
    *,
    family: str | None = None,
    now: datetime | None = None,
) -> TokenRead:
    """An access token at the user's current version and a new refresh token (a new family for a
    sign-in; the same family when rotating)."""
    now = now or utcnow()
    access, expires = security.create_access_token(
        str(user.id), settings.signing_key(), settings.access_token_minutes, version=user.token_version
    )
    refresh = security.new_refresh_token()
    refresh_expires = now + timedelta(days=settings.refresh_token_days)
    # Every rotation adds a row: an active account would grow by about a hundred a day.
    repository.delete_expired_refresh_tokens(session, user.id, now)
    repository.add_refresh_token(
        session, user.id, family or secrets.token_hex(16), security.sha256_hex(refresh), refresh_expires
    )
    return TokenRead(
        access_token=access, expires_at=expires, refresh_token=refresh, refresh_expires_at=refresh_expires
    )


def rotate(sessions: sessionmaker[Session], refresh_token: str, settings: Settings) -> TokenRead:
    """Trade a live refresh token for a new pair; refuse (401) anything else.

    Runs its own unit of work rather than the request's: when a used token comes back, the family's
    revocation must be committed although the answer is an error (the request's would roll back).
    """
    token_hash = security.sha256_hex(refresh_token)
    now = utcnow()
    with session_scope(sessions) as session:
        if repository.use_refresh_token(session, token_hash, now):
            row = repository.get_refresh_token(session, token_hash)
            user = repository.get_user(session, row.user_id) if row else None
            if row is not None and user is not None and user.is_active:
                return issue_tokens(session, user, settings, family=row.family, now=now)
        else:
            row = repository.get_refresh_token(session, token_hash)
            if row is not None and row.used_at is not None and row.revoked_at is None:
                # Used before: one of the two holders is not the user. Sign that chain out.
                repository.revoke_refresh_family(session, row.family, now)
    raise Unauthorized(
        Text(
            "The refresh token is invalid, expired or revoked; sign in again.",
            "リフレッシュトークンが無効か、期限切れか、取り消されています。もう一度サインインしてください。",
        ),
        headers=_CHALLENGE,
    )


def sign_out(sessions: sessionmaker[Session], refresh_token: str) -> None:
    """End one sign-in: its refresh chain is revoked (its access token lapses within minutes).
    Quiet for unknown tokens, so the answer tells nothing about which tokens exist."""
    with session_scope(sessions) as session:
        row = repository.get_refresh_token(session, security.sha256_hex(refresh_token))
        if row is not None:
            repository.revoke_refresh_family(session, row.family, utcnow())


def sign_out_everywhere(session: Session, user_id: int) -> None:
    """Every access token issued so far stops working, and every refresh token is revoked."""
    repository.bump_token_version(session, user_id)
    repository.revoke_refresh_tokens_of(session, user_id, utcnow())
