"""Login throttling: a fixed window of failed attempts per account and per client address.

Counters live in the cache (Redis in production) so every API process sees the same counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from kabu_trade.core.cache import Cache
from kabu_trade.core.errors import TooManyRequests


@dataclass(frozen=True)
class LoginThrottle:
    cache: Cache
    max_failures: int
    window_seconds: int

    def _keys(self, username: str, client: str) -> tuple[str, str]:
        return f"login-fail:user:{username.lower()}", f"login-fail:client:{client}"

    def check(self, username: str, client: str) -> None:
        for key, what in zip(self._keys(username, client), ("account", "address"), strict=True):
            if int(self.cache.get(key) or 0) >= self.max_failures:
                raise TooManyRequests(
                    f"Too many failed sign-ins for this {what}; try again in "
                    f"{self.window_seconds // 60} minutes.",
                    headers={"Retry-After": str(self.window_seconds)},
                )

    def record_failure(self, username: str, client: str) -> None:
        for key in self._keys(username, client):
            self.cache.incr(key, ttl=self.window_seconds)

    def record_success(self, username: str) -> None:
        self.cache.delete(self._keys(username, "")[0])
