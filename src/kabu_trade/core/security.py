"""Password hashing (argon2id) and access tokens (JWT, HS256)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

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


def create_access_token(subject: str, secret: str, minutes: int, **claims: Any) -> tuple[str, datetime]:
    now = datetime.now(UTC)
    expires = now + timedelta(minutes=minutes)
    payload = {"sub": subject, "iat": now, "exp": expires, "typ": "access", **claims}
    return jwt.encode(payload, secret, algorithm=ALGORITHM), expires


def decode_access_token(token: str, secret: str) -> dict[str, Any]:
    """Raise ``jwt.PyJWTError`` for a token that is malformed, forged or expired."""
    payload: dict[str, Any] = jwt.decode(
        token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp", "iat"]}
    )
    if payload.get("typ") != "access":
        raise jwt.InvalidTokenError("not an access token")
    return payload


def new_setup_token() -> str:
    return secrets.token_urlsafe(24)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
