"""Redis killed, frozen and restarted under a running API: reads and sign-in keep working.

A private redis-server (tests/core/redis_server.py) plays production's Redis; the database is the
shared demo market (SQLite and PostgreSQL). The breaker runs on a clock the test moves, so "no more
calls once open" and "one trial after the cool-down" are counted, never timed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import structlog

from kabu_trade.core.cache import (
    MARKET_GENERATION_KEY,
    RedisCache,
    ResilientCache,
    bump_market_generation,
    cached_json,
    market_generation,
)
from kabu_trade.core.circuit_breaker import BreakerState, CircuitBreaker
from kabu_trade.core.context import AppContext
from kabu_trade.main import create_app
from tests.conftest import TEST_PASSWORD, create_user_in
from tests.core.redis_server import ManualClock, PrivateRedis

PREFIX = "kabu:"
COOLDOWN = 5.0


def resilient_cache(server: PrivateRedis, clock: ManualClock) -> ResilientCache:
    return ResilientCache(
        RedisCache(server.url, PREFIX, connect_timeout=0.25, socket_timeout=0.25),
        breaker=CircuitBreaker("redis", failure_threshold=3, cooldown_seconds=COOLDOWN, clock=clock),
        fallback_max_age=30,
    )


@dataclass
class Api:
    http: httpx.AsyncClient
    cache: ResilientCache
    server: PrivateRedis
    clock: ManualClock

    async def sign_in(self) -> dict[str, str]:
        wrong = await self.http.post(
            "/api/v1/auth/token", data={"username": "investor", "password": "not it"}
        )
        assert wrong.status_code == 401, wrong.text
        response = await self.http.post(
            "/api/v1/auth/token", data={"username": "investor", "password": TEST_PASSWORD}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    async def reads(self, headers: dict[str, str] | None = None) -> dict[str, Any]:
        """The stock list, a detail and its prices (after signing in, unless given a token)."""
        headers = headers or await self.sign_in()
        answers: dict[str, Any] = {}
        listing = await self.http.get("/api/v1/stocks?limit=5", headers=headers)
        assert listing.status_code == 200, listing.text
        answers["list"] = listing.json()
        code = answers["list"]["items"][0]["code"]
        for name, path in (
            ("detail", f"/api/v1/stocks/{code}"),
            ("prices", f"/api/v1/stocks/{code}/prices?period=3m"),
        ):
            response = await self.http.get(path, headers=headers)
            assert response.status_code == 200, response.text
            answers[name] = response.json()
        return answers

    async def health(self) -> dict[str, Any]:
        response = await self.http.get("/api/v1/health")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def redis_keys(self) -> list[str]:
        return sorted(self.server.client().keys(f"{PREFIX}*"))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def cache(private_redis: PrivateRedis, clock: ManualClock) -> Iterator[ResilientCache]:
    made = resilient_cache(private_redis, clock)
    yield made
    made.close()


@pytest.fixture
async def api(
    context: AppContext,
    cache: ResilientCache,
    private_redis: PrivateRedis,
    clock: ManualClock,
) -> AsyncIterator[Api]:
    # The shared demo market database, with this test's Redis in front of it.
    faulty = AppContext(
        settings=context.settings, engine=context.engine, sessions=context.sessions, cache=cache
    )
    create_user_in(context)
    app = create_app(context=faulty)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield Api(http, cache, private_redis, clock)


async def assert_degraded_but_serving(api: Api, healthy: dict[str, Any]) -> None:
    """Redis is gone: the same answers come from the database, and once the breaker is open no
    further call reaches for Redis (so no request waits for a time-out any more)."""
    headers = await api.sign_in()
    assert await api.reads(headers) == healthy
    assert api.cache.breaker.state is BreakerState.OPEN
    admitted = api.cache.breaker.admitted
    assert await api.reads(headers) == healthy
    health = await api.health()
    assert health["status"] == "degraded"
    assert health["cache"] == {"backend": "redis", "ok": False, "breaker": "open"}
    assert api.cache.breaker.admitted == admitted, "an open breaker must not call Redis"


async def test_redis_killed_reads_sign_in_and_health_keep_working(api: Api) -> None:
    healthy = await api.reads()
    assert any(key.startswith(f"{PREFIX}market:") for key in api.redis_keys())  # Redis was in use
    assert (await api.health())["cache"] == {"backend": "redis", "ok": True, "breaker": "closed"}

    api.server.kill()
    with structlog.testing.capture_logs() as logs:
        await assert_degraded_but_serving(api, healthy)
    assert [entry["event"] for entry in logs if entry["event"].startswith("circuit_breaker")] == [
        "circuit_breaker.open"
    ]


async def test_redis_frozen_reads_sign_in_and_health_keep_working(api: Api) -> None:
    healthy = await api.reads()
    api.server.freeze()  # accepts connections, never answers: only the socket time-out saves us
    try:
        await assert_degraded_but_serving(api, healthy)
    finally:
        api.server.thaw()
    # Answering again: after the cool-down the next call is the trial and closes the breaker.
    api.clock.advance(COOLDOWN)
    assert await api.reads() == healthy
    assert api.cache.breaker.state is BreakerState.CLOSED


async def test_redis_restarted_the_breaker_closes_by_itself_and_redis_is_used_again(api: Api) -> None:
    healthy = await api.reads()
    generation_before = int(market_generation(api.cache))
    api.server.kill()
    with structlog.testing.capture_logs() as logs:
        await assert_degraded_but_serving(api, healthy)
        api.server.start()  # same port, empty (no persistence)
        assert api.redis_keys() == []
        api.clock.advance(COOLDOWN - 0.1)
        assert (await api.health())["cache"]["breaker"] == "open"  # still cooling down: not asked
        api.clock.advance(0.1)
        # Health alone (no traffic) is enough to find Redis back: its ping is the trial call.
        health = await api.health()
        assert health["status"] == "ok", health
        assert health["cache"] == {"backend": "redis", "ok": True, "breaker": "closed"}
        assert await api.reads() == healthy
    assert any(key.startswith(f"{PREFIX}market:") for key in api.redis_keys())  # used again
    # The restarted Redis forgot the generation; it must not start again below what we served.
    assert int(api.server.client().get(PREFIX + MARKET_GENERATION_KEY) or 0) > generation_before
    events = [entry["event"] for entry in logs if entry["event"].startswith("circuit_breaker")]
    assert events == ["circuit_breaker.open", "circuit_breaker.closed"]


def test_after_an_outage_no_answer_cached_before_it_is_served(
    private_redis: PrivateRedis,
    clock: ManualClock,
    cache: ResilientCache,
) -> None:
    """The stale-generation trap: Redis keeps its data through a freeze, while a sync job (another
    process) writes new data and cannot bump the shared generation. Recovery must not serve the
    answer Redis cached before the outage."""
    key = lambda: f"market:{market_generation(cache)}:detail"  # noqa: E731
    stale_key = key()
    assert cached_json(cache, stale_key, 300, lambda: "before the sync") == "before the sync"
    private_redis.freeze()
    try:
        sync_job = resilient_cache(private_redis, clock)
        for _ in range(3):
            cache.get("anything")
            sync_job.get("anything")
        assert cache.breaker.state is sync_job.breaker.state is BreakerState.OPEN
        bump_market_generation(sync_job)  # lands in the sync job's own fallback, lost to the others
        sync_job.close()  # and the job exits
        # During the outage the fallback computes from the database, under a local generation.
        assert cached_json(cache, key(), 300, lambda: "after the sync") == "after the sync"
    finally:
        private_redis.thaw()
    # The trap is real: Redis still holds the answer from before the sync under the old generation.
    assert private_redis.client().get(PREFIX + stale_key) == '"before the sync"'
    clock.advance(COOLDOWN)
    assert key() != stale_key
    assert cached_json(cache, key(), 300, lambda: "after the sync, again") == "after the sync, again"
    assert cache.breaker.state is BreakerState.CLOSED
    assert cache.fallback.get(key()) is None  # the outage's answers were dropped with the fallback
