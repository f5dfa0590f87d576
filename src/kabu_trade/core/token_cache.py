"""Access tokens verified once per process rather than once per request.

Verifying a token (base64, JSON, HMAC) is a few tens of microseconds, paid by every request; a
client sends the same token for its whole life (15 minutes). So verified claims are kept by the
exact token string (and the key that verified it) in a bounded LRU. Only the expiry changes with
time, and it is checked on every use; anything that fails verification is never kept.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from cachetools import LRUCache

from kabu_trade.core.security import decode_access_token


class VerifiedTokens:
    def __init__(self, maxsize: int = 4096) -> None:
        self._items: LRUCache[str, tuple[str, dict[str, Any]]] = LRUCache(maxsize=maxsize)
        self._lock = threading.Lock()

    def claims(self, token: str, secret: str) -> dict[str, Any]:
        """The token's claims; raises ``jwt.PyJWTError`` as ``decode_access_token`` does."""
        with self._lock:
            hit = self._items.get(token)
        if hit is not None and hit[0] == secret and hit[1]["exp"] > time.time():
            return hit[1]
        payload = decode_access_token(token, secret)
        with self._lock:
            self._items[token] = (secret, payload)
        return payload


verified_tokens = VerifiedTokens()
