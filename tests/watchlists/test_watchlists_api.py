from __future__ import annotations

import httpx

from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.market import repository
from kabu_trade.watchlists.service import evaluate_all_watchlists
from tests.conftest import create_user_in, sign_in


def _codes(context: AppContext, n: int) -> list[str]:
    with session_scope(context.sessions) as session:
        return repository.stock_codes(session)[:n]


async def test_watchlist_crud(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    a, b, c = _codes(context, 3)
    made = await client.post(
        "/api/v1/watchlists", json={"name": "本命", "codes": [a, b]}, headers=auth_headers
    )
    assert made.status_code == 201, made.text
    watchlist = made.json()
    assert [i["code"] for i in watchlist["items"]] == [a, b]
    assert watchlist["items"][0]["close"] is not None and watchlist["items"][0]["latest"] is None
    wid = watchlist["id"]
    added = await client.post(
        f"/api/v1/watchlists/{wid}/items", json={"code": c, "note": "決算待ち"}, headers=auth_headers
    )
    assert added.status_code == 201 and len(added.json()["items"]) == 3
    dup = await client.post(f"/api/v1/watchlists/{wid}/items", json={"code": c}, headers=auth_headers)
    assert dup.status_code == 409
    unknown = await client.post(
        f"/api/v1/watchlists/{wid}/items", json={"code": "0000"}, headers=auth_headers
    )
    assert unknown.status_code == 404 and unknown.json()["field"] == "code"
    assert (
        await client.delete(f"/api/v1/watchlists/{wid}/items/{a}", headers=auth_headers)
    ).status_code == 204
    listing = (await client.get("/api/v1/watchlists", headers=auth_headers)).json()
    assert listing["total"] == 1 and listing["items"][0]["size"] == 2
    same_name = await client.post("/api/v1/watchlists", json={"name": "本命"}, headers=auth_headers)
    assert same_name.status_code == 409 and same_name.json()["field"] == "name"
    renamed = await client.patch(f"/api/v1/watchlists/{wid}", json={"name": "本命2"}, headers=auth_headers)
    assert renamed.json()["name"] == "本命2"
    assert (await client.delete(f"/api/v1/watchlists/{wid}", headers=auth_headers)).status_code == 204
    assert (await client.get(f"/api/v1/watchlists/{wid}", headers=auth_headers)).status_code == 404


async def test_watchlists_are_private(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    wid = (
        await client.post(
            "/api/v1/watchlists", json={"name": "mine", "codes": _codes(context, 1)}, headers=auth_headers
        )
    ).json()["id"]
    create_user_in(context, "neighbour")
    neighbour = await sign_in(client, "neighbour")
    assert (await client.get(f"/api/v1/watchlists/{wid}", headers=neighbour)).status_code == 404
    assert (
        await client.post(
            f"/api/v1/watchlists/{wid}/items", json={"code": _codes(context, 2)[1]}, headers=neighbour
        )
    ).status_code == 404
    assert (await client.get("/api/v1/watchlists", headers=neighbour)).json()["total"] == 0


async def test_batch_evaluates_each_item_once_per_data_date_and_shows_changes(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    codes = _codes(context, 3)
    wid = (
        await client.post("/api/v1/watchlists", json={"name": "batch", "codes": codes}, headers=auth_headers)
    ).json()["id"]
    first = evaluate_all_watchlists(context.sessions)
    assert first["evaluated"] == 3 and first["failed"] == 0
    again = evaluate_all_watchlists(context.sessions)
    assert again["evaluated"] == 0 and again["skipped"] == 3  # same data, nothing new
    view = (await client.get(f"/api/v1/watchlists/{wid}", headers=auth_headers)).json()
    assert all(i["latest"] and i["latest"]["buy_change"] is None for i in view["items"])
    history = (
        await client.get("/api/v1/evaluations", params={"stock_code": codes[0]}, headers=auth_headers)
    ).json()
    assert history["total"] == 1 and history["items"][0]["trigger"] == "watchlist"
    # A manual evaluation after the batch: the view shows the change between the two.
    await client.post("/api/v1/evaluations", json={"stock_code": codes[0]}, headers=auth_headers)
    view = (await client.get(f"/api/v1/watchlists/{wid}", headers=auth_headers)).json()
    assert view["items"][0]["latest"]["buy_change"] == 0.0


async def test_evaluate_now_names_what_it_skipped(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    """ "Evaluate now" says which stocks it left out as already evaluated (same data, same policy
    version), so the web app can say why nothing new appeared."""
    a, b = _codes(context, 2)
    wid = (
        await client.post("/api/v1/watchlists", json={"name": "今", "codes": [a, b]}, headers=auth_headers)
    ).json()["id"]
    first = await client.post(f"/api/v1/watchlists/{wid}/evaluate", headers=auth_headers)
    assert first.status_code == 200, first.text
    assert first.json() == {"evaluated": 2, "skipped": 0, "skipped_codes": [], "failed": []}
    again = (await client.post(f"/api/v1/watchlists/{wid}/evaluate", headers=auth_headers)).json()
    assert again["evaluated"] == 0 and again["skipped"] == 2
    assert sorted(again["skipped_codes"]) == sorted([a, b])
