from __future__ import annotations

import time
import uuid

import pytest

from kabu_trade.core.cache import (
    Cache,
    MemoryCache,
    RedisCache,
    bump_market_generation,
    cached_json,
    market_generation,
)
from tests.conftest import REDIS_URL


@pytest.fixture
def cache(backend: str) -> Cache:
    if backend == "postgres":  # the "services" backend: the real Redis
        return RedisCache(REDIS_URL, prefix=f"kabu-test-{uuid.uuid4().hex[:8]}:")
    return MemoryCache()


def test_get_set_delete_and_expiry(cache: Cache) -> None:
    cache.set("a", "1", ttl=1)
    assert cache.get("a") == "1"
    cache.delete("a")
    assert cache.get("a") is None
    cache.set("b", "2", ttl=1)
    time.sleep(1.1)
    assert cache.get("b") is None


def test_incr_counts_within_a_window(cache: Cache) -> None:
    assert [cache.incr("n", ttl=60) for _ in range(3)] == [1, 2, 3]


def test_generation_bump_invalidates_cached_values(cache: Cache) -> None:
    calls: list[int] = []

    def compute() -> dict[str, int]:
        calls.append(1)
        return {"value": len(calls)}

    key = lambda: f"market:{market_generation(cache)}:thing"  # noqa: E731
    assert cached_json(cache, key(), 60, compute) == {"value": 1}
    assert cached_json(cache, key(), 60, compute) == {"value": 1}
    bump_market_generation(cache)
    assert cached_json(cache, key(), 60, compute) == {"value": 2}


def test_memory_cache_evicts_least_recently_used() -> None:
    cache = MemoryCache(maxsize=2)
    cache.set("a", "1", 60)
    cache.set("b", "2", 60)
    cache.get("a")
    cache.set("c", "3", 60)
    assert cache.get("b") is None and cache.get("a") == "1"


def test_a_cache_that_is_down_does_not_break_reads() -> None:
    down = RedisCache("redis://127.0.0.1:1/0")
    assert down.ping() is False
    assert cached_json(down, "k", 60, lambda: {"ok": True}) == {"ok": True}
