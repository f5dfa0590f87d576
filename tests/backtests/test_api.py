"""``/api/v1/backtests``: 202 with a job the worker runs, reuse of an identical request, per-user
isolation, delete, and bad input (422 naming the field, 404 for an unknown policy or version)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.jobs.models import Job
from kabu_trade.jobs.worker import Worker
from tests.conftest import create_user_in, sign_in

BODY = {"from": "2024-01-04", "to": "2024-12-30", "min_match_score": 40, "cost": "sbi", "lang": "en"}


@pytest.fixture(autouse=True)
def _no_jobs_left(context: AppContext) -> Iterator[None]:
    """The market database is shared: take this module's backtest jobs away after each test."""
    yield
    with session_scope(context.sessions) as session:
        session.execute(sa.delete(Job).where(Job.kind == "backtest"))


async def _policy(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    made = await client.post("/api/v1/policies/from-preset/momentum", headers=headers, json={})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def _work(context: AppContext) -> None:
    worker = Worker(context, name="backtest-test")
    while worker.run_once():
        pass


async def test_a_backtest_is_a_job_then_a_result(
    client: httpx.AsyncClient, context: AppContext, auth_headers: dict[str, str]
) -> None:
    policy = await _policy(client, auth_headers)
    posted = await client.post("/api/v1/backtests", headers=auth_headers, json={**BODY, "policy_id": policy})
    assert posted.status_code == 202, posted.text
    queued = posted.json()
    assert queued["status"] == "queued" and queued["job"]["status"] == "queued" and queued["summary"] is None
    assert queued["policy_version"] == 1 and queued["params"]["cost"] == "sbi"
    # The same request again, before it ran: the same backtest and job, not a second run.
    again = await client.post("/api/v1/backtests", headers=auth_headers, json={**BODY, "policy_id": policy})
    assert again.status_code == 202 and again.json()["id"] == queued["id"]
    assert again.json()["job"]["id"] == queued["job"]["id"]

    _work(context)
    done = await client.get(f"/api/v1/backtests/{queued['id']}", headers=auth_headers)
    assert done.status_code == 200, done.text
    view = done.json()
    assert view["status"] == "succeeded" and view["job"]["status"] == "succeeded"
    result = view["result"]
    assert result["benchmark"] == "equal-weight universe"
    assert result["summary"]["trades"] == len(result["trades"]) > 0
    assert {"date", "equity", "benchmark", "drawdown_pct"} <= set(result["equity"][0])
    assert all(t["reason_text"] for t in result["trades"]) and result["monthly_returns"]

    # Once it ran, an identical request answers with the stored run (no new job).
    reused = await client.post("/api/v1/backtests", headers=auth_headers, json={**BODY, "policy_id": policy})
    assert reused.status_code == 202 and reused.json()["status"] == "succeeded"
    assert reused.json()["summary"] == result["summary"]
    with session_scope(context.sessions) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Job).where(Job.kind == "backtest")) == 1

    listed = await client.get("/api/v1/backtests", headers=auth_headers)
    assert listed.status_code == 200 and [b["id"] for b in listed.json()["items"]] == [queued["id"]]
    assert listed.json()["items"][0]["result"] is None  # the list is light: summaries only

    gone = await client.delete(f"/api/v1/backtests/{queued['id']}", headers=auth_headers)
    assert gone.status_code == 204
    assert (await client.get(f"/api/v1/backtests/{queued['id']}", headers=auth_headers)).status_code == 404


async def test_backtests_are_private(
    client: httpx.AsyncClient, context: AppContext, auth_headers: dict[str, str]
) -> None:
    policy = await _policy(client, auth_headers)
    mine = await client.post("/api/v1/backtests", headers=auth_headers, json={**BODY, "policy_id": policy})
    assert mine.status_code == 202
    create_user_in(context, "other")
    other = await sign_in(client, "other")
    assert (await client.get(f"/api/v1/backtests/{mine.json()['id']}", headers=other)).status_code == 404
    assert (await client.delete(f"/api/v1/backtests/{mine.json()['id']}", headers=other)).status_code == 404
    assert (await client.get("/api/v1/backtests", headers=other)).json()["items"] == []
    # Someone else's policy is not found either.
    theirs = await client.post("/api/v1/backtests", headers=other, json={**BODY, "policy_id": policy})
    assert theirs.status_code == 404
    # Two users may have backtests queued at once: each its own job.
    own = await _policy(client, other)
    second = await client.post("/api/v1/backtests", headers=other, json={**BODY, "policy_id": own})
    assert second.status_code == 202 and second.json()["job"]["id"] != mine.json()["job"]["id"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"from": "2024-06-01", "to": "2024-01-04"}, "to"),
        ({"cost": "pct:50"}, "cost"),
        ({"cost": "free"}, "cost"),
        ({"slippage_bps": 5000}, "slippage_bps"),
        ({"cash": -1}, "cash"),
        ({"from": "2030-01-04", "to": "2030-06-01"}, "from"),
        ({"from": "yesterday"}, "from"),
    ],
)
async def test_bad_input_is_422_naming_the_field(
    client: httpx.AsyncClient, auth_headers: dict[str, str], change: dict[str, Any], field: str
) -> None:
    policy = await _policy(client, auth_headers)
    answer = await client.post(
        "/api/v1/backtests", headers=auth_headers, json={**BODY, "policy_id": policy, **change}
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field


async def test_unknown_policy_or_version_is_404(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    policy = await _policy(client, auth_headers)
    missing = await client.post(
        "/api/v1/backtests", headers=auth_headers, json={**BODY, "policy_id": policy + 999}
    )
    assert missing.status_code == 404
    version = await client.post(
        "/api/v1/backtests", headers=auth_headers, json={**BODY, "policy_id": policy, "version": 7}
    )
    assert version.status_code == 404


async def test_a_failed_run_keeps_no_result_and_says_why_in_its_job(
    client: httpx.AsyncClient, context: AppContext, auth_headers: dict[str, str]
) -> None:
    policy = await _policy(client, auth_headers)
    posted = await client.post("/api/v1/backtests", headers=auth_headers, json={**BODY, "policy_id": policy})
    assert posted.status_code == 202
    # The policy is deleted before the worker gets to it: the run cannot read its version.
    assert (await client.delete(f"/api/v1/policies/{policy}", headers=auth_headers)).status_code == 204
    _work(context)
    view = (await client.get(f"/api/v1/backtests/{posted.json()['id']}", headers=auth_headers)).json()
    assert view["status"] == "failed" and view["result"] is None and view["summary"] is None
    assert f"Policy {policy} was not found" in view["job"]["error"]


async def test_check_lookahead_is_a_request_option_and_part_of_the_result(
    client: httpx.AsyncClient, context: AppContext, auth_headers: dict[str, str]
) -> None:
    policy = await _policy(client, auth_headers)
    body = {**BODY, "to": "2024-10-31", "policy_id": policy}
    plain = await client.post("/api/v1/backtests", headers=auth_headers, json=body)
    checked = await client.post(
        "/api/v1/backtests", headers=auth_headers, json={**body, "check_lookahead": True}
    )
    assert plain.status_code == checked.status_code == 202, checked.text
    assert checked.json()["id"] != plain.json()["id"]  # another request, another run
    assert (
        checked.json()["params"]["check_lookahead"] is True
        and "check_lookahead" not in plain.json()["params"]
    )
    _work(context)
    result = (await client.get(f"/api/v1/backtests/{checked.json()['id']}", headers=auth_headers)).json()[
        "result"
    ]
    lookahead = result["lookahead"]
    assert lookahead["checked"] is True and lookahead["differences"] == []
    assert len(lookahead["cuts"]) == 6 and lookahead["cuts"][-1] == "2024-10-31"
    assert lookahead["warm_up"]["start"] is not None
    unchecked = (await client.get(f"/api/v1/backtests/{plain.json()['id']}", headers=auth_headers)).json()
    assert unchecked["result"]["lookahead"]["checked"] is False
    assert unchecked["summary"] == result["summary"]  # the check changes nothing of the backtest
    bad = await client.post(
        "/api/v1/backtests", headers=auth_headers, json={**body, "check_lookahead": "maybe"}
    )
    assert bad.status_code == 422 and "check_lookahead" in bad.text
