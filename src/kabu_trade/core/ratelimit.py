"""API rate limits: a budget per user (per address when unsigned) and one for expensive work.

A pure ASGI middleware, so that a request costs one counter check and nothing else: no database,
no body read, no routing. A refusal answers 429 with ``Retry-After`` and the ``X-RateLimit-*``
headers; an accepted request carries none. The counters live in Redis, shared by every API
process: one script call per request checks and charges every budget part (one round trip), on
the asyncio client so that a slow Redis never blocks the event loop, and reads the signed-in
account's generation on the way (``auth/user_cache.py``). With no Redis configured, or while Redis
fails, an in-process storage (``limits``' moving window) counts instead: per process, so an outage
loosens the limits by the number of workers but never lifts them.

Identity is the ``sub`` of a bearer token whose signature checks out (no database read: a revoked
token still counts against its user, and is refused afterwards by authentication); anything else
counts against the client's address. The verified claims are left in the request's state, so the
token is checked once per request (and once per process: ``core/token_cache.py``).
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import jwt
import redis.asyncio
import structlog
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kabu_trade.core.cache import MARKET_GENERATION_KEY, async_deadline, redis_key_prefix, serving_cache
from kabu_trade.core.circuit_breaker import BreakerState, CircuitBreaker
from kabu_trade.core.config import Settings
from kabu_trade.core.i18n import Text, negotiate
from kabu_trade.core.net import client_address
from kabu_trade.core.token_cache import verified_tokens

log = structlog.get_logger(__name__)

API_PREFIX = "/api/v1/"
# Probes and the API description must answer while a client is throttled.
# Liveness touches no cache, the rate limiter's counters included.
UNLIMITED_PATHS = frozenset({"/api/v1/health", "/api/v1/health/live", "/api/v1/openapi.json"})
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


# One round trip per request: every budget part is checked and charged in one script, in order,
# stopping at the first that is spent (so a refused burst is not charged to the longer periods),
# exactly as the moving window of ``limits`` counts: a list of at most ``limit`` timestamps per
# key, newest first; a hit is refused when the ``limit``-th newest is still inside the window, and
# that entry's time + the period is when a slot frees. ``limits`` itself sends one script call
# per part and a second call for the window of a refusal: two to four round trips per request.
# The same trip reads the watched keys: the account's generation (``auth/user_cache.py``) and the
# market generation (``core/cache.py``: ``peek_market``), so that a cached read needs no other.
# KEYS: the parts' counters, then the watched keys. ARGV: now, then limit and period of each part.
# Returns {index of the spent part or 0, its oldest timestamp or false, the watched values (a
# missing key reads 0)}.
MOVING_WINDOW_SCRIPT = """
local now = tonumber(ARGV[1])
local parts = (#ARGV - 1) / 2
local watched = {}
for i = parts + 1, #KEYS do
  watched[#watched + 1] = redis.call('GET', KEYS[i]) or '0'
end
for i = 1, parts do
  local limit = tonumber(ARGV[2 * i])
  local period = tonumber(ARGV[2 * i + 1])
  local oldest = redis.call('LINDEX', KEYS[i], limit - 1)
  if oldest and tonumber(oldest) >= now - period then
    return {i, oldest, watched}
  end
  redis.call('LPUSH', KEYS[i], ARGV[1])
  redis.call('LTRIM', KEYS[i], 0, limit - 1)
  redis.call('EXPIRE', KEYS[i], period)
end
return {0, false, watched}
"""


@dataclass(frozen=True)
class Check:
    """The outcome of one request's check: a refusal or None, and the watched keys' values (None
    when they could not be read: no Redis, or Redis failing)."""

    refusal: Refusal | None
    watched: tuple[str, ...] | None = None


class Counters:
    """Redis counters with an in-process fallback, behind the same kind of circuit breaker as the
    cache (``KABU_REDIS_*`` timeouts, failures and cool-down).

    The moving window counts exactly the hits of the last period (a list of at most ``amount``
    timestamps per key): no burst of twice the budget across a window edge, as fixed windows
    allow, and no approximation at the edge, as the sliding window counter makes. On Redis it is
    the script above; in memory, ``limits``' moving window.
    """

    def __init__(
        self,
        settings: Settings,
        key_prefix: str = KEY_PREFIX,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.key_prefix = key_prefix
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        self._redis: redis.asyncio.Redis | None = None
        self._script: AsyncScript | None = None
        # One call, bounded by the socket time-outs; the deadline also covers a connection being
        # made and a script (re)load (core/cache.py: async_deadline).
        self._deadline = async_deadline(
            settings.redis_connect_timeout_seconds, settings.redis_socket_timeout_seconds
        )
        if settings.redis_url:
            self._redis = redis.asyncio.Redis.from_url(
                settings.redis_url,
                socket_timeout=settings.redis_socket_timeout_seconds,
                socket_connect_timeout=settings.redis_connect_timeout_seconds,
                # redis-py retries by default, which would multiply every time-out.
                retry=Retry(NoBackoff(), 0),
            )
            self._script = self._redis.register_script(MOVING_WINDOW_SCRIPT)
        self.breaker = CircuitBreaker(
            "rate_limit",
            failure_threshold=settings.redis_breaker_failures,
            cooldown_seconds=settings.redis_breaker_cooldown_seconds,
            clock=clock,
        )

    @property
    def backend(self) -> str:
        return "redis" if self._redis is not None and self.breaker.state is BreakerState.CLOSED else "memory"

    async def count(
        self, parts: Sequence[tuple[str, RateLimitItem]], kind: str, who: str, watch: Sequence[str] = ()
    ) -> Check:
        """Charge one hit to each part in order until one is spent; read ``watch`` on the way."""
        token = self.breaker.acquire() if self._script is not None else None
        if self._script is not None and token is not None:
            try:
                async with asyncio.timeout(self._deadline):
                    result = await self._on_redis(self._script, parts, kind, who, watch)
            except (RedisError, TimeoutError) as exc:
                self.breaker.failure(token, exc)
            else:
                self.breaker.success(token)
                return result
        # No Redis, or Redis failing: this process counts alone meanwhile.
        return Check(await self._in_memory(parts, kind, who))

    async def _on_redis(
        self,
        script: AsyncScript,
        parts: Sequence[tuple[str, RateLimitItem]],
        kind: str,
        who: str,
        watch: Sequence[str],
    ) -> Check:
        keys = [f"{self.key_prefix}:{item.key_for(budget, kind, who)}" for budget, item in parts]
        args: list[float | int] = [time.time()]
        for _, item in parts:
            args += [item.amount, item.get_expiry()]
        spent, oldest, watched = await script(keys=[*keys, *watch], args=args)
        refusal = None
        if spent:
            budget, item = parts[int(spent) - 1]
            refusal = Refusal(budget, item, float(oldest) + item.get_expiry())
        return Check(refusal, tuple(value.decode() for value in watched) if watch else None)

    async def _in_memory(
        self, parts: Sequence[tuple[str, RateLimitItem]], kind: str, who: str
    ) -> Refusal | None:
        for budget, item in parts:
            if not await self._memory.hit(item, budget, kind, who):
                stats = await self._memory.get_window_stats(item, budget, kind, who)
                return Refusal(budget, item, stats.reset_time)
        return None

    async def aclose(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()


class RateLimits:
    """The budgets of one application and the counters they are kept in."""

    def __init__(
        self, settings: Settings, *, key_prefix: str = KEY_PREFIX, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.user = Budget.parse("user", settings.rate_limit_user)
        self.address = Budget.parse("address", settings.rate_limit_address)
        self.expensive = Budget.parse("expensive", settings.rate_limit_expensive)
        self.counters = Counters(settings, key_prefix, clock=clock)

    async def check(self, identity: tuple[str, str], expensive: bool, watch: Sequence[str] = ()) -> Check:
        """Count one request against every budget part that applies; the first one spent refuses it.

        One counter hit per part while the budget lasts, all in one Redis round trip, which also
        reads the keys in ``watch`` (values the request needs: the account's generation)."""
        kind, who = identity
        budgets = [self.user if kind == "user" else self.address]
        if expensive:
            budgets.append(self.expensive)
        parts = [(budget.name, item) for budget in budgets for item in budget.items]
        return await self.counters.count(parts, kind, who, watch)


def _bearer_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers") or ():
        if name == b"authorization":
            scheme, _, token = bytes(value).decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
            return None
    return None


# What the middleware leaves in the request's state for authentication (``auth/deps.py``).
CLAIMS_STATE = "access_token_claims"  # (token, its verified claims): verified once per request
GENERATION_STATE = "identity_generation"  # the account's generation read from Redis, or absent
MARKET_GENERATION_STATE = "market_generation"  # the market generation read with it, or absent


def identify(scope: Scope, settings: Settings) -> tuple[str, str]:
    token = _bearer_token(scope)
    if token:
        try:
            payload = verified_tokens.claims(token, settings.signing_key())
        except jwt.PyJWTError:
            pass  # a forged or expired token buys no budget of its own
        else:
            if "sub" in payload:
                scope.setdefault("state", {})[CLAIMS_STATE] = (token, payload)
                return "user", str(payload["sub"])
    return "address", client_address(scope, settings.trusted_proxies)


EVERY_IDENTITY = "*"


def identity_generation(user_id: str | int) -> str:
    """The cache key (under the cache's prefix) of an account's generation, bumped after every
    committed change of its row (``auth/user_cache.py``); ``EVERY_IDENTITY``'s after a change of
    accounts that could not be told apart."""
    return f"identity-generation:{user_id}"


def watched_keys(prefix: str, user_id: str) -> tuple[str, str, str]:
    """What the check reads for a signed-in request: every account's generation, its own, and the
    market generation (the cached reads' keys depend on it)."""
    return (
        prefix + identity_generation(EVERY_IDENTITY),
        prefix + identity_generation(user_id),
        prefix + MARKET_GENERATION_KEY,
    )


def is_limited(path: str) -> bool:
    return path.startswith(API_PREFIX) and path.rstrip("/") not in UNLIMITED_PATHS


_WHOSE = {
    "user": Text("your account", "お使いのアカウント"),
    "address": Text("your address", "お使いの接続元"),
    "expensive": Text("screener runs and evaluations", "スクリーニングと評価"),
}
_PERIOD_JA = {"second": "秒", "minute": "分", "hour": "時間", "day": "日", "month": "か月", "year": "年"}


def _limit_ja(limit: RateLimitItem) -> str:
    """``3 per 1 hour`` as 「1時間に3回」."""
    unit = _PERIOD_JA.get(limit.GRANULARITY.name, limit.GRANULARITY.name)
    return f"{limit.multiples}{unit}に{limit.amount}回"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _too_many_requests(refusal: Refusal, scope: Scope) -> tuple[Message, Message]:
    # The header's language only: looking the account up would cost a refused request a database
    # read, which is what the limit is there to spare.
    lang = negotiate(_header(scope, b"accept-language"))
    retry_after = refusal.retry_after()
    whose = _WHOSE[refusal.budget]
    detail = Text(
        f"Rate limit for {whose.en} ({refusal.limit}) reached; retry in {retry_after} s.",
        f"{whose.ja}の利用回数の上限（{_limit_ja(refusal.limit)}）に達しました。{retry_after}秒後にもう一度お試しください。",
    )
    body = json.dumps(
        {"error": "too_many_requests", "detail": detail.get(lang), "field": None}, ensure_ascii=False
    ).encode()
    start: Message = {
        "type": "http.response.start",
        "status": 429,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"content-language", lang.encode()),
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
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        # Every request knows its application's cache, wherever it runs (auth/user_cache.py).
        serving_cache.set(state.context.cache)
        if not is_limited(scope["path"]):
            await self.app(scope, receive, send)
            return
        settings: Settings = state.context.settings
        if not settings.rate_limit_enabled:
            await self.app(scope, receive, send)
            return
        limits: RateLimits | None = getattr(state, "rate_limits", None)
        if limits is None:
            limits = state.rate_limits = RateLimits(settings)
        expensive = scope["method"] == "POST" and EXPENSIVE_POST.match(scope["path"]) is not None
        kind, who = identify(scope, settings)
        prefix = redis_key_prefix(state.context.cache) if kind == "user" else None
        checked = await limits.check((kind, who), expensive, watched_keys(prefix, who) if prefix else ())
        refusal = checked.refusal
        if refusal is None:
            if checked.watched is not None:
                every, own, market = checked.watched
                scope.setdefault("state", {})[GENERATION_STATE] = f"{every}.{own}"
                scope["state"][MARKET_GENERATION_STATE] = market
            await self.app(scope, receive, send)
            return
        log.info("rate_limited", budget=refusal.budget, limit=str(refusal.limit), path=scope["path"])
        for message in _too_many_requests(refusal, scope):
            await send(message)

    def _closing(self, scope: Scope, send: Send) -> Send:
        async def send_closing(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                limits: Any = getattr(scope["app"].state, "rate_limits", None)
                if isinstance(limits, RateLimits):
                    await limits.counters.aclose()
            await send(message)

        return send_closing
