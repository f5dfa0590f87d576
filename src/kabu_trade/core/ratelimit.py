"""API rate limits: a budget per user (per address when unsigned) and one for expensive work.

A pure ASGI middleware, so that a request costs one counter hit per budget part and nothing
else: no database, no body read, no routing. A refusal answers 429 with ``Retry-After`` and the
``X-RateLimit-*`` headers; an accepted request carries none, because reading the window would be
a second Redis call on every request. The counters live in Redis, shared by every API process,
through the asyncio API of ``limits`` so that a slow Redis never blocks the event loop. With no
Redis configured, or while Redis fails, an in-process storage counts instead: per process, so an
outage loosens the limits by the number of workers but never lifts them.

Identity is the ``sub`` of a bearer token whose signature checks out (no database read: a revoked
token still counts against its user, and is refused afterwards by authentication); anything else
counts against the client's address.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import jwt
import structlog
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.storage.redis.redispy import RedispyBridge
from limits.aio.strategies import MovingWindowRateLimiter, RateLimiter
from limits.errors import StorageError
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kabu_trade.core.circuit_breaker import BreakerState, CircuitBreaker
from kabu_trade.core.config import Settings
from kabu_trade.core.net import client_address
from kabu_trade.core.security import decode_access_token

log = structlog.get_logger(__name__)
T = TypeVar("T")

API_PREFIX = "/api/v1/"
# Probes and the API description must answer while a client is throttled.
UNLIMITED_PATHS = frozenset({"/api/v1/health", "/api/v1/openapi.json"})
# Screener runs and evaluations (single or a whole watchlist) cost far more than a read.
EXPENSIVE_POST = re.compile(
    r"^/api/v1/(?:screener|evaluations)(?:/.*)?$|^/api/v1/watchlists/[^/]+/evaluate/?$"
)
KEY_PREFIX = "kabu-trade:ratelimit"
# What a browser app on another origin must be allowed to read (CORS ``expose_headers``).
RATE_LIMIT_HEADERS = ("retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")


@dataclass(frozen=True)
class Budget:
    name: str
    # Shortest period first: a burst is refused before it is charged to the longer periods.
    items: tuple[RateLimitItem, ...]

    @classmethod
    def parse(cls, name: str, value: str) -> Budget:
        return cls(name, tuple(sorted(parse_many(value), key=lambda item: item.get_expiry())))


@dataclass(frozen=True)
class Refusal:
    """The budget part that is spent, and when it frees a slot again."""

    budget: str
    limit: RateLimitItem
    reset: float  # epoch seconds

    def retry_after(self) -> int:
        return max(1, math.ceil(self.reset - time.time()))

    def headers(self) -> list[tuple[bytes, bytes]]:
        return [
            (b"retry-after", str(self.retry_after()).encode()),
            (b"x-ratelimit-limit", str(self.limit.amount).encode()),
            (b"x-ratelimit-remaining", b"0"),
            (b"x-ratelimit-reset", str(math.ceil(self.reset)).encode()),
        ]


class Counters:
    """Redis counters with an in-process fallback, behind the same kind of circuit breaker as the
    cache (``KABU_REDIS_*`` timeouts, failures and cool-down).

    The moving window counts exactly the hits of the last period (a list of at most ``amount``
    timestamps per key): no burst of twice the budget across a window edge, as fixed windows
    allow, and no approximation at the edge, as the sliding window counter makes.
    """

    def __init__(
        self,
        settings: Settings,
        key_prefix: str = KEY_PREFIX,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        self._redis: MovingWindowRateLimiter | None = None
        # A whole check is a few calls; each one is bounded by the socket time-outs as well.
        self._deadline = 4 * (settings.redis_connect_timeout_seconds + settings.redis_socket_timeout_seconds)
        if settings.redis_url:
            storage = RedisStorage(
                _async_uri(settings.redis_url),
                implementation="redispy",
                key_prefix=key_prefix,
                wrap_exceptions=True,
                socket_timeout=settings.redis_socket_timeout_seconds,
                socket_connect_timeout=settings.redis_connect_timeout_seconds,
                # redis-py retries thrice by default, which would multiply every time-out by four.
                retry=Retry(NoBackoff(), 0),  # type: ignore[arg-type]
            )
            self._redis = MovingWindowRateLimiter(storage)
        self.breaker = CircuitBreaker(
            "rate_limit",
            failure_threshold=settings.redis_breaker_failures,
            cooldown_seconds=settings.redis_breaker_cooldown_seconds,
            clock=clock,
        )

    @property
    def backend(self) -> str:
        return "redis" if self._redis is not None and self.breaker.state is BreakerState.CLOSED else "memory"

    async def run(self, operation: Callable[[RateLimiter], Awaitable[T]]) -> T:
        token = self.breaker.acquire() if self._redis is not None else None
        if self._redis is not None and token is not None:
            try:
                async with asyncio.timeout(self._deadline):
                    result = await operation(self._redis)
            except (StorageError, TimeoutError) as exc:
                self.breaker.failure(token, exc.storage_error if isinstance(exc, StorageError) else exc)
            else:
                self.breaker.success(token)
                return result
        # No Redis, or Redis failing: this process counts alone meanwhile.
        return await operation(self._memory)

    async def aclose(self) -> None:
        if self._redis is not None:
            storage = self._redis.storage
            # bandit B101: we built this storage ourselves; the assert only narrows its type for mypy.
            assert isinstance(storage, RedisStorage) and isinstance(storage.bridge, RedispyBridge)  # nosec B101
            await storage.bridge.storage.aclose()


def _async_uri(redis_url: str) -> str:
    if redis_url.startswith("unix://"):
        return "async+redis+unix://" + redis_url.removeprefix("unix://")
    return "async+" + redis_url


class RateLimits:
    """The budgets of one application and the counters they are kept in."""

    def __init__(
        self, settings: Settings, *, key_prefix: str = KEY_PREFIX, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.user = Budget.parse("user", settings.rate_limit_user)
        self.address = Budget.parse("address", settings.rate_limit_address)
        self.expensive = Budget.parse("expensive", settings.rate_limit_expensive)
        self.counters = Counters(settings, key_prefix, clock=clock)

    async def check(self, identity: tuple[str, str], expensive: bool) -> Refusal | None:
        """Count one request against every budget part that applies; the first one spent refuses it.

        One counter hit per part and nothing more while the budget lasts (the window's statistics
        cost a second call, so they are read only to answer a refusal)."""
        kind, who = identity
        budgets = [self.user if kind == "user" else self.address]
        if expensive:
            budgets.append(self.expensive)

        async def count(limiter: RateLimiter) -> Refusal | None:
            for budget in budgets:
                for item in budget.items:
                    if not await limiter.hit(item, budget.name, kind, who):
                        stats = await limiter.get_window_stats(item, budget.name, kind, who)
                        return Refusal(budget.name, item, stats.reset_time)
            return None

        return await self.counters.run(count)


def _bearer_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers") or ():
        if name == b"authorization":
            scheme, _, token = bytes(value).decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
            return None
    return None


def identify(scope: Scope, settings: Settings) -> tuple[str, str]:
    token = _bearer_token(scope)
    if token:
        try:
            payload = decode_access_token(token, settings.signing_key())
            return "user", str(payload["sub"])
        except (jwt.PyJWTError, KeyError):
            pass  # a forged or expired token buys no budget of its own
    return "address", client_address(scope, settings.trusted_proxies)


def is_limited(path: str) -> bool:
    return path.startswith(API_PREFIX) and path.rstrip("/") not in UNLIMITED_PATHS


def _too_many_requests(refusal: Refusal) -> tuple[Message, Message]:
    retry_after = refusal.retry_after()
    whose = {"user": "your account", "address": "your address", "expensive": "screener runs and evaluations"}
    body = json.dumps(
        {
            "error": "too_many_requests",
            "detail": (
                f"Rate limit for {whose[refusal.budget]} ({refusal.limit}) reached; retry in {retry_after} s."
            ),
            "field": None,
        }
    ).encode()
    start: Message = {
        "type": "http.response.start",
        "status": 429,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *refusal.headers(),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


class RateLimitMiddleware:
    """Counts every ``/api/v1`` request but health; answers 429 with ``Retry-After`` when spent.

    The budgets are read from the application's context on the first request (and kept on
    ``app.state.rate_limits``, where a test may put its own), so that the Redis client is made on
    the event loop that uses it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._closing(scope, send))
            return
        if scope["type"] != "http" or not is_limited(scope["path"]):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        settings: Settings = state.context.settings
        if not settings.rate_limit_enabled:
            await self.app(scope, receive, send)
            return
        limits: RateLimits | None = getattr(state, "rate_limits", None)
        if limits is None:
            limits = state.rate_limits = RateLimits(settings)
        expensive = scope["method"] == "POST" and EXPENSIVE_POST.match(scope["path"]) is not None
        refusal = await limits.check(identify(scope, settings), expensive)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        log.info("rate_limited", budget=refusal.budget, limit=str(refusal.limit), path=scope["path"])
        for message in _too_many_requests(refusal):
            await send(message)

    def _closing(self, scope: Scope, send: Send) -> Send:
        async def send_closing(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                limits: Any = getattr(scope["app"].state, "rate_limits", None)
                if isinstance(limits, RateLimits):
                    await limits.counters.aclose()
            await send(message)

        return send_closing
