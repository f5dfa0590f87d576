"""PostgreSQL restarts under the API: writes meanwhile get 503 + Retry-After (never a 201 that is
then lost), and the first request after the database is back succeeds (no stuck connections)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kabu_trade.core.cache import MemoryCache
from kabu_trade.core.context import AppContext, build_context
from kabu_trade.core.migrate import upgrade
from kabu_trade.main import create_app
from tests.conftest import REQUIRE_SERVICES, create_user_in, make_settings, sign_in
from tests.faults.postgres_server import PostgresServer

POLICY = {
    "name": "再起動中",
    "style": "value",
    "horizon": "long",
    "risk_tolerance": 2,
    "target_return_pct": 20,
    "stop_loss_pct": 8,
}


@pytest.fixture(scope="module")
def server() -> Iterator[PostgresServer]:
    try:
        pg = PostgresServer().init()
        pg.start()
    except (FileNotFoundError, OSError) as exc:
        if REQUIRE_SERVICES:
            raise
        pytest.skip(f"no private PostgreSQL cluster: {exc}")
    yield pg
    pg.destroy()


@pytest.fixture
def context(server: PostgresServer, tmp_path: Path) -> Iterator[AppContext]:
    settings = make_settings(server.url, tmp_path, threads=4)
    context = build_context(settings, cache=MemoryCache())
    upgrade(context.engine)
    yield context
    context.close()


async def test_a_write_during_a_restart_is_refused_and_the_service_comes_back(
    server: PostgresServer, context: AppContext
) -> None:
    create_user_in(context)
    transport = httpx.ASGITransport(app=create_app(context=context))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        headers = await sign_in(client)
        before = await client.post("/api/v1/policies", json=POLICY, headers=headers)
        assert before.status_code == 201, before.text

        server.stop()
        try:
            during = await client.post(
                "/api/v1/policies", json={**POLICY, "name": "届かない"}, headers=headers
            )
            read = await client.get("/api/v1/policies", headers=headers)
            health = await client.get("/api/v1/health")
        finally:
            server.start()
        assert during.status_code == 503, during.text
        assert during.headers["retry-after"] == "5"
        assert during.json()["error"] == "service_unavailable"
        assert read.status_code == 503
        assert health.status_code == 503 and health.json()["database"]["ok"] is False

        # Every pooled connection died with the server: the very first request after it is back
        # must already succeed (pre-ping replaces them), and so must a write.
        after = await client.get("/api/v1/policies", headers=headers)
        assert after.status_code == 200, after.text
        assert [p["name"] for p in after.json()["items"]] == ["再起動中"]
        again = await client.post("/api/v1/policies", json={**POLICY, "name": "復旧後"}, headers=headers)
        assert again.status_code == 201, again.text
