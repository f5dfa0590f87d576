"""Read cache: Redis in production, an in-process TTL cache when embedded.

Market reads are keyed by a *generation* number that every sync bumps, so one increment makes
every cached market answer stale at once, across all API processes sharing the Redis.

Redis is a cache, never a dependency: with a Redis URL, ``create_cache`` returns a
``ResilientCache`` that gives Redis short timeouts and a circuit breaker and, while Redis is away,
answers from an in-process ``MemoryCache`` (cached reads, login-throttle counters, the market
generation). Callers never see a Redis exception.

Answers that go out as JSON are cached as the bytes of their body (with an ETag), so a hit is sent
as it is: no parsing, no validation, no serialising (``cached_body``). And a hit can be found
without a thread: ``peek_market`` asks the cache from the event loop (the in-process cache by a
dict lookup, Redis asynchronously, the generation and the answer in one round trip).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import hashlib
import json
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

import redis
import redis.asyncio
from cachetools import LRUCache
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.retry import Retry

from kabu_trade.core.circuit_breaker import BreakerState, CircuitBreaker

if TYPE_CHECKING:
    from kabu_trade.core.config import Settings

T = TypeVar("T")
MARKET_GENERATION_KEY = "market:generation"
DEFAULT_PREFIX = "kabu:"
# The in-process cache's budget: what it holds is answers (a year of prices is ~20 kB), and the
# API's whole process should stay within 250 MB.
MEMORY_CACHE_BYTES = 48 * 2**20
# The near copy of hot Redis answers in each API process (``ResilientCache.peek_market``): keys
# hold the generation, so a copy is never stale; it only must not outlive Redis' own entry by much.
NEAR_BYTES = 16 * 2**20
NEAR_SECONDS = 60
# A market key for a generation (``market:<generation>:…``): what ``peek_market`` looks up.
KeyFor = Callable[[str], str]


class Cache(Protocol):
    backend: str

    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str, ttl: int) -> None: ...
    def get_bytes(self, key: str) -> bytes | None: ...
    def set_bytes(self, key: str, value: bytes, ttl: int) -> None: ...
    def delete(self, key: str) -> None: ...
    def incr(self, key: str, ttl: int | None = None) -> int: ...
    def ping(self) -> bool: ...
    def status(self) -> dict[str, Any]: ...
    def close(self) -> None: ...


def _entry_size(entry: tuple[float, str | bytes]) -> int:
    return len(entry[1]) + 100  # the value, and roughly what its key, tuple and slot cost


class MemoryCache:
    """Process-local cache: least recently used entries go first once ``max_bytes`` are held, each
    with its own expiry."""

    backend = "memory"

    def __init__(self, max_bytes: int = MEMORY_CACHE_BYTES) -> None:
        self._items: LRUCache[str, tuple[float, str | bytes]] = LRUCache(
            maxsize=max_bytes, getsizeof=_entry_size
        )
        self._lock = threading.Lock()

    def _live(self, key: str, now: float) -> tuple[float, str | bytes] | None:
        entry = self._items.get(key)
        if entry is not None and entry[0] < now:
            self._items.pop(key, None)
            return None
        return entry

    def get(self, key: str) -> str | None:
        with self._lock:
            entry = self._live(key, time.monotonic())
        if entry is None:
            return None
        return entry[1] if isinstance(entry[1], str) else entry[1].decode()

    def get_bytes(self, key: str) -> bytes | None:
        with self._lock:
            entry = self._live(key, time.monotonic())
        if entry is None:
            return None
        return entry[1] if isinstance(entry[1], bytes) else entry[1].encode()

    def set(self, key: str, value: str, ttl: int) -> None:
        self._store(key, value, ttl)

    def set_bytes(self, key: str, value: bytes, ttl: int) -> None:
        self._store(key, value, ttl)

    def _store(self, key: str, value: str | bytes, ttl: int) -> None:
        with self._lock, contextlib.suppress(ValueError):  # larger than the whole cache: not kept
            self._items[key] = (time.monotonic() + ttl, value)

    async def peek_market(self, key_for: KeyFor, generation: str | None = None) -> bytes | None:
        """A dict lookup: safe on the event loop."""
        return self.get_bytes(key_for(self.get(MARKET_GENERATION_KEY) or "0"))

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

    def status(self) -> dict[str, Any]:
        return {"backend": self.backend, "ok": True}

    def close(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass(frozen=True)
class RedisOptions:
    """How long to wait for Redis and when to stop asking it (``KABU_REDIS_*`` settings)."""

    connect_timeout: float = 0.25
    socket_timeout: float = 0.25
    breaker_failures: int = 3
    breaker_cooldown: float = 5.0
    # While Redis is away a sync in another process cannot reach us: the in-process market
    # generation rolls over this often, so no fallback answer is older than this.
    fallback_max_age: int = 30

    @classmethod
    def from_settings(cls, settings: Settings) -> RedisOptions:
        return cls(
            connect_timeout=settings.redis_connect_timeout_seconds,
            socket_timeout=settings.redis_socket_timeout_seconds,
            breaker_failures=settings.redis_breaker_failures,
            breaker_cooldown=settings.redis_breaker_cooldown_seconds,
            fallback_max_age=settings.redis_fallback_max_age_seconds,
        )


class RedisCache:
    """Plain Redis: errors reach the caller. Production wraps it in ``ResilientCache``."""

    backend = "redis"

    def __init__(
        self,
        url: str,
        prefix: str = DEFAULT_PREFIX,
        *,
        connect_timeout: float = 2.0,
        socket_timeout: float = 2.0,
    ) -> None:
        # No retries: redis-py's default (10 retries with exponential back-off) turned every call to
        # a frozen Redis into tens of seconds. A failed call fails fast; the breaker decides the rest.
        # Bytes, not text: cached answers are sent as they are stored; text is decoded by ``get``.
        self._client = redis.Redis.from_url(
            url,
            socket_timeout=socket_timeout,
            socket_connect_timeout=connect_timeout,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=30,
        )
        self.url = url
        self.connect_timeout = connect_timeout
        self.socket_timeout = socket_timeout
        self._prefix = prefix

    @property
    def client(self) -> redis.Redis:
        return self._client

    @property
    def prefix(self) -> str:
        return self._prefix

    def get(self, key: str) -> str | None:
        value = self._client.get(self._prefix + key)
        return value.decode() if isinstance(value, bytes) else None

    def get_bytes(self, key: str) -> bytes | None:
        value = self._client.get(self._prefix + key)
        return value if isinstance(value, bytes) else None

    def set(self, key: str, value: str, ttl: int) -> None:
        self._client.set(self._prefix + key, value, ex=ttl)

    def set_bytes(self, key: str, value: bytes, ttl: int) -> None:
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

    def incr_by(self, key: str, amount: int) -> int:
        return int(self._client.incrby(self._prefix + key, amount))  # type: ignore[arg-type]

    def ping(self) -> bool:
        try:
            return bool(self._client.ping())
        except redis.RedisError:
            return False

    def status(self) -> dict[str, Any]:
        return {"backend": self.backend, "ok": self.ping()}

    def close(self) -> None:
        self._client.close()


R = TypeVar("R")


class ResilientCache:
    """Redis behind a circuit breaker, with an in-process fallback while Redis is away.

    A call goes to Redis while the breaker is closed; a failed call (refused, timed out) answers
    from the fallback at once, and after a few consecutive failures the breaker opens: every call
    uses the fallback without touching the network until the cool-down ends. Then one call probes.

    The market generation needs care, because it is how a sync in one process tells the others
    that cached answers are stale, and Redis is the only channel:

    * While Redis is away, the generation is in-process (``local-<recoveries>.<bumps>.<period>``):
      it never equals a Redis generation nor one of an earlier outage, a local sync bumps it, and it
      rolls over every ``fallback_max_age`` seconds because a sync in *another* process cannot
      reach us; so no fallback answer (nor the screener's snapshot) outlives that.
    * The half-open probe is an INCR of the Redis generation, and the fallback is emptied when it
      succeeds. A sync may have run in another process while Redis was away (its bump went to its
      own fallback and is lost; a sync job may even have exited), so any answer cached in Redis
      before the outage may be stale: bumping on recovery drops them all, in every process, at
      the price of recomputing them once. Emptying the fallback drops answers computed during the
      outage, so the next outage starts clean.
    * A Redis restarted without persistence starts the generation again from 0, which could
      re-issue a number another process still has cached answers (or a screener snapshot) for:
      the generation never goes below the highest one this process has seen.
    """

    backend = "redis"

    def __init__(
        self,
        redis_cache: RedisCache,
        *,
        breaker: CircuitBreaker | None = None,
        fallback_max_age: int = 30,
        fallback: MemoryCache | None = None,
    ) -> None:
        self.redis = redis_cache
        self.breaker = breaker or CircuitBreaker("redis")
        self.fallback = fallback or MemoryCache()
        self.fallback_max_age = fallback_max_age
        self._lock = threading.Lock()
        self._highest_generation = 0
        self._local_bumps = 0
        self._recoveries = 0
        # The generation last read from Redis (None: none yet, or the fallback is answering):
        # ``peek_market`` asks Redis for it and for the answer under it in one round trip.
        self._redis_generation: str | None = None
        # Hot answers of the current generation, kept in the process as well (bounded): a request
        # that read the generation with its rate-limit check then needs no Redis call at all.
        self._near = MemoryCache(NEAR_BYTES)
        # redis.asyncio clients belong to the event loop they were made on: one per loop.
        self._async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, redis.asyncio.Redis] = (
            weakref.WeakKeyDictionary()
        )

    # -- the breaker around every Redis call ------------------------------------------------------
    def _admitted(self) -> bool:
        token = self.breaker.acquire()
        if token is None:
            return False
        if token is BreakerState.HALF_OPEN:
            return self._probe()
        return True

    def _probe(self) -> bool:
        try:
            value = self.redis.incr(MARKET_GENERATION_KEY)
            self._keep_generation_monotonic(value)
        except redis.RedisError as exc:
            self.breaker.failure(BreakerState.HALF_OPEN, exc)
            return False
        except BaseException as exc:  # never leave the breaker waiting for a trial that died
            self.breaker.failure(BreakerState.HALF_OPEN, exc)
            raise
        self.fallback.close()
        with self._lock:
            self._recoveries += 1
        self.breaker.success(BreakerState.HALF_OPEN)
        return True

    def _call(self, operation: Callable[[RedisCache], R], fallback: Callable[[MemoryCache], R]) -> R:
        if self._admitted():
            try:
                result = operation(self.redis)
            except redis.RedisError as exc:
                self.breaker.failure(BreakerState.CLOSED, exc)
            else:
                self.breaker.success(BreakerState.CLOSED)
                return result
        return fallback(self.fallback)

    # -- the Cache protocol ----------------------------------------------------------------------
    def get(self, key: str) -> str | None:
        return self._call(lambda r: r.get(key), lambda m: m.get(key))

    def get_bytes(self, key: str) -> bytes | None:
        return self._call(lambda r: r.get_bytes(key), lambda m: m.get_bytes(key))

    def set(self, key: str, value: str, ttl: int) -> None:
        self._call(lambda r: r.set(key, value, ttl), lambda m: m.set(key, value, ttl))

    def set_bytes(self, key: str, value: bytes, ttl: int) -> None:
        self._call(lambda r: r.set_bytes(key, value, ttl), lambda m: m.set_bytes(key, value, ttl))

    def delete(self, key: str) -> None:
        self._call(lambda r: r.delete(key), lambda m: m.delete(key))

    def incr(self, key: str, ttl: int | None = None) -> int:
        return self._call(lambda r: r.incr(key, ttl), lambda m: m.incr(key, ttl))

    def ping(self) -> bool:
        return self._call(lambda r: bool(r.client.ping()), lambda m: False)

    def status(self) -> dict[str, Any]:
        ok = self.ping()
        return {"backend": self.backend, "ok": ok, "breaker": self.breaker.state.value}

    def close(self) -> None:
        self.redis.close()
        self.fallback.close()
        self._near.close()
        # The async clients' connections belong to their loops, which may be gone: let them go.
        self._async_clients.clear()

    # -- reads from the event loop ---------------------------------------------------------------
    def _async_client(self) -> redis.asyncio.Redis:
        loop = asyncio.get_running_loop()
        client = self._async_clients.get(loop)
        if client is None:
            client = redis.asyncio.Redis.from_url(
                self.redis.url,
                socket_timeout=self.redis.socket_timeout,
                socket_connect_timeout=self.redis.connect_timeout,
                retry=AsyncRetry(NoBackoff(), 0),
            )
            self._async_clients[loop] = client
        return client

    async def peek_market(self, key_for: KeyFor, generation: str | None = None) -> bytes | None:
        """The cached market answer under the current generation, or None.

        ``generation`` is the market generation as the request has already read it from Redis
        (with its rate-limit check). When it is the one this process knows, the answer may come
        from the process's near copy of hot answers (no round trip at all) or from Redis (one GET);
        without it, the generation and the answer come in one round trip.

        None also when anything is unusual (no generation read yet, the generation moved, Redis
        failing or its breaker not closed): the caller then takes the thread path, whose calls
        keep the generation's rules (monotonic, local while Redis is away, probe on recovery). A
        failure here counts on the same breaker as every other Redis call.
        """
        known = self._redis_generation
        if known is None or self.breaker.state is not BreakerState.CLOSED:
            return None
        key = key_for(known)
        if generation is not None:
            if generation != known:
                return None  # moved since this process last looked: the thread path reads it
            near = self._near.get_bytes(key)
            if near is not None:
                return near
        token = self.breaker.acquire()
        if token is not BreakerState.CLOSED:
            return None
        prefix = self.redis.prefix
        try:
            async with asyncio.timeout(async_deadline(self.redis.connect_timeout, self.redis.socket_timeout)):
                pipe = self._async_client().pipeline(transaction=False)
                pipe.get(prefix + MARKET_GENERATION_KEY)
                pipe.get(prefix + key)
                current, body = await pipe.execute()
        except (redis.RedisError, TimeoutError) as exc:
            self.breaker.failure(token, exc)
            return None
        self.breaker.success(token)
        # A missing key is generation 0, as ``market_generation`` reads it.
        if (current.decode() if current is not None else "0") != known:
            self._redis_generation = None  # moved (or lost): the thread path reads it properly
            return None
        if not isinstance(body, bytes):
            return None
        self._near.set_bytes(key, body, NEAR_SECONDS)
        return body

    # -- the market generation -------------------------------------------------------------------
    def _keep_generation_monotonic(self, value: int) -> int:
        with self._lock:
            highest = self._highest_generation
        if value <= highest:
            # Redis lost the key (restart without persistence): move past every number seen here.
            value = self.redis.incr_by(MARKET_GENERATION_KEY, highest + 1 - value)
        with self._lock:
            self._highest_generation = max(self._highest_generation, value)
        return value

    def _local_generation(self) -> str:
        period = int(self.breaker.clock() // self.fallback_max_age)
        return f"local-{self._recoveries}.{self._local_bumps}.{period}"

    def market_generation(self) -> str:
        def from_redis(r: RedisCache) -> str:
            raw = r.get(MARKET_GENERATION_KEY) or "0"
            if not raw.isdecimal():  # not ours to repair: any string works as a generation
                return raw
            value = int(raw)
            if value < self._highest_generation:
                value = self._keep_generation_monotonic(value)
            else:
                with self._lock:
                    self._highest_generation = value
            self._redis_generation = str(value)
            return str(value)

        def local(m: MemoryCache) -> str:
            self._redis_generation = None
            return self._local_generation()

        return self._call(from_redis, local)

    def bump_market_generation(self) -> int:
        def locally(m: MemoryCache) -> int:
            with self._lock:
                self._local_bumps += 1
                return self._local_bumps

        return self._call(lambda r: self._keep_generation_monotonic(r.incr(MARKET_GENERATION_KEY)), locally)


def create_cache(
    redis_url: str | None, prefix: str = DEFAULT_PREFIX, options: RedisOptions | None = None
) -> Cache:
    if not redis_url:
        return MemoryCache()
    options = options or RedisOptions()
    return ResilientCache(
        RedisCache(
            redis_url, prefix, connect_timeout=options.connect_timeout, socket_timeout=options.socket_timeout
        ),
        breaker=CircuitBreaker(
            "redis", failure_threshold=options.breaker_failures, cooldown_seconds=options.breaker_cooldown
        ),
        fallback_max_age=options.fallback_max_age,
    )


def market_generation(cache: Cache) -> str:
    if isinstance(cache, ResilientCache):
        return cache.market_generation()
    return cache.get(MARKET_GENERATION_KEY) or "0"


def bump_market_generation(cache: Cache) -> int:
    if isinstance(cache, ResilientCache):
        return cache.bump_market_generation()
    return cache.incr(MARKET_GENERATION_KEY)


# The cache of the application serving the current request (set for every API request by
# ``core/ratelimit.py``'s middleware, copied into the request's worker thread): what code deep in a
# request, such as a session event after a commit, reaches other processes through. None outside
# a request (the CLI, jobs).
serving_cache: contextvars.ContextVar[Cache | None] = contextvars.ContextVar("serving_cache", default=None)


def async_deadline(connect_timeout: float, socket_timeout: float) -> float:
    """The longest an asynchronous Redis call may take, as a whole, before it counts as failed.

    The socket time-outs bound each wait on Redis itself; this only catches what they do not
    (a connection being set up, a script loaded), so it is generous: on a busy event loop the
    wall clock also counts the time other requests hold the loop, and a burst of requests opening
    connections together took over half a second on a loaded 2-core machine. A frozen Redis is
    still caught by the socket time-outs, and the breaker then stops asking it.
    """
    return 4 * (connect_timeout + socket_timeout)


def redis_key_prefix(cache: Cache) -> str | None:
    """The prefix of the cache's keys in Redis, or None for a cache without Redis."""
    if isinstance(cache, ResilientCache):
        return cache.redis.prefix
    if isinstance(cache, RedisCache):
        return cache.prefix
    return None


@dataclass(frozen=True)
class JsonBody:
    """A JSON answer as it goes out: its body and a strong ETag of it (stored together)."""

    body: bytes
    etag: bytes

    ETAG_LENGTH: ClassVar[int] = 18  # '"' + 16 hex digits + '"'

    @classmethod
    def of(cls, body: bytes) -> JsonBody:
        # A cache validator, not a signature (bandit B324 does not apply to BLAKE2).
        return cls(body, b'"' + hashlib.blake2b(body, digest_size=8).hexdigest().encode() + b'"')

    def packed(self) -> bytes:
        return self.etag + self.body

    @classmethod
    def unpack(cls, value: bytes) -> JsonBody | None:
        if len(value) < cls.ETAG_LENGTH or value[:1] != b'"':
            return None  # not one of ours (e.g. written by another version): a miss
        return cls(value[cls.ETAG_LENGTH :], value[: cls.ETAG_LENGTH])


def cached_body(cache: Cache, key: str, ttl: int, compute: Callable[[], bytes]) -> JsonBody:
    """The cached JSON answer for ``key``, or compute its body, store it and return it."""
    try:
        hit = cache.get_bytes(key)
    except redis.RedisError:
        hit = None
    found = JsonBody.unpack(hit) if hit is not None else None
    if found is not None:
        return found
    made = JsonBody.of(compute())
    with contextlib.suppress(redis.RedisError):
        cache.set_bytes(key, made.packed(), ttl)
    return made


async def peek_market(cache: Cache, key_for: KeyFor, generation: str | None = None) -> JsonBody | None:
    """A cached market answer found from the event loop without blocking, or None (the caller then
    answers from its thread). Caches that cannot be asked without blocking always say None.
    ``generation``: the market generation as the request read it already, if it did."""
    peek = getattr(cache, "peek_market", None)
    if peek is None:
        return None
    hit = await peek(key_for, generation)
    return JsonBody.unpack(hit) if hit is not None else None


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
