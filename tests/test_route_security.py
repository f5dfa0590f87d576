"""Walk every registered route: all of /api/v1 except health and auth must answer 401 without a
valid token. A new route that forgets its dependency fails here."""

from __future__ import annotations

import re

import httpx

from kabu_trade.core.context import AppContext
from kabu_trade.main import create_app

PUBLIC = re.compile(r"^/api/v1/(health$|auth/)")


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
    assert public == {"/api/v1/health", "/api/v1/auth/token", "/api/v1/auth/setup"}
    health = await client.get("/api/v1/health")
    assert health.status_code == 200
