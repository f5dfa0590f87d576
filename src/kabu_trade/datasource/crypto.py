"""The J-Quants key at rest: Fernet (AES-128-CBC + HMAC-SHA256) under a key derived from the
install's secret key (``KABU_SECRET_KEY``, else ``DATA_DIR/secret.key``) with HKDF.

A derived key, not the secret itself: the secret also signs tokens, and one key should do one job
(HKDF's ``info`` separates them). A database copied to an install with another secret key holds a
key nobody there can read: :class:`StoredKeyUnreadable` says so, and the administrator enters the
key again; it is never guessed at nor replaced silently.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kabu_trade.core.config import Settings

# Fixed salt and purpose: the same secret key must derive the same Fernet key on every start.
_SALT = b"kabu-trade/data-source"
_INFO = b"jquants-api-key/fernet/v1"


class StoredKeyUnreadable(Exception):
    """The stored token was encrypted under another secret key (or was altered)."""


def _fernet(settings: Settings) -> Fernet:
    secret = settings.signing_key().encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_INFO).derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(settings: Settings, plain: str) -> str:
    return _fernet(settings).encrypt(plain.encode()).decode("ascii")


def decrypt(settings: Settings, token: str) -> str:
    try:
        return _fernet(settings).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError, UnicodeError) as exc:
        raise StoredKeyUnreadable("the stored J-Quants key cannot be decrypted with this secret key") from exc
