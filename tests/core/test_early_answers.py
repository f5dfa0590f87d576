"""Cached reads answered before routing (core/early_answers.py): the router is not reached, the
answer and its headers are the route's own, and anything the early answer cannot vouch for still
goes through the router and its dependencies."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter
from sqlalchemy import update

from kabu_trade.auth.models import User
from kabu_trade.auth.user_cache import UserCache
from kabu_trade.core.cache import RedisCache, ResilientCache
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.main import create_app
from kabu_trade.market import repository
from tests.conftest import create_user_in, sign_in


@pytest.fixture
def routed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The paths of the requests that reached FastAPI's router."""
    paths: list[str] = []
    original = APIRouter.__call__

    async def counting(self: APIRouter, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            paths.append(scope["path"])
        await original(self, scope, receive, send)

    monkeypatch.setattr(APIRouter, "__call__", counting)
    yield paths


@pytest.fixture
async def client(context: AppContext) -> AsyncIterator[httpx.AsyncClient]:
    if isinstance(context.cache, RedisCache):
        # As served: Redis behind the breaker, which is what can be asked from the event loop.
        context = dataclasses.replace(context, cache=ResilientCache(context.cache))
    app = create_app(context=context)
    app.state.user_cache = UserCache(3600)  # outlives any pause of a loaded machine
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http


def _urls(context: AppContext) -> list[str]:
    with session_scope(context.sessions) as session:
        code = repository.search_stocks(session, None, None, None, 1, 5)[0][0].code
    return ["/api/v1/stocks?limit=20", f"/api/v1/stocks/{code}", f"/api/v1/stocks/{code}/prices?period=1y"]


async def test_a_repeated_cached_read_is_answered_before_routing_with_the_routes_answer(
    client: httpx.AsyncClient, context: AppContext, routed: list[str]
) -> None:
    create_user_in(context)
    headers = await sign_in(client)
    urls = _urls(context)
    # The first read of each computes the answer; the second finds it, and records how the
    # raw request validated (the first after signing in has no cached account yet to vouch).
    for _ in range(2):
        first = [await client.get(url, headers=headers) for url in urls]
    assert [r.status_code for r in first] == [200, 200, 200]
    routed.clear()
    again = [await client.get(url, headers=headers) for url in urls]
    assert routed == []  # none reached the router
    for before, after in zip(first, again, strict=True):
        assert after.status_code == 200 and after.content == before.content
        for header in ("etag", "cache-control", "content-type", "x-content-type-options"):
            assert after.headers[header] == before.headers[header], header
        assert after.headers["x-request-id"] != before.headers["x-request-id"]
    # A conditional request is answered there too, with the route's 304.
    etag = again[1].headers["etag"]
    not_modified = await client.get(urls[1], headers={**headers, "If-None-Match": etag})
    assert not_modified.status_code == 304 and routed == []


async def test_what_the_early_answer_cannot_vouch_for_goes_through_the_router(
    client: httpx.AsyncClient, context: AppContext, routed: list[str]
) -> None:
    create_user_in(context)
    headers = await sign_in(client)
    url = _urls(context)[1]
    for _ in range(2):
        assert (await client.get(url, headers=headers)).status_code == 200
    routed.clear()
    # No token, a query never validated, a path the route refuses: the router answers each.
    assert (await client.get(url)).status_code == 401
    # (Validated raw requests are remembered per process: a query no other test has sent.)
    assert (await client.get(f"{url}?x={uuid.uuid4().hex}", headers=headers)).status_code == 200
    assert (await client.get("/api/v1/stocks/!!", headers=headers)).status_code in (404, 422)
    assert routed == [url, url, "/api/v1/stocks/!!"]
    # A deactivated account: the user cache drops it at the commit, the route refuses it.
    with session_scope(context.sessions) as session:
        session.execute(update(User).values(is_active=False))
    assert (await client.get(url, headers=headers)).status_code in (401, 403)
    assert routed[-1] == url


async def test_early_answers_are_counted_under_their_route(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    create_user_in(context)
    headers = await sign_in(client)
    url = _urls(context)[1]
    for _ in range(3):
        assert (await client.get(url, headers=headers)).status_code == 200
    metrics = await client.get("/metrics")
    assert metrics.status_code == 200, metrics.text
    line = next(
        line
        for line in metrics.text.splitlines()
        if line.startswith("kabu_http_requests_total") and 'route="/api/v1/stocks/{code}"' in line
    )
    assert line.endswith(" 3.0"), line
