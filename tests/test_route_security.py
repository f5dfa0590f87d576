"""Walk every registered route: all of /api/v1 except health and auth must answer 401 without a
valid token. A new route that forgets its dependency fails here."""

from __future__ import annotations

import re
from typing import Any

import httpx

from kabu_trade.core.context import AppContext
from kabu_trade.main import create_app

# Refresh and sign-out are authorised by the refresh token in their body; logout-all needs a bearer.
PUBLIC = re.compile(r"^/api/v1/(health|health/live|auth/(token|setup|refresh|logout))$")


def _api_operations(context: AppContext) -> list[tuple[str, str]]:
    schema = create_app(context=context).openapi()
    return [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if path.startswith("/api/v1")
    ]


async def test_every_private_route_requires_a_token(client: httpx.AsyncClient, context: AppContext) -> None:
    operations = _api_operations(context)
    private = [(m, p) for m, p in operations if not PUBLIC.match(p)]
    assert len(private) >= 8, "the walk found too few routes to be meaningful"
    for method, path in private:
        url = re.sub(r"\{[^}]+\}", "7203", path)
        for headers in ({}, {"Authorization": "Bearer forged.token.value"}):
            response = await client.request(method, url, headers=headers)
            assert response.status_code == 401, f"{method} {path} answered {response.status_code}"


async def test_public_routes_are_only_health_and_auth(client: httpx.AsyncClient, context: AppContext) -> None:
    public = {p for _, p in _api_operations(context) if PUBLIC.match(p)}
    assert public == {
        "/api/v1/health",
        "/api/v1/health/live",
        "/api/v1/auth/token",
        "/api/v1/auth/setup",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
    }
    health = await client.get("/api/v1/health")
    assert health.status_code == 200
    live = await client.get("/api/v1/health/live")
    assert live.status_code == 200 and live.json() == {"status": "alive"}


# Integers the databases cannot hold (PostgreSQL integer, SQLite 64-bit) and ones no id can be.
HOSTILE_INTS = ["0", "-1", str(2**31), str(2**63), str(2**70), "1e3", "abc"]


def _int_params(operation: dict[str, Any]) -> list[str]:
    return [
        p["name"]
        for p in operation.get("parameters", [])
        if p["in"] == "path" and p["schema"].get("type") == "integer"
    ]


async def test_out_of_range_ids_are_404_or_422_never_500(
    client: httpx.AsyncClient, context: AppContext, auth_headers: dict[str, str]
) -> None:
    schema = create_app(context=context).openapi()
    walked = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            names = _int_params(operation)
            if not names:
                continue
            walked += 1
            for value in HOSTILE_INTS:
                url = path
                for name in names:
                    url = url.replace("{" + name + "}", value)
                url = re.sub(r"\{[^}]+\}", "7203", url)
                response = await client.request(method.upper(), url, headers=auth_headers, json={})
                assert response.status_code in {404, 422}, f"{method.upper()} {url}: {response.status_code}"
                assert response.json()["error"] in {"not_found", "validation_error"}
    assert walked >= 10, "the walk found too few routes with integer path parameters"


async def test_out_of_range_offsets_and_ids_in_queries_are_422(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    for url in (
        f"/api/v1/policies?offset={2**63}",
        f"/api/v1/stocks?offset={2**40}",
        f"/api/v1/evaluations?offset={2**31}",
        f"/api/v1/evaluations?policy_id={2**31}",
        f"/api/v1/evaluations/timeline?stock_code=7203&policy_id={2**63}",
    ):
        response = await client.get(url, headers=auth_headers)
        assert response.status_code == 422, url
    body = await client.post("/api/v1/screener", json={"policy_id": 2**63}, headers=auth_headers)
    assert body.status_code == 422 and body.json()["field"] == "policy_id"
