"""Read cache: Redis in production, an in-process TTL cache when embedded.

Market reads are keyed by a *generation* number that every sync bumps, so one increment makes
every cached market answer stale at once, across all API processes sharing the Redis.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import redis
from cachetools import LRUCache

T = TypeVar("T")
MARKET_GENERATION_KEY = "market:generation"


class Cache(Protocol):
    backend: str

    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str, ttl: int) -> None: ...
    def delete(self, key: str) -> None: ...
    def incr(self, key: str, ttl: int | None = None) -> int: ...
    def ping(self) -> bool: ...
    def close(self) -> None: ...


class MemoryCache:
    """Process-local cache: least recently used entries go first, each with its own expiry."""

    backend = "memory"

    def __init__(self, maxsize: int = 4096) -> None:
        self._items: LRUCache[str, tuple[float, str]] = LRUCache(maxsize=maxsize)
        self._lock = threading.Lock()

    def _live(self, key: str, now: float) -> tuple[float, str] | None:
        entry = self._items.get(key)
        if entry is not None and entry[0] < now:
            self._items.pop(key, None)
            return None
        return entry

    def get(self, key: str) -> str | None:
        with self._lock:
            entry = self._live(key, time.monotonic())
            return entry[1] if entry else None

    def set(self, key: str, value: str, ttl: int) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + ttl, value)

    def delete(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)

    def incr(self, key: str, ttl: int | None = None) -> int:
        now = time.monotonic()
        with self._lock:
            entry = self._live(key, now) or (now + ttl if ttl else float("inf"), "0")
            value = int(entry[1]) + 1
            self._items[key] = (entry[0], str(value))
            return value

    def ping(self) -> bool:
        return True

    def close(self) -> None:
        with self._lock:
            self._items.clear()


class RedisCache:
    backend = "redis"

    def __init__(self, url: str, prefix: str = "kabu:") -> None:
        self._client = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2, health_check_interval=30
        )
        self._prefix = prefix

    def get(self, key: str) -> str | None:
        value = self._client.get(self._prefix + key)
        return value if isinstance(value, str) else None

    def set(self, key: str, value: str, ttl: int) -> None:
        self._client.set(self._prefix + key, value, ex=ttl)

    def delete(self, key: str) -> None:
        self._client.delete(self._prefix + key)

    def incr(self, key: str, ttl: int | None = None) -> int:
        pipe = self._client.pipeline()
        pipe.incr(self._prefix + key)
        if ttl:
            # Only the first increment of a window sets the expiry (fixed window counters).
            pipe.expire(self._prefix + key, ttl, nx=True)
        result = pipe.execute()
        return int(result[0])

    def ping(self) -> bool:
        try:
            return bool(self._client.ping())
        except redis.RedisError:
            return False

    def close(self) -> None:
        self._client.close()


def create_cache(redis_url: str | None, prefix: str = "kabu:") -> Cache:
    return RedisCache(redis_url, prefix=prefix) if redis_url else MemoryCache()


def market_generation(cache: Cache) -> str:
    return cache.get(MARKET_GENERATION_KEY) or "0"


def bump_market_generation(cache: Cache) -> int:
    return cache.incr(MARKET_GENERATION_KEY)


def cached_json(cache: Cache, key: str, ttl: int, compute: Callable[[], T]) -> T | Any:
    """Return the cached JSON value for ``key`` or compute, store and return it.

    A cache that is down must not take reads down with it: errors fall through to ``compute``.
    """
    try:
        hit = cache.get(key)
    except redis.RedisError:
        hit = None
    if hit is not None:
        return json.loads(hit)
    value = compute()
    with contextlib.suppress(redis.RedisError):
        cache.set(key, json.dumps(value, default=str, ensure_ascii=False), ttl)
    return value
