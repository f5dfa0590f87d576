"""Helpers for the auth tests: clients at chosen addresses, sign-in forms, raw tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from kabu_trade.core.context import AppContext
from kabu_trade.main import create_app
from tests.conftest import TEST_PASSWORD

TOKEN_URL = "/api/v1/auth/token"


@asynccontextmanager
async def client_at(context: AppContext, address: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
    """An API client whose requests come from ``address`` (the ASGI peer, as a socket would give)."""
    transport = httpx.ASGITransport(app=create_app(context=context), client=(address, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def post_sign_in(
    client: httpx.AsyncClient, username: str, password: str = TEST_PASSWORD
) -> httpx.Response:
    return await client.post(TOKEN_URL, data={"username": username, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
