"""Schemathesis over the whole API, in process, on SQLite and on PostgreSQL + Redis.

Every operation of the OpenAPI document gets generated requests, valid and invalid (positive and
negative modes), signed in as an administrator, and every answer must pass all of Schemathesis's
checks: no server error, a status the document lists, a body and headers that match the schema
documented for that status. Deterministic: Hypothesis is derandomized (a fixed seed derived from
each test) and keeps no example database, so a run never depends on an earlier one.

``KABU_FUZZ_EXAMPLES`` sets the examples per operation (default below: about 90 s per backend on
a 2-core machine); CI may raise it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import positive_data_acceptance
from starlette.testclient import TestClient

from kabu_trade.core.context import AppContext
from kabu_trade.main import API_PREFIX, create_app
from tests.conftest import TEST_PASSWORD, create_user_in

EXAMPLES = int(os.environ.get("KABU_FUZZ_EXAMPLES", "100"))
ADMIN = "fuzz-admin"
# Acts on the user's own account (password, language): a separate user, so that a changed
# password cannot sign the administrator out halfway through the run.
SELF_SERVICE = "fuzz-self"
# Starting a real sync from a fuzzer would run it in the background against the shared demo
# database; these operations are called as a plain user and so answer 403.
AS_PLAIN_USER = {
    ("POST", f"{API_PREFIX}/sync"),
    ("DELETE", f"{API_PREFIX}/sync/lock"),
    # The same for switching the data source (it queues a sync), and the J-Quants key routes would
    # call J-Quants itself: tests/datasource covers them against recorded answers.
    ("POST", f"{API_PREFIX}/data-source/activate"),
    ("POST", f"{API_PREFIX}/data-source/jquants/check"),
    ("PUT", f"{API_PREFIX}/data-source/jquants"),
}
# "A request the schema allows is accepted" holds everywhere except where a rule spans what JSON
# Schema can say: password strength (zxcvbn) and a policy's rule set (which metric pairs may
# cross, no duplicate rules). Those answer a 422 naming the field, which every other check still
# verifies; only the acceptance check is left out for them.
BEYOND_JSON_SCHEMA = {
    ("POST", f"{API_PREFIX}/auth/setup"),
    ("POST", f"{API_PREFIX}/users"),
    ("PATCH", f"{API_PREFIX}/users/me"),
    ("POST", f"{API_PREFIX}/policies"),
    ("PUT", f"{API_PREFIX}/policies/{{policy_id}}"),
    # ``from`` after ``to``: a rule across two parameters (answered 400 naming ``from``).
    ("GET", f"{API_PREFIX}/stocks/{{code}}/prices"),
    # A backtest: ``to`` before ``from``, a cost beyond the broker range, a period without market
    # data (422 naming the field) and a policy that must exist (404).
    ("POST", f"{API_PREFIX}/backtests"),
}


def _token(client: TestClient, username: str) -> dict[str, str]:
    response = client.post(f"{API_PREFIX}/auth/token", data={"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


class Fuzz:
    def __init__(self, context: AppContext) -> None:
        # The API's rate limits (tests/core/test_ratelimit.py) would answer most generated
        # requests 429 after the first second: the fuzzer must reach the handlers themselves.
        settings = context.settings.model_copy(update={"rate_limit_enabled": False})
        self.app = create_app(context=dataclasses.replace(context, settings=settings))
        create_user_in(context, ADMIN, admin=True)
        create_user_in(context, SELF_SERVICE)
        client = TestClient(self.app)  # no lifespan: the context is the test's
        self.admin = _token(client, ADMIN)
        self.self_service = _token(client, SELF_SERVICE)

    def headers_for(self, case: Case[Any]) -> dict[str, str]:
        key = (case.method.upper(), case.path)
        if key in AS_PLAIN_USER or case.path == f"{API_PREFIX}/users/me":
            return self.self_service
        return self.admin


@pytest.fixture
def fuzz(context: AppContext) -> Iterator[Fuzz]:
    yield Fuzz(context)


@pytest.fixture
def api_schema(fuzz: Fuzz, request: pytest.FixtureRequest) -> schemathesis.BaseSchema:
    # Schemathesis 4.32 renames the test per operation through `node._nodeid`, which pytest 9.2
    # no longer has (it keeps a structured id): give it the attribute it reads and writes.
    request.node._nodeid = request.node.nodeid
    return schemathesis.openapi.from_asgi(f"{API_PREFIX}/openapi.json", fuzz.app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi_document(case: Case[Any], fuzz: Fuzz) -> None:
    excluded = [positive_data_acceptance] if (case.method.upper(), case.path) in BEYOND_JSON_SCHEMA else []
    case.call_and_validate(headers=fuzz.headers_for(case), excluded_checks=excluded)
