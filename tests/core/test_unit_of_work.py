"""A 2xx means committed: the unit of work commits before the response, in the endpoint's hop.

The probes stand between the app and the client (an ASGI wrapper): at the moment a 2xx response
starts, they look at the database from a connection of their own, or kill every connection of
the API's database as a crash would. Before the fix the session committed in a dependency's exit,
which runs after the response is sent: the row was not there yet, and a crash then lost it.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from kabu_trade.core.context import AppContext
from kabu_trade.core.unit_of_work import UnitOfWorkRoute
from kabu_trade.main import create_app
from tests.conftest import create_user_in, sign_in

ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def at_success_start(app: FastAPI, probe: Callable[[], None]) -> ASGIApp:
    """Run ``probe`` when a 2xx response of a POST starts, before the client sees it."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def watch(message: dict[str, Any]) -> None:
            if (
                message["type"] == "http.response.start"
                and 200 <= message["status"] < 300
                and scope.get("method") == "POST"
            ):
                await asyncio.to_thread(probe)
            await send(message)

        await app(scope, receive, watch if scope["type"] == "http" else send)

    return wrapped


def policy_names(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return set(connection.execute(sa.text("SELECT name FROM policies")).scalars())
    finally:
        engine.dispose()


def kill_connections(url: str) -> None:
    """What a database crash does to the API: every one of its connections dies mid-flight."""
    admin = sa.create_engine(url)
    try:
        with admin.connect() as connection:
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
    finally:
        admin.dispose()


POLICY = {
    "name": "配当重視",
    "style": "dividend",
    "horizon": "long",
    "risk_tolerance": 2,
    "target_return_pct": 20,
    "stop_loss_pct": 8,
}


async def _signed_in(client: httpx.AsyncClient, context: AppContext) -> dict[str, str]:
    create_user_in(context)
    return await sign_in(client)


async def test_a_created_policy_is_committed_before_its_201(context: AppContext, backend: str) -> None:
    url = context.engine.url.render_as_string(hide_password=False)
    seen_at_response: list[set[str]] = []
    app = at_success_start(create_app(context=context), lambda: seen_at_response.append(policy_names(url)))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        headers = await _signed_in(client, context)
        seen_at_response.clear()
        response = await client.post("/api/v1/policies", json=POLICY, headers=headers)
    assert response.status_code == 201, response.text
    assert seen_at_response == [{"配当重視"}]


async def test_a_crash_right_after_the_201_loses_nothing(context: AppContext, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("a crash that kills connections is a server database's")
    url = context.engine.url.render_as_string(hide_password=False)
    app = at_success_start(create_app(context=context), lambda: kill_connections(url))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        headers = await _signed_in(client, context)
        response = await client.post("/api/v1/policies", json=POLICY, headers=headers)
        assert response.status_code == 201, response.text
        # The pool's connections were killed under it: pre-ping replaces them on the next request.
        again = await client.get(f"/api/v1/policies/{response.json()['id']}", headers=headers)
    assert again.status_code == 200, again.text
    assert "配当重視" in policy_names(url)


async def test_read_your_writes_under_concurrency(context: AppContext) -> None:
    # 160 requests of one user at once: beyond the rate limits, which are not what this is about.
    unlimited = dataclasses.replace(
        context, settings=context.settings.model_copy(update={"rate_limit_enabled": False})
    )
    transport = httpx.ASGITransport(app=create_app(context=unlimited))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        headers = await _signed_in(client, context)
        results = await asyncio.gather(*(_create_read_delete_read(client, headers, i) for i in range(40)))
    assert set(results) == {(201, 200, 204, 404)}


async def _create_read_delete_read(
    client: httpx.AsyncClient, headers: dict[str, str], i: int
) -> tuple[int, ...]:
    body = {**POLICY, "name": f"方針{i}"}
    created = await client.post("/api/v1/policies", json=body, headers=headers)
    assert created.status_code == 201, created.text
    url = f"/api/v1/policies/{created.json()['id']}"
    read = await client.get(url, headers=headers)
    deleted = await client.delete(url, headers=headers)
    gone = await client.get(url, headers=headers)
    return created.status_code, read.status_code, deleted.status_code, gone.status_code


def test_every_api_route_commits_before_its_response() -> None:
    app = create_app()
    api_routes = [r for r in app.routes if getattr(r, "path", "").startswith("/api/")]
    assert api_routes
    plain = [r.path for r in api_routes if not isinstance(r, UnitOfWorkRoute) and "openapi" not in r.path]
    assert plain == [], f"routes without a unit of work: {plain}"


def test_an_async_endpoint_is_refused() -> None:
    async def endpoint() -> None:
        return None

    with pytest.raises(TypeError, match="sync"):
        UnitOfWorkRoute("/x", endpoint)
