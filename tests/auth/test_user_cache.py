"""The signed-in user from the process's short user cache (auth/user_cache.py): no query for a
cached read, and revocation still honoured — at once in the same process, at once in another
process through the Redis generation, within the TTL without Redis."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from kabu_trade.auth import repository
from kabu_trade.auth.models import User
from kabu_trade.auth.user_cache import EVERY_USER, UserCache, _caches, _ids_in
from kabu_trade.core.cache import redis_key_prefix
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.core.ratelimit import RateLimits
from kabu_trade.main import create_app
from tests.auth.helpers import bearer, post_sign_in
from tests.conftest import REDIS_URL, create_user_in
from tests.core.database_use import database_use
from tests.core.redis_server import ManualClock

ME = "/api/v1/users/me"
LONG = 3600.0  # entries that outlive any pause of a loaded machine: only invalidation ends them


def app_with(context: AppContext, cache: UserCache, *, other_process: bool = False) -> Any:
    app = create_app(context=context)
    app.state.user_cache = cache
    if other_process:
        # Another API process: this process's commits do not reach its cache directly.
        _caches.discard(cache)
    return app


def client_of(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.fixture
async def api(context: AppContext) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(app_with(context, UserCache(LONG))) as http:
        yield http


async def signed_in(client: httpx.AsyncClient, context: AppContext, name: str = "investor") -> dict[str, Any]:
    create_user_in(context, name)
    answer = await post_sign_in(client, name)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def me(client: httpx.AsyncClient, token: str) -> int:
    return (await client.get(ME, headers=bearer(token))).status_code


async def test_a_repeated_read_asks_the_database_nothing(api: httpx.AsyncClient, context: AppContext) -> None:
    token = (await signed_in(api, context))["access_token"]
    assert await me(api, token) == 200  # read once
    with database_use(context.engine) as used:
        for _ in range(3):
            assert await me(api, token) == 200
    assert used == {}, used


async def test_a_write_always_reads_its_account(api: httpx.AsyncClient, context: AppContext) -> None:
    token = (await signed_in(api, context))["access_token"]
    assert await me(api, token) == 200
    with database_use(context.engine) as used:
        changed = await api.patch(ME, json={"language": "en"}, headers=bearer(token))
    assert changed.status_code == 200 and used["statements"] >= 2
    # The change is seen at once by the next read, cached entry or not.
    assert (await api.get(ME, headers=bearer(token))).json()["language"] == "en"


async def test_sign_out_everywhere_refuses_an_old_token_at_once(
    api: httpx.AsyncClient, context: AppContext
) -> None:
    laptop = (await signed_in(api, context))["access_token"]
    phone = (await post_sign_in(api, "investor")).json()["access_token"]
    assert await me(api, laptop) == 200  # cached now
    for _ in range(2):  # the second answered from the cache before any dependency runs
        assert (await api.get("/api/v1/stocks?limit=3", headers=bearer(laptop))).status_code == 200
    assert (await api.post("/api/v1/auth/logout-all", headers=bearer(phone))).status_code == 204
    assert await me(api, laptop) == 401
    assert await me(api, phone) == 401
    # A cached market answer is no way round it either.
    assert (await api.get("/api/v1/stocks?limit=3", headers=bearer(laptop))).status_code == 401
    fresh = (await post_sign_in(api, "investor")).json()["access_token"]
    assert await me(api, fresh) == 200


async def test_a_password_change_refuses_an_old_token_at_once(
    api: httpx.AsyncClient, context: AppContext
) -> None:
    stolen = (await signed_in(api, context))["access_token"]
    mine = (await post_sign_in(api, "investor")).json()["access_token"]
    assert await me(api, stolen) == 200
    changed = await api.patch(
        ME,
        json={"current_password": "correct horse battery", "new_password": "sturdy walnut ferry 7"},
        headers=bearer(mine),
    )
    assert changed.status_code == 200, changed.text
    assert await me(api, stolen) == 401


@pytest.mark.parametrize("how", ["orm", "statement", "statement-for-everyone"])
async def test_deactivation_refuses_the_account_at_once(
    api: httpx.AsyncClient, context: AppContext, how: str
) -> None:
    token = (await signed_in(api, context))["access_token"]
    assert await me(api, token) == 200
    with session_scope(context.sessions) as session:
        user = repository.get_user_by_name(session, "investor")
        assert user is not None
        if how == "orm":
            user.is_active = False
        elif how == "statement":
            session.execute(sa.update(User).where(User.id == user.id).values(is_active=False))
        else:  # which rows it changes is not visible in the statement: every entry goes
            session.execute(sa.update(User).where(User.username.like("inv%")).values(is_active=False))
    assert await me(api, token) == 401


async def test_a_rolled_back_change_leaves_the_entry(api: httpx.AsyncClient, context: AppContext) -> None:
    token = (await signed_in(api, context))["access_token"]
    assert await me(api, token) == 200
    cache: UserCache = api._transport.app.state.user_cache  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError), session_scope(context.sessions) as session:
        session.execute(sa.update(User).values(is_active=False))
        raise RuntimeError("rolled back")
    assert len(cache) == 1
    with database_use(context.engine) as used:
        assert await me(api, token) == 200
    assert used == {}


async def test_without_redis_another_process_notices_within_the_ttl(context: AppContext) -> None:
    clock = ManualClock()
    here = app_with(context, UserCache(LONG))
    there_cache = UserCache(5, clock=clock)
    there = app_with(context, there_cache, other_process=True)
    async with client_of(here) as one, client_of(there) as other:
        token = (await signed_in(one, context))["access_token"]
        assert await me(other, token) == 200  # cached over there
        assert (await one.post("/api/v1/auth/logout-all", headers=bearer(token))).status_code == 204
        assert await me(one, token) == 401
        if redis_key_prefix(context.cache) is None:  # nothing told the other process
            assert await me(other, token) == 200
        clock.advance(5)
        assert await me(other, token) == 401


async def test_with_redis_another_process_refuses_at_once(
    context: AppContext, backend: str, context_factory: Callable[..., AppContext]
) -> None:
    if redis_key_prefix(context.cache) is None:
        pytest.skip("the Redis generation needs the Redis cache (the PostgreSQL + Redis variant)")
    settings = context.settings.model_copy(update={"redis_url": REDIS_URL})
    prefix = f"kabu-test-rl-{uuid.uuid4().hex[:12]}"
    apps = []
    for other_process in (False, True):
        app = app_with(context, UserCache(LONG), other_process=other_process)
        app.state.rate_limits = RateLimits(settings, key_prefix=prefix)  # counting on Redis
        apps.append(app)
    try:
        async with client_of(apps[0]) as one, client_of(apps[1]) as other:
            token = (await signed_in(one, context))["access_token"]
            assert await me(other, token) == 200  # cached over there, under the current generation
            with database_use(context.engine) as used:
                assert await me(other, token) == 200
            assert used == {}
            assert (await one.post("/api/v1/auth/logout-all", headers=bearer(token))).status_code == 204
            # The other process read the bumped generation with its rate-limit check: no waiting.
            assert await me(other, token) == 401
    finally:
        for app in apps:
            await app.state.rate_limits.counters.aclose()


def test_an_entry_read_before_an_invalidation_is_not_kept() -> None:
    cache = UserCache(LONG)
    user = User(id=7, username="x", is_admin=False, is_active=True, language="ja", token_version=0)
    epoch = cache.epoch  # a request starts reading the account…
    cache.invalidate([7])  # …while a commit changes it
    cache.put(user, None, epoch)
    assert cache.get(7, None) is None
    cache.put(user, "3", cache.epoch)
    assert cache.get(7, "3") is not None
    assert cache.get(7, "4") is None  # another generation: read again
    assert cache.get(7, None) is not None  # unknown generation (Redis away): the TTL decides


def test_the_cache_is_bounded_and_can_be_switched_off() -> None:
    cache = UserCache(LONG, maxsize=2)
    for i in range(3):
        cache.put(
            User(id=i, username=str(i), is_admin=False, is_active=True, language="ja"), None, cache.epoch
        )
    assert len(cache) == 2 and cache.get(0, None) is None
    off = UserCache(0)
    off.put(User(id=1, username="1", is_admin=False, is_active=True, language="ja"), None, off.epoch)
    assert off.get(1, None) is None and not off.enabled


def test_the_accounts_a_statement_changes() -> None:
    by_id = sa.update(User).where(User.id == 5).values(token_version=User.token_version + 1)
    assert _ids_in(by_id._where_criteria) == {5}
    assert _ids_in(sa.update(User).where(User.id.in_([1, 2]))._where_criteria) == {1, 2}
    assert _ids_in(sa.update(User).where(User.username == "x")._where_criteria) == {EVERY_USER}
    assert _ids_in(sa.update(User).values(is_active=False)._where_criteria) == {EVERY_USER}
