"""Values the database cannot store are the client's error (400), never a 500: PostgreSQL refuses
NUL characters in text, which JSON and form encoding carry happily (found by the API fuzz test)."""

from __future__ import annotations

import httpx

from kabu_trade.core.context import AppContext


async def test_a_nul_character_is_refused_or_harmless(
    client: httpx.AsyncClient, context: AppContext, auth_headers: dict[str, str], backend: str
) -> None:
    sign_in = await client.post("/api/v1/auth/token", data={"username": "in\x00vestor", "password": "x" * 12})
    policy = {
        "name": "名前\x00",
        "style": "value",
        "horizon": "long",
        "risk_tolerance": 2,
        "target_return_pct": 20,
        "stop_loss_pct": 8,
    }
    created = await client.post("/api/v1/policies", json=policy, headers=auth_headers)
    if backend == "postgres":
        assert sign_in.status_code == 400, sign_in.text
        assert "NUL" in sign_in.json()["detail"]
        assert created.status_code == 400, created.text
        listed = await client.get("/api/v1/policies", headers=auth_headers)
        assert listed.json()["items"] == []  # nothing half-written
    else:  # SQLite stores it: an unknown account, and a policy whose name has the character
        assert sign_in.status_code == 401
        assert created.status_code == 201
