"""Sign-in throttling: counted before the password check, per account + address with back-off,
a looser cap per address, and no way for a stranger to lock someone else out."""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from kabu_trade.auth.throttle import LoginThrottle
from kabu_trade.core.cache import Cache, MemoryCache
from kabu_trade.core.context import AppContext
from kabu_trade.core.errors import TooManyRequests
from tests.auth.helpers import client_at, post_sign_in
from tests.conftest import _services_or_skip, create_user_in, make_cache

ContextFactory = Callable[..., AppContext]
ATTACKER, VICTIM = "203.0.113.9", "198.51.100.7"
# Waits far longer than any test runs: whether an attempt is let through never depends on timing.
LONG_WAIT = {"login_backoff_seconds": 600, "login_backoff_max_seconds": 3600}


async def _many_wrong(context: AppContext, address: str, username: str, count: int) -> Counter[int]:
    async with client_at(context, address) as client:
        answers = await asyncio.gather(
            *(post_sign_in(client, username, "wrong guess 1234") for _ in range(count))
        )
    return Counter(a.status_code for a in answers)


async def test_parallel_wrong_passwords_cannot_slip_past_the_count(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend, **LONG_WAIT)
    create_user_in(context, "hanako")
    free = context.settings.login_max_failures
    statuses = await _many_wrong(context, ATTACKER, "hanako", 30)
    # Exactly the free attempts reached the password check; every other one was refused unchecked.
    assert statuses == Counter({401: free, 429: 30 - free})
    async with client_at(context, ATTACKER) as client:
        blocked = await post_sign_in(client, "hanako")
    assert blocked.status_code == 429
    # Every racer took a number before the check, so the one that won the gate may hold any number
    # from the last free one up: its wait is a step of the back-off between the first and the cap.
    first, cap = context.settings.login_backoff_seconds, context.settings.login_backoff_max_seconds
    assert first - 10 <= int(blocked.headers["retry-after"]) <= cap
    assert "この接続元からのこのアカウント" in blocked.json()["detail"]  # Japanese by default


async def test_a_stranger_cannot_lock_the_owner_out(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend, **LONG_WAIT)
    create_user_in(context, "hanako")
    attacked = await _many_wrong(context, ATTACKER, "hanako", 20)
    assert attacked[429] > 0
    async with client_at(context, VICTIM) as owner:
        assert (await post_sign_in(owner, "hanako")).status_code == 200


async def test_the_address_cap_holds_across_accounts(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend, login_address_max_failures=6)
    create_user_in(context, "saburo")
    async with client_at(context, ATTACKER) as client:
        # Spread over accounts so that no pair reaches its own limit: only the address cap binds.
        answers = await asyncio.gather(
            *(post_sign_in(client, f"ghost{i}", "wrong guess 1234") for i in range(15))
        )
        assert Counter(a.status_code for a in answers) == Counter({401: 6, 429: 9})
        blocked = await post_sign_in(client, "saburo")
        assert blocked.status_code == 429 and "この接続元の" in blocked.json()["detail"]
        assert int(blocked.headers["retry-after"]) == context.settings.login_window_seconds
    async with client_at(context, VICTIM) as elsewhere:
        assert (await post_sign_in(elsewhere, "saburo")).status_code == 200


async def test_a_success_clears_the_pair(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend, **LONG_WAIT)
    create_user_in(context, "jiro")
    free = context.settings.login_max_failures
    async with client_at(context, VICTIM) as client:
        for _ in range(free - 1):
            assert (await post_sign_in(client, "jiro", "wrong guess 1234")).status_code == 401
        assert (await post_sign_in(client, "jiro")).status_code == 200
        # The count starts again: the same number of mistakes is allowed once more.
        for _ in range(free - 1):
            assert (await post_sign_in(client, "jiro", "wrong guess 1234")).status_code == 401
        assert (await post_sign_in(client, "jiro")).status_code == 200


# --- the throttle itself, on both caches ----------------------------------------------------------


@pytest.fixture(params=["memory", "redis"])
def cache(request: pytest.FixtureRequest) -> Any:
    if request.param == "redis":
        _services_or_skip()
    made: Cache = MemoryCache() if request.param == "memory" else make_cache("postgres")
    yield made
    if request.param == "redis":
        client = made._client  # type: ignore[attr-defined]
        keys = list(client.scan_iter(match=f"{made._prefix}*"))  # type: ignore[attr-defined]
        if keys:
            client.delete(*keys)
    made.close()


def _throttle(cache: Cache, now: list[float]) -> LoginThrottle:
    return LoginThrottle(
        cache,
        max_failures=3,
        window_seconds=3600,
        backoff_seconds=2,
        backoff_max_seconds=60,
        address_max_failures=100,
        clock=lambda: now[0],
    )


def _expire_wait(cache: Cache, throttle: LoginThrottle, username: str, address: str) -> None:
    """What the cache does by itself when a wait has passed (no sleeping in tests)."""
    who = hashlib.sha256(username.lower().encode()).hexdigest()[:32]
    for suffix in (":gate", ":until"):
        cache.delete(f"login:pair:{who}:{address}{suffix}")


def test_waits_double_per_failure_up_to_the_cap(cache: Cache) -> None:
    now = [1_000_000.0]
    throttle = _throttle(cache, now)
    for _ in range(2):
        throttle.failed(throttle.begin("kenji", VICTIM))
    waits = []
    for _ in range(7):
        throttle.failed(throttle.begin("kenji", VICTIM))
        with pytest.raises(TooManyRequests) as refused:
            throttle.begin("kenji", VICTIM)
        waits.append(int((refused.value.headers or {})["Retry-After"]))
        _expire_wait(cache, throttle, "kenji", VICTIM)
    assert waits == [2, 4, 8, 16, 32, 60, 60]
    assert [throttle.delay_after(n) for n in range(1, 6)] == [0, 0, 2, 4, 8]


def test_blocked_attempts_do_not_lengthen_the_wait(cache: Cache) -> None:
    now = [1_000_000.0]
    throttle = _throttle(cache, now)
    for _ in range(3):
        throttle.failed(throttle.begin("kenji", VICTIM))
    for _ in range(10):
        with pytest.raises(TooManyRequests):
            throttle.begin("kenji", VICTIM)
    now[0] += 1.5
    with pytest.raises(TooManyRequests) as refused:
        throttle.begin("kenji", VICTIM)
    assert (refused.value.headers or {})["Retry-After"] == "1"
    _expire_wait(cache, throttle, "kenji", VICTIM)
    attempt = throttle.begin("kenji", VICTIM)
    assert attempt.number == 4  # the ten refusals were not counted


def test_user_names_are_matched_without_case(cache: Cache) -> None:
    throttle = _throttle(cache, [0.0])
    for name in ("Kenji", "KENJI", "kenji "):
        throttle.failed(throttle.begin(name, VICTIM))
    with pytest.raises(TooManyRequests):
        throttle.begin("kenji", VICTIM)
