"""A fresh database per test (the data page writes settings and queues syncs), an administrator
and a plain user signed in, and J-Quants V2 served from recorded responses (``responses``)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import responses

from kabu_trade.core.context import AppContext
from kabu_trade.main import create_app
from tests.conftest import create_user_in, sign_in

BASE = "https://api.jquants.com/v2"
MASTER = f"{BASE}/equities/master"
JQUANTS_FIXTURES = Path(__file__).resolve().parents[1] / "market" / "fixtures" / "jquants"
CSV_FIXTURES = Path(__file__).resolve().parents[1] / "market" / "fixtures" / "csv"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GOOD_KEY = "good-key-0123456789abcdef"
ContextFactory = Callable[..., AppContext]

# jquantsapi sorts with inplace=True, which pandas 3.1 deprecates: the library's noise, not ours.
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword:pandas.errors.Pandas4Warning")


def master_payload() -> Any:
    return json.loads((JQUANTS_FIXTURES / "equities_master.json").read_text(encoding="utf-8"))


@pytest.fixture
def jquants() -> Iterator[responses.RequestsMock]:
    """J-Quants answering the listed master to GOOD_KEY and 401 (its V2 message) to any other key."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:

        def master(request: Any) -> tuple[int, dict[str, str], str]:
            if request.headers.get("x-api-key") == GOOD_KEY:
                return 200, {}, json.dumps(master_payload())
            return 401, {}, json.dumps({"message": "The incoming token is invalid or expired."})

        mock.add_callback(responses.GET, MASTER, callback=master)
        yield mock


@dataclass
class Api:
    context: AppContext
    http: httpx.AsyncClient
    admin: dict[str, str]
    user: dict[str, str]

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.admin, **kwargs.pop("headers", {})}
        return await self.http.get(f"/api/v1/data-source{path}", headers=headers, **kwargs)

    async def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.admin, **kwargs.pop("headers", {})}
        return await self.http.request(method, f"/api/v1/data-source{path}", headers=headers, **kwargs)


async def make_api(context: AppContext, *, new_users: bool = True) -> AsyncIterator[Api]:
    """An app over ``context`` with an administrator and a plain user signed in (``new_users``
    False: the same database seen again, e.g. by an install with other settings)."""
    app = create_app(context=context)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        if new_users:
            create_user_in(context, "admin", admin=True)
            create_user_in(context, "plain")
        yield Api(context, http, await sign_in(http, "admin"), await sign_in(http, "plain"))


@pytest.fixture
async def api(backend: str, context_factory: ContextFactory) -> AsyncIterator[Api]:
    async for made in make_api(context_factory(backend)):
        yield made
