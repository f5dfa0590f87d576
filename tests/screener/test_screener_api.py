from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.market import repository
from tests.conftest import create_user_in, sign_in

LOOSE: dict[str, Any] = {
    "name": "広く浅く",
    "style": "momentum",
    "horizon": "medium",
    "risk_tolerance": 3,
    "target_return_pct": 12,
    "stop_loss_pct": 7,
    "weights": {"trend": 2, "momentum": 2, "value": 0.5},
    "rules": [
        {"metric": "return_60d_pct", "op": ">=", "value": 0, "weight": 2},
        {"type": "compare_metrics", "metric": "close", "op": ">", "other": "sma_75"},
        {"metric": "rsi_14", "op": "<=", "value": 80, "required": True},
    ],
}


async def _policy(client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]) -> int:
    response = await client.post("/api/v1/policies", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def test_screen_ranks_by_match_score_and_applies_hard_filters(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    policy_id = await _policy(client, auth_headers, LOOSE)
    response = await client.post(
        "/api/v1/screener", json={"policy_id": policy_id, "limit": 100}, headers=auth_headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["universe"] == 40 and 0 < body["total"] <= 40 and body["demo"] is True
    items = body["items"]
    assert len(items) == body["total"]
    matches = [i["match_score"] for i in items]
    assert matches == sorted(matches, reverse=True)
    assert all(i["rsi_14"] is not None and i["rsi_14"] <= 80 for i in items)  # the required rule
    assert [i["rank"] for i in items] == list(range(1, len(items) + 1))
    first = items[0]
    assert {
        "stock_code",
        "name",
        "sector",
        "match_score",
        "buy_score",
        "sell_score",
        "recommendation",
        "close",
    } <= first.keys()


async def test_screen_scores_equal_a_full_evaluation_under_the_policy(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    policy_id = await _policy(client, auth_headers, LOOSE)
    items = (
        await client.post("/api/v1/screener", json={"policy_id": policy_id, "limit": 5}, headers=auth_headers)
    ).json()["items"]
    for item in items:
        evaluation = (
            await client.post(
                "/api/v1/evaluations",
                json={"stock_code": item["stock_code"], "policy_id": policy_id},
                headers=auth_headers,
            )
        ).json()
        assert evaluation["match_score"] == pytest.approx(item["match_score"], abs=0.01)
        assert evaluation["buy_score"] == pytest.approx(item["buy_score"], abs=0.01)
        assert evaluation["sell_score"] == pytest.approx(item["sell_score"], abs=0.01)
        assert evaluation["recommendation"] == item["recommendation"]


async def test_screen_filters_by_sector_and_market_and_limit(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    policy_id = await _policy(client, auth_headers, LOOSE)
    with session_scope(context.sessions) as session:
        stock = repository.get_stock(session, repository.stock_codes(session)[0])
        assert stock is not None
    by_market = (
        await client.post(
            "/api/v1/screener", json={"policy_id": policy_id, "market": "growth"}, headers=auth_headers
        )
    ).json()
    assert all(i["market"] == "growth" for i in by_market["items"])
    by_sector = (
        await client.post(
            "/api/v1/screener",
            json={"policy_id": policy_id, "sector": stock.sector_code, "limit": 500},
            headers=auth_headers,
        )
    ).json()
    assert all(i["sector"] == stock.sector_name for i in by_sector["items"])
    limited = (
        await client.post("/api/v1/screener", json={"policy_id": policy_id, "limit": 2}, headers=auth_headers)
    ).json()
    assert len(limited["items"]) <= 2


async def test_screen_csv_export(client: httpx.AsyncClient, auth_headers: dict[str, str]) -> None:
    policy_id = await _policy(client, auth_headers, LOOSE)
    response = await client.post(
        "/api/v1/screener/export.csv", json={"policy_id": policy_id, "limit": 10}, headers=auth_headers
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows and rows[0]["rank"] == "1" and rows[0]["stock_code"]


async def test_screen_needs_your_own_policy(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    policy_id = await _policy(client, auth_headers, LOOSE)
    create_user_in(context, "stranger")
    stranger = await sign_in(client, "stranger")
    assert (
        await client.post("/api/v1/screener", json={"policy_id": policy_id}, headers=stranger)
    ).status_code == 404
    bad = await client.post(
        "/api/v1/screener", json={"policy_id": policy_id, "market": "otc"}, headers=auth_headers
    )
    assert bad.status_code == 422 and bad.json()["field"] == "market"


# Every stock passes the one rule that counts, so every match score is 100: a tie to break.
TIED: dict[str, Any] = {
    **LOOSE,
    "name": "割安重視",
    "weights": {"value": 3, "trend": 1.5},
    "rules": [
        {"metric": "rsi_14", "op": "<=", "value": 100, "required": True},
        {"metric": "per", "op": "<=", "value": 1, "weight": 0.000001},
    ],
}


async def test_ties_in_match_score_go_to_the_score_the_policy_weights_most(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    policy_id = await _policy(client, auth_headers, TIED)
    response = await client.post(
        "/api/v1/screener",
        json={"policy_id": policy_id, "limit": None},
        headers={**auth_headers, "Accept-Language": "ja"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["tie_break"]["parts"] == ["value"] and body["tie_break"]["weight"] == 3
    assert "割安度" in body["tie_break"]["explanation"]
    items = body["items"]
    keys = [(round(i["match_score"], 6), i["tie_break_score"], i["buy_score"]) for i in items]
    assert keys == sorted(keys, reverse=True)
    # Not the plain buy score: a value-heavy policy puts a cheap stock first.
    assert [i["stock_code"] for i in items] != [
        i["stock_code"] for i in sorted(items, key=lambda i: (-round(i["match_score"], 6), -i["buy_score"]))
    ]


async def test_hits_say_which_weighted_rules_failed_in_words(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    policy_id = await _policy(client, auth_headers, TIED)
    body = (
        await client.post(
            "/api/v1/screener",
            json={"policy_id": policy_id, "limit": 5},
            headers={**auth_headers, "Accept-Language": "en"},
        )
    ).json()
    failed = [r for i in body["items"] for r in i["failed_rules"]]
    assert failed and all(r["rule"] == "per <= 1" and r["required"] is False for r in failed)
    assert all(r["text"].startswith("PER (trailing) ≤ 1x → ") for r in failed)
    response = await client.post(
        "/api/v1/screener/export.csv",
        json={"policy_id": policy_id, "limit": 5},
        headers={**auth_headers, "Accept-Language": "ja"},
    )
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0]["failed_rules"].startswith("PER（実績）1倍以下 → ")
    assert "per <= 1" not in response.text
    assert rows[0]["tie_break_score"] != ""
