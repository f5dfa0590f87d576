"""API rate limits (core/ratelimit.py): per user, per address, the expensive budget, on Redis and in
memory, and the fall-back to memory when Redis fails.

Budgets are small and long ("3/hour"): the moving window counts exactly, so the n+1-th request
within the test is refused whatever the clock says, with no sleeping.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
import redis
from pydantic import ValidationError
from structlog.testing import capture_logs

from kabu_trade.core.cache import redis_key_prefix
from kabu_trade.core.config import Settings
from kabu_trade.core.context import AppContext
from kabu_trade.core.ratelimit import RateLimits
from kabu_trade.core.security import create_access_token
from kabu_trade.main import create_app
from tests.conftest import REDIS_URL, REQUIRE_SERVICES, create_user_in, sign_in
from tests.core.redis_server import ManualClock, PrivateRedis, private_redis  # noqa: F401

# The fixtures' loop: the Redis connections a test opens are closed by its fixture, on their loop.
session_loop = pytest.mark.asyncio(loop_scope="session")
redis_only = pytest.mark.parametrize("counters", ["redis"], indirect=True)
GENEROUS = "1000/hour"


class LimitedClient(httpx.AsyncClient):
    """A client of one test application, which the test can reach to share it or inspect it."""

    def __init__(self, app: Any, address: str) -> None:
        # English, which the refusals below are checked in (a 429 follows Accept-Language).
        super().__init__(
            transport=httpx.ASGITransport(app=app, client=(address, 40000)),
            base_url="http://test",
            headers={"Accept-Language": "en"},
        )
        self.app = app


MakeClient = Callable[..., LimitedClient]


@pytest.fixture(params=["memory", "redis"])
def counters(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The Redis URL the counters use (None: in memory); a unique key prefix per test on Redis."""
    if request.param == "memory":
        yield None
        return
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if REQUIRE_SERVICES:
            pytest.fail(f"Redis at {REDIS_URL} is required in CI: {exc}", pytrace=False)
        pytest.skip(f"Redis at {REDIS_URL} unreachable: {exc}")
    yield REDIS_URL


@pytest.fixture
def key_prefix() -> str:
    return f"kabu-test-rl-{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def make_client(
    context: AppContext, counters: str | None, key_prefix: str
) -> AsyncIterator[MakeClient]:
    """Clients of a new app whose budgets the test chooses (or of ``app``); ``address`` is the
    client's peer address."""
    prefix = key_prefix
    made: list[LimitedClient] = []
    apps: list[Any] = []

    def make(
        address: str = "10.0.0.1",
        *,
        user: str = GENEROUS,
        anonymous: str = GENEROUS,
        expensive: str = GENEROUS,
        redis_url: str | None = counters,
        clock: Callable[[], float] | None = None,
        app: Any = None,
    ) -> LimitedClient:
        if app is None:
            app = create_app(context=context)
            settings = context.settings.model_copy(
                update={
                    "redis_url": redis_url,
                    "rate_limit_user": user,
                    "rate_limit_address": anonymous,
                    "rate_limit_expensive": expensive,
                }
            )
            extra = {"clock": clock} if clock else {}
            app.state.rate_limits = RateLimits(settings, key_prefix=prefix, **extra)
            apps.append(app)
        client = LimitedClient(app, address)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()
    for app in apps:
        await app.state.rate_limits.counters.aclose()
    if counters:
        shared = redis.Redis.from_url(counters)
        keys = list(shared.scan_iter(match=f"{prefix}*"))
        if keys:
            shared.delete(*keys)
        shared.close()


def assert_too_many(response: httpx.Response, budget_words: str, limit: str) -> None:
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["error"] == "too_many_requests" and body["field"] is None
    assert budget_words in body["detail"] and limit in body["detail"], body["detail"]
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 3600
    assert f"retry in {retry_after} s" in body["detail"]
    assert response.headers["x-ratelimit-limit"] == limit.split()[0]
    assert response.headers["x-ratelimit-remaining"] == "0"
    assert int(response.headers["x-ratelimit-reset"]) > 1_700_000_000


@session_loop
async def test_user_budget_refuses_that_user_only(context: AppContext, make_client: MakeClient) -> None:
    create_user_in(context, "alice")
    create_user_in(context, "bob")
    client = make_client(user="3/hour")
    alice, bob = await sign_in(client, "alice"), await sign_in(client, "bob")

    for _ in range(3):
        assert (await client.get("/api/v1/policies", headers=alice)).status_code == 200
    refused = await client.get("/api/v1/policies", headers=alice)
    assert_too_many(refused, "your account", "3 per 1 hour")
    # Inside the other middlewares: a 429 is logged with its request id like any answer.
    assert refused.headers["x-request-id"]
    # Refused before any work: the same for any route, even one that does not exist.
    assert (await client.get("/api/v1/no-such-route", headers=alice)).status_code == 429

    assert (await client.get("/api/v1/policies", headers=bob)).status_code == 200
    # Alice from another address is still Alice: the budget follows the account.
    elsewhere = make_client("10.9.9.9", app=client.app)
    assert (await elsewhere.get("/api/v1/policies", headers=alice)).status_code == 429
    # Her address's anonymous budget is a different one.
    assert (await client.get("/api/v1/policies")).status_code == 401


@session_loop
async def test_address_budget_for_unsigned_and_forged_requests(
    context: AppContext, make_client: MakeClient
) -> None:
    first = make_client("10.0.0.1", anonymous="2/hour")
    second = make_client("10.0.0.2", app=first.app)

    assert (await first.get("/api/v1/policies")).status_code == 401
    assert (
        await first.post("/api/v1/auth/token", data={"username": "x", "password": "y"})
    ).status_code == 401
    # Refused before authentication, and before the body is looked at.
    assert_too_many(await first.get("/api/v1/policies"), "your address", "2 per 1 hour")
    # A token signed with another key buys no budget of its own: it counts against the address.
    forged, _ = create_access_token("1", "another-key-that-is-long-enough-0123456789abcdef", 5, version=0)
    forged_response = await first.get("/api/v1/policies", headers={"Authorization": f"Bearer {forged}"})
    assert forged_response.status_code == 429

    assert (await second.get("/api/v1/policies")).status_code == 401


@session_loop
async def test_expensive_budget_is_separate_from_the_default(
    context: AppContext, make_client: MakeClient
) -> None:
    create_user_in(context, "alice")
    client = make_client(user="20/hour", expensive="2/hour")
    alice = await sign_in(client, "alice")

    # An invalid body still costs a screener run's budget: counting comes before validation.
    assert (await client.post("/api/v1/screener", json={}, headers=alice)).status_code == 422
    assert (await client.post("/api/v1/evaluations", json={}, headers=alice)).status_code == 422
    for path in (
        "/api/v1/screener",
        "/api/v1/screener/export.csv",
        "/api/v1/evaluations",
        "/api/v1/watchlists/1/evaluate",
    ):
        refused = await client.post(path, json={}, headers=alice)
        assert_too_many(refused, "screener runs and evaluations", "2 per 1 hour")
    # Reads, including of screener and evaluation results, still pass.
    assert (await client.get("/api/v1/policies", headers=alice)).status_code == 200
    assert (await client.get("/api/v1/evaluations", headers=alice)).status_code == 200


@session_loop
async def test_health_and_the_api_description_are_never_limited(
    context: AppContext, make_client: MakeClient
) -> None:
    client = make_client(anonymous="1/hour")
    assert (await client.get("/api/v1/policies")).status_code == 401
    assert (await client.get("/api/v1/policies")).status_code == 429
    for _ in range(3):
        health = await client.get("/api/v1/health")
        assert health.status_code in (200, 503) and "retry-after" not in health.headers
        assert (await client.get("/api/v1/openapi.json")).status_code == 200
        assert (await client.get("/docs")).status_code == 200
        assert (await client.get("/")).status_code != 429  # the web app's files


@session_loop
@redis_only
async def test_counters_are_shared_by_the_processes_of_one_redis(
    context: AppContext, make_client: MakeClient, counters: str | None, key_prefix: str
) -> None:
    assert counters is not None
    one = make_client(anonymous="2/hour")
    # A second application (another worker) with the same key prefix: the same counters.
    two_app = create_app(context=context)
    two_app.state.rate_limits = RateLimits(
        context.settings.model_copy(update={"redis_url": counters, "rate_limit_address": "2/hour"}),
        key_prefix=key_prefix,
    )
    two = make_client(app=two_app)
    assert (await one.get("/api/v1/policies")).status_code == 401
    assert (await two.get("/api/v1/policies")).status_code == 401
    assert (await one.get("/api/v1/policies")).status_code == 429
    await two_app.state.rate_limits.counters.aclose()


@session_loop
async def test_switched_off(context_factory: Callable[..., AppContext], counters: str | None) -> None:
    context = context_factory("sqlite", rate_limit_enabled=False)
    app = create_app(context=context)
    app.state.rate_limits = RateLimits(
        context.settings.model_copy(update={"rate_limit_address": "1/hour", "redis_url": counters}),
        key_prefix=f"kabu-test-rl-{uuid.uuid4().hex[:12]}",
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        for _ in range(3):
            assert (await client.get("/api/v1/policies")).status_code == 401
    await app.state.rate_limits.counters.aclose()


def _closed_port() -> Iterator[int]:
    """A port bound but not listening: connections are refused for as long as it is held."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        yield int(held.getsockname()[1])


def _silent_port() -> Iterator[int]:
    """A port that accepts connections (the kernel's backlog) and never answers: a frozen Redis."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        held.listen(16)
        yield int(held.getsockname()[1])


@session_loop
@redis_only
@pytest.mark.parametrize("fault", [_closed_port, _silent_port], ids=["refused", "frozen"])
async def test_redis_failure_falls_back_to_memory_and_keeps_limiting(
    context: AppContext, make_client: MakeClient, counters: str | None, fault: Callable[[], Iterator[int]]
) -> None:
    ports = fault()
    port = next(ports)
    client = make_client(anonymous="3/hour", redis_url=f"redis://127.0.0.1:{port}/0")
    with capture_logs() as logs:
        statuses = [(await client.get("/api/v1/policies")).status_code for _ in range(5)]
    ports.close()
    # No 500: the counting went on in memory, and still refuses past the budget.
    assert statuses == [401, 401, 401, 429, 429]
    counted = client.app.state.rate_limits.counters
    assert counted.backend == "memory"
    # Three failures open the breaker (KABU_REDIS_BREAKER_FAILURES); then Redis is not even asked,
    # and the outage is logged once, not once per request.
    assert counted.breaker.rejected == 2
    assert breaker_events(logs) == ["circuit_breaker.open"]


def breaker_events(logs: list[dict[str, Any]]) -> list[str]:
    return [e["event"] for e in logs if e.get("breaker") == "rate_limit"]


@session_loop
@redis_only
async def test_back_on_redis_after_the_cool_down(
    context: AppContext,
    make_client: MakeClient,
    counters: str | None,
    private_redis: PrivateRedis,  # noqa: F811
) -> None:
    clock = ManualClock()
    client = make_client(redis_url=private_redis.url, clock=clock)
    counted = client.app.state.rate_limits.counters

    async def anonymous_request() -> None:
        assert (await client.get("/api/v1/policies")).status_code == 401

    await anonymous_request()
    assert counted.backend == "redis" and private_redis.client().dbsize() == 1

    private_redis.kill()
    with capture_logs() as logs:
        for _ in range(context.settings.redis_breaker_failures):
            await anonymous_request()
        assert counted.backend == "memory"
        private_redis.start()  # back, and empty (a cache Redis keeps nothing)
        # Still cooling down: memory counts, Redis is not asked.
        await anonymous_request()
        assert private_redis.client().dbsize() == 0
        clock.advance(context.settings.redis_breaker_cooldown_seconds)
        await anonymous_request()
        assert counted.backend == "redis" and private_redis.client().dbsize() == 1
    assert breaker_events(logs) == ["circuit_breaker.open", "circuit_breaker.closed"]


@pytest.mark.parametrize(
    "variable", ["KABU_RATE_LIMIT_USER", "KABU_RATE_LIMIT_ADDRESS", "KABU_RATE_LIMIT_EXPENSIVE"]
)
@pytest.mark.parametrize("value", ["lots", "0/minute", "10/fortnight", ""])
def test_a_budget_that_cannot_be_read_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError, match=variable):
        Settings()


def _calls(server: PrivateRedis) -> dict[str, int]:
    stats = server.client().info("commandstats")
    return {name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in stats.items()}


@session_loop
@redis_only
async def test_one_round_trip_per_check_whatever_the_budget_parts(
    context: AppContext,
    make_client: MakeClient,
    counters: str | None,
    private_redis: PrivateRedis,  # noqa: F811
) -> None:
    create_user_in(context, "alice")
    # Two parts for the user, two more for screener runs: four counters, still one call.
    client = make_client(
        redis_url=private_redis.url, user="1000/hour;100/minute", expensive="50/hour;5/minute"
    )
    alice = await sign_in(client, "alice")
    await client.get("/api/v1/policies", headers=alice)  # loads the script once
    before = _calls(private_redis)
    for _ in range(3):
        assert (await client.get("/api/v1/policies", headers=alice)).status_code == 200
        assert (await client.post("/api/v1/screener", json={}, headers=alice)).status_code == 422
    after = _calls(private_redis)
    ours = {name for name in after if name not in {"info", "hello"}}  # the test's own questions
    made = {name: after[name] - before.get(name, 0) for name in ours if after[name] != before.get(name, 0)}
    # Inside the one script call: 2 or 4 counters each, the account's two generations and the
    # market generation (read where the cache is Redis, whose prefix they are kept under).
    generations = {"get": 18} if redis_key_prefix(context.cache) else {}
    assert made == {"evalsha": 6, "lindex": 18, "lpush": 18, "ltrim": 18, "expire": 18, **generations}, made


@session_loop
async def test_a_refused_burst_is_not_charged_to_the_longer_period(
    context: AppContext, make_client: MakeClient, counters: str | None
) -> None:
    alice_id = create_user_in(context, "alice")
    client = make_client(user="1000/hour;2/minute")
    alice = await sign_in(client, "alice")
    for _ in range(2):
        assert (await client.get("/api/v1/policies", headers=alice)).status_code == 200
    refused = await client.get("/api/v1/policies", headers=alice)
    assert_too_many(refused, "your account", "2 per 1 minute")
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    # The refused request was not charged to the hour: 2 of 1000 used, not 3.
    counted = client.app.state.rate_limits.counters
    hour = client.app.state.rate_limits.user.items[1]
    assert str(hour) == "1000 per 1 hour"
    if counters is None:
        window = await counted._memory.get_window_stats(hour, "user", "user", str(alice_id))
        assert window.remaining == 998
    else:
        listed = redis.Redis.from_url(counters).llen(
            f"{counted.key_prefix}:{hour.key_for('user', 'user', alice_id)}"
        )
        assert listed == 2
