from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.evaluations import service
from kabu_trade.evaluations.models import Evaluation
from kabu_trade.evaluations.outcome import outcome_since
from kabu_trade.market import repository
from tests.conftest import DEMO_END, create_user_in, sign_in

VALUE_POLICY: dict[str, Any] = {
    "name": "割安株",
    "style": "value",
    "horizon": "long",
    "risk_tolerance": 2,
    "target_return_pct": 15,
    "stop_loss_pct": 8,
    "rules": [
        {"metric": "per", "op": "<=", "value": 15, "weight": 2},
        {"type": "range", "metric": "rsi_14", "min": 25, "max": 70},
        {"type": "compare_metrics", "metric": "close", "op": ">", "other": "sma_200"},
    ],
}


def _code(context: AppContext, offset: int = 0) -> str:
    with session_scope(context.sessions) as session:
        return repository.stock_codes(session)[offset]


async def _policy(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any] | None = None
) -> int:
    response = await client.post("/api/v1/policies", json=body or VALUE_POLICY, headers=headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def test_evaluate_without_policy(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    code = _code(context)
    response = await client.post("/api/v1/evaluations", json={"stock_code": code}, headers=auth_headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["stock_code"] == code and body["as_of"] == DEMO_END.isoformat()
    assert body["policy_id"] is None and body["policy_version"] is None and body["match_score"] is None
    assert 0 <= body["buy_score"] <= 100 and 0 <= body["sell_score"] <= 100
    assert body["recommendation"] in {"strong_buy", "buy", "neutral", "sell", "strong_sell"}
    fired = [s for s in body["signals"] if not s["missing"]]
    assert fired and all(s["reason"] for s in fired)
    buys = sum(s["contribution"] for s in fired if s["side"] == "buy")
    assert buys == pytest.approx(body["buy_score"], abs=0.05)  # the score is the sum of its signals
    assert {"rsi_14", "macd", "macd_signal", "macd_hist", "sma_25"} <= body["technical"].keys()
    assert {"per", "pbr", "roe"} <= body["fundamental"].keys()
    levels = body["levels"]
    assert levels["entry_low"] <= levels["entry_high"] and levels["stop_loss_price"] < levels["entry_low"]
    assert levels["target_price"] > levels["entry_high"]
    assert body["key_points"] and {p["type"] for p in body["key_points"]} <= {"buy", "sell", "caution"}
    assert body["demo"] is True


async def test_messages_follow_accept_language(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    code = _code(context)
    ja = (
        await client.post(
            "/api/v1/evaluations",
            json={"stock_code": code},
            headers={**auth_headers, "Accept-Language": "ja-JP,ja;q=0.9"},
        )
    ).json()
    en = (
        await client.post(
            "/api/v1/evaluations",
            json={"stock_code": code},
            headers={**auth_headers, "Accept-Language": "en-US,en;q=0.8"},
        )
    ).json()
    has_japanese = lambda text: any("\u3040" <= ch <= "\u9fff" for ch in text)  # noqa: E731
    assert all(has_japanese(p["message"]) for p in ja["key_points"])
    assert not any(has_japanese(p["message"]) for p in en["key_points"])
    assert ja["buy_score"] == en["buy_score"]


async def test_evaluate_under_a_policy_keeps_its_version(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    code = _code(context, 3)
    policy_id = await _policy(client, auth_headers)
    first = (
        await client.post(
            "/api/v1/evaluations", json={"stock_code": code, "policy_id": policy_id}, headers=auth_headers
        )
    ).json()
    assert first["policy_id"] == policy_id and first["policy_version"] == 1
    assert first["match_score"] is not None and 0 <= first["match_score"] <= 100
    assert [r["rule"] for r in first["rules"]] and len(first["rules"]) == 3
    assert all({"rule", "value", "passed", "distance"} <= r.keys() for r in first["rules"])
    edited = {**VALUE_POLICY, "stop_loss_pct": 5}
    assert (
        await client.put(f"/api/v1/policies/{policy_id}", json=edited, headers=auth_headers)
    ).status_code == 200
    second = (
        await client.post(
            "/api/v1/evaluations", json={"stock_code": code, "policy_id": policy_id}, headers=auth_headers
        )
    ).json()
    assert second["policy_version"] == 2
    again = (await client.get(f"/api/v1/evaluations/{first['id']}", headers=auth_headers)).json()
    assert again["policy_version"] == 1 and again["levels"] == first["levels"]
    assert second["levels"]["stop_loss_price"] > first["levels"]["stop_loss_price"]  # 5 % is tighter than 8 %


async def test_bad_input_is_a_clear_4xx(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    unknown = await client.post("/api/v1/evaluations", json={"stock_code": "0000"}, headers=auth_headers)
    assert unknown.status_code == 404 and unknown.json()["field"] == "stock_code"
    malformed = await client.post("/api/v1/evaluations", json={"stock_code": "toyota"}, headers=auth_headers)
    assert malformed.status_code == 422 and malformed.json()["field"] == "stock_code"
    no_policy = await client.post(
        "/api/v1/evaluations", json={"stock_code": _code(context), "policy_id": 999999}, headers=auth_headers
    )
    assert no_policy.status_code == 404


async def test_users_never_see_each_others_evaluations_or_policies(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    code = _code(context)
    policy_id = await _policy(client, auth_headers)
    mine = (await client.post("/api/v1/evaluations", json={"stock_code": code}, headers=auth_headers)).json()
    create_user_in(context, "other")
    other = await sign_in(client, "other")
    assert (await client.get(f"/api/v1/evaluations/{mine['id']}", headers=other)).status_code == 404
    assert (await client.get("/api/v1/evaluations", headers=other)).json()["total"] == 0
    borrowed = await client.post(
        "/api/v1/evaluations", json={"stock_code": code, "policy_id": policy_id}, headers=other
    )
    assert borrowed.status_code == 404


async def test_history_filters_and_timeline(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    a, b = _code(context, 1), _code(context, 2)
    policy_id = await _policy(client, auth_headers)
    for payload in (
        {"stock_code": a},
        {"stock_code": a, "policy_id": policy_id},
        {"stock_code": b},
        {"stock_code": a},
    ):
        assert (
            await client.post("/api/v1/evaluations", json=payload, headers=auth_headers)
        ).status_code == 201
    everything = (await client.get("/api/v1/evaluations", headers=auth_headers)).json()
    assert everything["total"] == 4 and everything["items"][0]["stock_code"] == a  # newest first
    only_a = (await client.get("/api/v1/evaluations", params={"stock_code": a}, headers=auth_headers)).json()
    assert only_a["total"] == 3
    under_policy = (
        await client.get("/api/v1/evaluations", params={"policy_id": policy_id}, headers=auth_headers)
    ).json()
    assert under_policy["total"] == 1 and under_policy["items"][0]["policy_name"] == VALUE_POLICY["name"]
    dated = await client.get("/api/v1/evaluations", params={"from": "2030-01-01"}, headers=auth_headers)
    assert dated.json()["total"] == 0
    backwards = await client.get(
        "/api/v1/evaluations", params={"from": "2024-02-01", "to": "2024-01-01"}, headers=auth_headers
    )
    assert backwards.status_code == 400 and backwards.json()["field"] == "from"
    timeline = (
        await client.get("/api/v1/evaluations/timeline", params={"stock_code": a}, headers=auth_headers)
    ).json()
    assert len(timeline["points"]) == 3
    created = [p["created_at"] for p in timeline["points"]]
    assert created == sorted(created)


async def test_an_evaluation_reproduces_from_its_stored_inputs(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    policy_id = await _policy(client, auth_headers)
    made = (
        await client.post(
            "/api/v1/evaluations",
            json={"stock_code": _code(context), "policy_id": policy_id},
            headers=auth_headers,
        )
    ).json()
    with session_scope(context.sessions) as session:
        stored = session.get(Evaluation, made["id"])
        assert stored is not None
        assert service.reproduce(stored) == stored.result
        assert stored.inputs["policy"]["version"] == 1 and stored.inputs["data_source"] == "demo"


def test_outcome_grades_a_past_call(context: AppContext) -> None:
    code = _code(context)
    with session_scope(context.sessions) as session:
        bars = repository.bars_frame(session, code, start=date(2024, 6, 3))
        close = float(bars["close"].iloc[0])
        levels = {"target_price": close * 1.02, "stop_loss_price": close * 0.5}
        result = outcome_since(session, code, bars["date"].iloc[0], levels)
    assert result is not None and result["days"] == len(bars) - 1
    assert result["close_at_evaluation"] == pytest.approx(close)
    assert result["return_pct"] == pytest.approx((bars["close"].iloc[-1] / close - 1) * 100, abs=0.01)
    if result["max_high"] >= close * 1.02:
        assert result["hit_target"] is True


async def test_rules_and_key_points_lead_with_the_policy_in_words(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    code = _code(context, 2)
    policy_id = await _policy(client, auth_headers)
    made = await client.post(
        "/api/v1/evaluations",
        json={"stock_code": code, "policy_id": policy_id},
        headers={**auth_headers, "Accept-Language": "en"},
    )
    assert made.status_code == 201, made.text
    body = made.json()
    per = body["rules"][0]
    assert per["rule"] == "per <= 15" and per["rule_text"] == "PER (trailing) ≤ 15x"
    assert per["text"].startswith("PER (trailing) ≤ 15x → ")
    first = body["key_points"][0]["message"]
    assert "割安株" in first  # the policy's verdict comes first
    assert not any(
        "per <= 15" in p["message"] or "close > sma_200" in p["message"] for p in body["key_points"]
    )
    # The history reads the stored evaluation back in the reader's language.
    again = await client.get(
        f"/api/v1/evaluations/{body['id']}", headers={**auth_headers, "Accept-Language": "ja"}
    )
    assert again.json()["rules"][0]["rule_text"] == "PER（実績）15倍以下"
    assert again.json()["key_points"][0]["message"].startswith("方針「割安株」")
