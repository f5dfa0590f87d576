from __future__ import annotations

import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
import structlog

from kabu_trade.core.cache import (
    Cache,
    JsonBody,
    MemoryCache,
    RedisCache,
    RedisOptions,
    ResilientCache,
    bump_market_generation,
    cached_body,
    cached_json,
    create_cache,
    market_generation,
    peek_market,
)
from kabu_trade.core.circuit_breaker import BreakerState, CircuitBreaker
from tests.conftest import REDIS_URL, make_settings
from tests.core.redis_server import ManualClock

# Nothing listens on port 1: every call is refused at once (a real Redis client, no mock).
REFUSED_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def cache(backend: str) -> Cache:
    if backend == "postgres":  # the "services" backend: the real Redis
        return RedisCache(REDIS_URL, prefix=f"kabu-test-{uuid.uuid4().hex[:8]}:")
    return MemoryCache()


def test_get_set_delete_and_expiry(cache: Cache, monkeypatch: pytest.MonkeyPatch) -> None:
    # Expiry without sleeping: the memory cache reads a clock the test moves; Redis expires keys
    # itself, so what is ours to prove is that the key reaches it with its TTL.
    clock = ManualClock()
    monkeypatch.setattr("kabu_trade.core.cache.time", SimpleNamespace(monotonic=clock))
    cache.set("a", "1", ttl=1)
    assert cache.get("a") == "1"
    cache.delete("a")
    assert cache.get("a") is None
    cache.set("b", "2", ttl=1)
    if isinstance(cache, RedisCache):
        assert 0 < int(cache.client.pttl(cache.prefix + "b")) <= 1000  # type: ignore[arg-type]
    else:
        clock.advance(0.9)
        assert cache.get("b") == "2"
        clock.advance(0.2)
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
    cache = MemoryCache(max_bytes=2 * 101)  # two one-byte values (and what each entry costs)
    cache.set("a", "1", 60)
    cache.set("b", "2", 60)
    cache.get("a")
    cache.set("c", "3", 60)
    assert cache.get("b") is None and cache.get("a") == "1"
    cache.set_bytes("big", b"x" * 1000, 60)  # larger than the whole cache: not kept, no error
    assert cache.get_bytes("big") is None and cache.get("a") == "1"


def test_bytes_and_text_share_the_cache(cache: Cache) -> None:
    cache.set_bytes("body", "価格".encode(), 60)
    assert cache.get_bytes("body") == "価格".encode() and cache.get("body") == "価格"
    cache.set("text", "値", 60)
    assert cache.get_bytes("text") == "値".encode()


def test_a_json_body_is_stored_with_its_etag(cache: Cache) -> None:
    calls: list[int] = []

    def compute() -> bytes:
        calls.append(1)
        return b'{"a":1}'

    first = cached_body(cache, "k", 60, compute)
    again = cached_body(cache, "k", 60, compute)
    assert first == again and calls == [1]
    assert first.body == b'{"a":1}' and first.etag.startswith(b'"') and len(first.etag) == 18
    assert cached_body(cache, "other", 60, lambda: b'{"a":2}').etag != first.etag


def test_a_cache_that_is_down_does_not_break_reads() -> None:
    down = RedisCache("redis://127.0.0.1:1/0")
    assert down.ping() is False
    assert cached_json(down, "k", 60, lambda: {"ok": True}) == {"ok": True}


# -- the circuit breaker, on a clock the test moves ------------------------------------------------


def breaker_on(clock: ManualClock, failures: int = 3, cooldown: float = 5.0) -> CircuitBreaker:
    return CircuitBreaker("test", failure_threshold=failures, cooldown_seconds=cooldown, clock=clock)


def test_breaker_opens_after_consecutive_failures_only() -> None:
    breaker = breaker_on(ManualClock())
    error = ConnectionError("refused")
    for _ in range(2):
        breaker.failure(breaker.acquire() or BreakerState.CLOSED, error)
    breaker.success(BreakerState.CLOSED)  # a success in between resets the count
    for _ in range(2):
        breaker.failure(BreakerState.CLOSED, error)
    assert breaker.state is BreakerState.CLOSED
    breaker.failure(BreakerState.CLOSED, error)
    assert breaker.state is BreakerState.OPEN and breaker.openings == 1


def test_open_breaker_rejects_until_the_cooldown_then_admits_one_trial() -> None:
    clock = ManualClock()
    breaker = breaker_on(clock, failures=1, cooldown=5.0)
    breaker.failure(BreakerState.CLOSED, TimeoutError())
    admitted = breaker.admitted
    clock.advance(4.9)
    assert [breaker.acquire() for _ in range(3)] == [None, None, None]
    assert breaker.admitted == admitted and breaker.rejected == 3
    clock.advance(0.1)
    assert breaker.acquire() is BreakerState.HALF_OPEN
    assert breaker.acquire() is None  # one trial at a time: the others keep using the fallback
    assert breaker.success(BreakerState.HALF_OPEN) is True
    assert breaker.state is BreakerState.CLOSED and breaker.acquire() is BreakerState.CLOSED


def test_a_failed_trial_cools_down_again_without_counting_a_new_outage() -> None:
    clock = ManualClock()
    breaker = breaker_on(clock, failures=1, cooldown=5.0)
    breaker.failure(BreakerState.CLOSED, TimeoutError())
    clock.advance(5)
    breaker.failure(breaker.acquire() or BreakerState.CLOSED, TimeoutError())
    assert breaker.state is BreakerState.OPEN and breaker.openings == 1
    clock.advance(4.9)
    assert breaker.acquire() is None  # the cool-down restarted at the failed trial
    clock.advance(0.1)
    assert breaker.acquire() is BreakerState.HALF_OPEN


def test_a_late_success_of_a_call_admitted_before_the_outage_does_not_close_the_breaker() -> None:
    breaker = breaker_on(ManualClock(), failures=1)
    slow = breaker.acquire()
    assert slow is BreakerState.CLOSED
    breaker.failure(BreakerState.CLOSED, TimeoutError())
    assert breaker.success(slow) is False
    assert breaker.state is BreakerState.OPEN


def test_breaker_logs_each_transition_once_not_each_call() -> None:
    clock = ManualClock()
    breaker = breaker_on(clock, failures=2)
    with structlog.testing.capture_logs() as logs:
        for _ in range(10):
            token = breaker.acquire()
            if token is not None:
                breaker.failure(token, ConnectionError("refused"))
        clock.advance(5)
        breaker.failure(breaker.acquire() or BreakerState.CLOSED, ConnectionError("refused"))
        clock.advance(5)
        breaker.success(breaker.acquire() or BreakerState.CLOSED)
        for _ in range(5):
            breaker.success(breaker.acquire() or BreakerState.CLOSED)
    assert [entry["event"] for entry in logs] == ["circuit_breaker.open", "circuit_breaker.closed"]
    assert logs[0]["log_level"] == "warning" and "refused" in logs[0]["error"]


def test_breaker_refuses_nonsense_settings() -> None:
    with pytest.raises(ValueError, match="failure_threshold"):
        CircuitBreaker("test", failure_threshold=0)


# -- ResilientCache: callers never see Redis fail -------------------------------------------------


def refused_cache(clock: ManualClock) -> ResilientCache:
    return ResilientCache(RedisCache(REFUSED_URL), breaker=breaker_on(clock), fallback_max_age=30)


def test_resilient_cache_answers_from_memory_when_redis_refuses() -> None:
    cache = refused_cache(ManualClock())
    cache.set("a", "1", ttl=60)
    assert cache.get("a") == "1"
    cache.delete("a")
    assert cache.get("a") is None
    # Login-throttle counters keep counting, each window with its TTL.
    assert [cache.incr("login-fail:user:x", ttl=900) for _ in range(6)] == [1, 2, 3, 4, 5, 6]
    assert cache.breaker.state is BreakerState.OPEN
    assert cache.ping() is False
    assert cache.status() == {"backend": "redis", "ok": False, "breaker": "open"}


def test_an_open_breaker_makes_no_redis_call_at_all() -> None:
    cache = refused_cache(ManualClock())
    for _ in range(3):
        cache.get("k")
    assert cache.breaker.state is BreakerState.OPEN
    admitted = cache.breaker.admitted
    for _ in range(50):
        cache.set("k", "v", 60)
        cache.get("k")
        cache.incr("n", ttl=60)
        market_generation(cache)
        cache.ping()
    assert cache.breaker.admitted == admitted
    assert cache.breaker.rejected >= 250


def test_generation_while_redis_is_away_is_local_bumps_locally_and_rolls_over() -> None:
    clock = ManualClock()
    cache = refused_cache(clock)
    first = market_generation(cache)
    assert first.startswith("local-")
    assert market_generation(cache) == first
    bump_market_generation(cache)  # a sync in this process while Redis is away
    bumped = market_generation(cache)
    assert bumped != first
    clock.advance(30)  # a sync elsewhere cannot reach us: no fallback answer outlives 30 s
    assert market_generation(cache) not in {first, bumped}


def test_create_cache_wraps_redis_with_the_configured_breaker(tmp_path: Path) -> None:
    settings = make_settings(
        "sqlite://",
        tmp_path,
        redis_url=REFUSED_URL,
        redis_connect_timeout_seconds=0.2,
        redis_socket_timeout_seconds=0.3,
        redis_breaker_failures=4,
        redis_breaker_cooldown_seconds=7,
    )
    cache = create_cache(settings.redis_url, options=RedisOptions.from_settings(settings))
    assert isinstance(cache, ResilientCache)
    assert cache.breaker.failure_threshold == 4 and cache.breaker.cooldown_seconds == 7
    kwargs = cache.redis.client.connection_pool.connection_kwargs
    assert kwargs["socket_connect_timeout"] == 0.2 and kwargs["socket_timeout"] == 0.3
    assert isinstance(create_cache(None), MemoryCache)


def test_resilient_cache_uses_a_healthy_redis(backend: str) -> None:
    if backend != "postgres":  # the "services" backend: the real shared Redis
        pytest.skip("needs the shared Redis")
    prefix = f"kabu-test-{uuid.uuid4().hex[:8]}:"
    cache = ResilientCache(RedisCache(REDIS_URL, prefix=prefix), breaker=breaker_on(ManualClock()))
    try:
        cache.set("a", "1", ttl=60)
        assert cache.incr("n", ttl=60) == 1
        generation = bump_market_generation(cache)
        assert market_generation(cache) == str(generation)
        assert cache.status() == {"backend": "redis", "ok": True, "breaker": "closed"}
        assert cache.redis.client.get(prefix + "a") == b"1"  # the client speaks bytes (cached answers)
        assert cache.fallback.get("a") is None  # nothing went to the fallback
        cache.redis.client.set(prefix + "market:generation", "set-by-hand")
        assert market_generation(cache) == "set-by-hand"  # any string works; not ours to repair
    finally:
        keys = list(cache.redis.client.scan_iter(match=f"{prefix}*"))
        if keys:
            cache.redis.client.delete(*keys)
        cache.close()


async def test_a_hot_answer_is_read_from_the_process_when_the_request_knows_the_generation(
    backend: str,
) -> None:
    if backend != "postgres":
        pytest.skip("needs the shared Redis")
    prefix = f"kabu-test-{uuid.uuid4().hex[:8]}:"
    cache = ResilientCache(RedisCache(REDIS_URL, prefix=prefix), breaker=breaker_on(ManualClock()))
    try:
        generation = market_generation(cache)  # the thread path has read it
        key_for = lambda g: f"market:{g}:thing"  # noqa: E731
        cache.set_bytes(key_for(generation), JsonBody.of(b"[1]").packed(), 60)
        assert await peek_market(cache, key_for) == JsonBody.of(b"[1]")  # one round trip
        calls = cache.breaker.admitted
        # The generation as the request read it (with its rate-limit check): no Redis call.
        assert await peek_market(cache, key_for, generation) == JsonBody.of(b"[1]")
        assert cache.breaker.admitted == calls
        # A generation this process has not seen yet: the thread path must read it first.
        assert await peek_market(cache, key_for, str(int(generation) + 1)) is None
        bump_market_generation(cache)
        assert await peek_market(cache, key_for) is None  # the old answer is not the new one
    finally:
        keys = list(cache.redis.client.scan_iter(match=f"{prefix}*"))
        if keys:
            cache.redis.client.delete(*keys)
        cache.close()
