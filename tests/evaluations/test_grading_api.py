"""答え合わせ through the API: grades on one evaluation, the aggregates and calibration, and that a
user sees only their own."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.evaluations.models import Evaluation
from kabu_trade.market import repository
from kabu_trade.market.adjustments import adjust_bars
from kabu_trade.market.calendar import sessions_between
from tests.conftest import DEMO_END, create_user_in, sign_in
from tests.evaluations.test_evaluations_api import VALUE_POLICY, _code, _policy


def _backdate(context: AppContext, evaluation_id: int, sessions_back: int) -> int:
    """A copy of an evaluation as if it had been made ``sessions_back`` sessions before the data's end."""
    with session_scope(context.sessions) as session:
        row = session.get(Evaluation, evaluation_id)
        assert row is not None
        days = sessions_between(DEMO_END - timedelta(days=200), DEMO_END)
        copy = Evaluation(
            owner_id=row.owner_id,
            stock_code=row.stock_code,
            policy_id=row.policy_id,
            policy_version=row.policy_version,
            as_of=days[-1 - sessions_back],
            trigger="cli",
            buy_score=row.buy_score,
            sell_score=row.sell_score,
            match_score=row.match_score,
            confidence=row.confidence,
            recommendation=row.recommendation,
            result=row.result,
            inputs=row.inputs,
        )
        session.add(copy)
        session.flush()
        return copy.id


async def test_grades_on_an_evaluation_and_isolation(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    code = _code(context)
    policy_id = await _policy(client, auth_headers)
    made = await client.post(
        "/api/v1/evaluations", json={"stock_code": code, "policy_id": policy_id}, headers=auth_headers
    )
    assert made.status_code == 201, made.text
    fresh = (await client.get(f"/api/v1/evaluations/{made.json()['id']}", headers=auth_headers)).json()
    # Made on the latest data: every horizon is still ahead.
    assert {g["horizon"] for g in fresh["grades"]} == {"5", "20", "60", "policy"}
    assert all(g["status"] == "pending" and g["forward_return_pct"] is None for g in fresh["grades"])
    assert fresh["outcome"] is not None and fresh["levels"]  # the existing fields stay

    old_id = _backdate(context, made.json()["id"], 70)
    body = (await client.get(f"/api/v1/evaluations/{old_id}", headers=auth_headers)).json()
    grades = {g["horizon"]: g for g in body["grades"]}
    assert grades["policy"]["sessions"] == 500 and grades["policy"]["status"] == "pending"
    with session_scope(context.sessions) as session:
        as_of = session.get(Evaluation, old_id).as_of  # type: ignore[union-attr]
        bars = repository.bars_frame(session, code, start=as_of)
        bars = adjust_bars(bars, repository.split_events(session, code, after=as_of))
    for horizon, sessions in [("5", 5), ("20", 20), ("60", 60)]:
        grade = grades[horizon]
        assert grade["status"] == "graded" and grade["end_date"] == bars["date"].iloc[sessions].isoformat()
        expected = (bars["close"].iloc[sessions] / bars["close"].iloc[0] - 1) * 100
        assert grade["forward_return_pct"] == pytest.approx(expected, abs=1e-3)
        assert grade["excess_return_pct"] == pytest.approx(
            grade["forward_return_pct"] - grade["benchmark_return_pct"], abs=2e-3
        )
        assert grade["first_hit"] in {"target", "stop_loss", "neither"}
        assert isinstance(grade["entry_reached"], bool)

    report = await client.get(
        "/api/v1/evaluations/grading", params={"policy_id": policy_id, "version": 1}, headers=auth_headers
    )
    assert report.status_code == 200, report.text
    data = report.json()
    assert (
        data["evaluations"] == 2 and data["policy_name"] == VALUE_POLICY["name"] and data["horizon"] == "20"
    )
    overall = next(g for g in data["groups"] if g["recommendation"] is None)
    twenty = next(h for h in overall["horizons"] if h["horizon"] == "20")
    assert twenty["graded"] == 1 and twenty["pending"] == 1
    assert twenty["mean_return_pct"] == pytest.approx(grades["20"]["forward_return_pct"], abs=1e-3)
    assert sum(r["count"] for r in data["calibration"]) == 1 and len(data["calibration"]) == 10
    only = await client.get("/api/v1/evaluations/grading", params={"horizon": "60"}, headers=auth_headers)
    assert only.status_code == 200 and only.json()["horizon"] == "60"
    assert all(len(g["horizons"]) == 1 for g in only.json()["groups"])

    create_user_in(context, "other")
    other = await sign_in(client, "other")
    assert (await client.get(f"/api/v1/evaluations/{old_id}", headers=other)).status_code == 404
    borrowed = await client.get("/api/v1/evaluations/grading", params={"policy_id": policy_id}, headers=other)
    assert borrowed.status_code == 404
    theirs = (await client.get("/api/v1/evaluations/grading", headers=other)).json()
    assert theirs["evaluations"] == 0 and theirs["groups"] == []
    assert all(r["count"] == 0 for r in theirs["calibration"])


async def test_grading_input_errors_name_the_field(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    lone = await client.get("/api/v1/evaluations/grading", params={"version": 2}, headers=auth_headers)
    assert lone.status_code == 400 and lone.json()["field"] == "version"
    bad = await client.get("/api/v1/evaluations/grading", params={"horizon": "7"}, headers=auth_headers)
    assert bad.status_code == 422 and "horizon" in bad.text
    assert (await client.get("/api/v1/evaluations/grading")).status_code == 401
