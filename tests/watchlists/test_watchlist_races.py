"""A unique-constraint race is a 409, not a 500: two watchlists of one name created at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from kabu_trade.core.context import AppContext
from kabu_trade.main import create_app
from kabu_trade.watchlists import service
from tests.conftest import create_user_in, sign_in


async def test_two_watchlists_of_one_name_at_once_give_201_and_409(
    backend: str, context_factory: Callable[..., AppContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    context = context_factory(backend)
    # The service checks the name first; a concurrent twin passes that check before either
    # commits. Without the check every create reaches the constraint, as the loser of such a race
    # does, so the outcome does not hang on thread timing.
    monkeypatch.setattr(service, "_check_name_free", lambda *args, **kwargs: None)
    app = create_app(context=context)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        create_user_in(context)
        headers = await sign_in(client)
        body = {"name": "Core holdings"}
        first, second = await asyncio.gather(
            client.post("/api/v1/watchlists", json=body, headers=headers),
            client.post("/api/v1/watchlists", json=body, headers=headers),
        )
        statuses = sorted([first.status_code, second.status_code])
        assert statuses == [201, 409], [first.text, second.text]
        loser = first if first.status_code == 409 else second
        assert loser.json()["error"] == "conflict"
        assert loser.json()["field"] == "name"
        listed = await client.get("/api/v1/watchlists", headers=headers)
        assert listed.json()["total"] == 1
