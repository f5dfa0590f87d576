"""Password hashing (argon2id), password strength (zxcvbn), access tokens (JWT, HS256) and the
random values behind refresh and setup tokens."""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn  # type: ignore[import-untyped]  # ships no type hints

# argon2id with OWASP's baseline profile (19 MiB, 2 passes, 1 lane; OWASP's Password Storage Cheat
# Sheet lists it as equivalent in strength to its 46 MiB × 1 pass profile). argon2-cffi's default,
# RFC 9106's 64 MiB profile, put the API container of the 1 GB host 50 MB over its 250 MB budget
# while accounts signed in (`python -m bench stack`: 272 MB against 222 MB under the mixed traffic).
# Hashes made with other parameters still verify and are rehashed at the next sign-in.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# One hash at a time per process: concurrent sign-ins queue for ~20 ms each instead of each holding
# its own 19 MiB, so the memory a burst of sign-ins costs is bounded whatever the thread count.
_hashing = threading.Lock()
# Verifying against this when the user does not exist keeps timing the same for unknown names.
_DUMMY_HASH = _hasher.hash("kabu-trade-timing-equaliser")
ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    with _hashing:
        return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        with _hashing:
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


@dataclass(frozen=True)
class Weakness:
    """Why a password is too easy to guess, in zxcvbn's (English) words plus what it matched."""

    warning: str
    suggestions: tuple[str, ...]
    #: built on one of the user inputs (the user name): zxcvbn says nothing of it in its feedback
    user_input: bool

    @property
    def message(self) -> str:
        parts = [self.warning, *self.suggestions]
        if self.user_input:
            parts.insert(0, "Do not build it on the user name.")
        hints = " ".join(part for part in parts if part)
        return "This password is too easy to guess." + (f" {hints}" if hints else "")


def assess_password(password: str, user_inputs: list[str] | None = None) -> Weakness | None:
    """The weakness of ``password`` (a common password, a pattern, the user name), or None."""
    result: dict[str, Any] = zxcvbn(password[:_STRENGTH_CHECKED_CHARS], user_inputs=user_inputs or [])
    if int(result["score"]) >= MIN_PASSWORD_SCORE:
        return None
    feedback = result["feedback"]
    user_input = any(m.get("dictionary_name") == "user_inputs" for m in result["sequence"])
    return Weakness(str(feedback["warning"] or ""), tuple(feedback["suggestions"]), user_input)


def password_weakness(password: str, user_inputs: list[str] | None = None) -> str | None:
    """Why ``password`` is too easy to guess, in English, or None."""
    weakness = assess_password(password, user_inputs)
    return weakness.message if weakness else None


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
