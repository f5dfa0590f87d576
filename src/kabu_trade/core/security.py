"""Password hashing (argon2id), password strength (zxcvbn), access tokens (JWT, HS256) and the
random values behind refresh and setup tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn  # type: ignore[import-untyped]  # ships no type hints

# argon2-cffi defaults are argon2id with RFC 9106's low-memory profile (64 MiB, 3 passes): sound
# for a 1 GB server that handles one login at a time.
_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps timing the same for unknown names.
_DUMMY_HASH = _hasher.hash("kabu-trade-timing-equaliser")
ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# zxcvbn's scores run 0–4; 3 is "safely unguessable: moderate protection from offline attacks"
# (about 10^8 guesses and up), which with argon2 and the sign-in throttle is ample.
MIN_PASSWORD_SCORE = 3
# zxcvbn's time grows quickly with length (1.7 s for 256 characters); what it finds in the first 72
# decides (a strong prefix is a strong password, a weak one is worth rejecting).
_STRENGTH_CHECKED_CHARS = 72


def password_weakness(password: str, user_inputs: list[str] | None = None) -> str | None:
    """Why ``password`` is too easy to guess (a common password, a pattern, the user name), or None."""
    result: dict[str, Any] = zxcvbn(password[:_STRENGTH_CHECKED_CHARS], user_inputs=user_inputs or [])
    if int(result["score"]) >= MIN_PASSWORD_SCORE:
        return None
    feedback = result["feedback"]
    parts: list[str] = [feedback["warning"], *feedback["suggestions"]]
    hints = " ".join(part for part in parts if part)
    return "This password is too easy to guess." + (f" {hints}" if hints else "")


def create_access_token(
    subject: str, secret: str, minutes: int, *, version: int, **claims: Any
) -> tuple[str, datetime]:
    """A signed access token; ``version`` is the user's token version (``ver``), which a password
    change or "sign out everywhere" bumps so that every earlier token stops working."""
    now = datetime.now(UTC)
    expires = now + timedelta(minutes=minutes)
    payload = {"sub": subject, "ver": version, "iat": now, "exp": expires, "typ": "access", **claims}
    return jwt.encode(payload, secret, algorithm=ALGORITHM), expires


def decode_access_token(token: str, secret: str) -> dict[str, Any]:
    """Raise ``jwt.PyJWTError`` for a token that is malformed, forged, expired or versionless."""
    payload: dict[str, Any] = jwt.decode(
        token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp", "iat", "ver"]}
    )
    if payload.get("typ") != "access":
        raise jwt.InvalidTokenError("not an access token")
    return payload


def new_refresh_token() -> str:
    """256 random bits: only its SHA-256 is stored, so a leaked table cannot be replayed."""
    return secrets.token_urlsafe(32)


def new_setup_token() -> str:
    return secrets.token_urlsafe(24)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
