from __future__ import annotations

import unicodedata
from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest

from kabu_trade.auth.user_cache import UserCache
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.main import create_app
from kabu_trade.market import repository
from kabu_trade.market.models import Stock
from kabu_trade.market.schemas import PriceSeries, StockDetail, StockList
from tests.conftest import DEMO_END, create_user_in, sign_in
from tests.core.database_use import database_use


def _a_stock(context: AppContext) -> Stock:
    with session_scope(context.sessions) as session:
        rows, _ = repository.search_stocks(session, None, None, None, 1, 5)
        return rows[0]


def _split_stock(context: AppContext) -> tuple[str, date, float]:
    with session_scope(context.sessions) as session:
        for code in repository.stock_codes(session):
            events = repository.split_events(session, code)
            if events:
                return code, events[0][0], events[0][1]
    pytest.fail("the demo universe has no split")


async def test_health_reports_database_cache_and_demo_data(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    body = (await client.get("/api/v1/health")).json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True and body["database"]["up_to_date"] is True
    assert body["database"]["backend"] in {"sqlite", "postgresql"}
    assert body["cache"]["ok"] is True
    assert body["data"]["demo"] is True and body["data"]["latest_bar_date"] == DEMO_END.isoformat()
    assert body["data"]["last_sync"]["status"] == "succeeded"


async def test_list_is_paged_with_total_and_marked_demo(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    first = (await client.get("/api/v1/stocks?limit=10", headers=auth_headers)).json()
    assert first["total"] == 40 and len(first["items"]) == 10 and first["demo"] is True
    item = first["items"][0]
    assert {"code", "name", "name_en", "sector", "market"} <= item.keys()
    assert item["demo"] is True and item["source"] == "demo"
    second = (await client.get("/api/v1/stocks?limit=10&offset=10", headers=auth_headers)).json()
    assert not {i["code"] for i in first["items"]} & {i["code"] for i in second["items"]}


async def test_search_by_code_prefix_kanji_kana_and_english_ignoring_width_and_case(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    stock = _a_stock(context)

    async def codes(q: str) -> set[str]:
        response = await client.get("/api/v1/stocks", params={"q": q, "limit": 500}, headers=auth_headers)
        assert response.status_code == 200
        return {i["code"] for i in response.json()["items"]}

    assert stock.code in await codes(stock.code[:2])
    assert stock.code in await codes(stock.name[:2])
    assert stock.name_en and stock.name_kana
    assert stock.code in await codes(stock.name_en.upper())
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in stock.name_en.split()[0])
    assert stock.code in await codes(full_width)
    katakana = stock.name_kana[:3]
    hiragana = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in katakana)
    half_width = unicodedata.normalize("NFKC", katakana)  # stays katakana; the API folds it
    for q in (katakana, hiragana, half_width):
        assert stock.code in await codes(q), q
    assert await codes("存在しない会社名") == set()


async def test_filter_by_sector_and_market(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    stock = _a_stock(context)
    by_sector = (
        await client.get("/api/v1/stocks", params={"sector": stock.sector_code}, headers=auth_headers)
    ).json()
    assert by_sector["total"] >= 1 and all(i["sector_code"] == stock.sector_code for i in by_sector["items"])
    by_market = (await client.get("/api/v1/stocks", params={"market": "PRIME"}, headers=auth_headers)).json()
    assert by_market["total"] >= 1 and all(i["market"] == "prime" for i in by_market["items"])
    bad = await client.get("/api/v1/stocks", params={"market": "nasdaq"}, headers=auth_headers)
    assert bad.status_code == 422 and bad.json()["field"] == "market"
    bad_limit = await client.get("/api/v1/stocks", params={"limit": 0}, headers=auth_headers)
    assert bad_limit.status_code == 422 and bad_limit.json()["field"] == "limit"


async def test_a_search_with_a_nul_character_finds_nothing_on_every_database(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    # PostgreSQL refuses a NUL inside a string parameter; no code or name holds one anyway.
    for params in ({"q": "a\x00"}, {"sector": "\x00"}):
        answer = await client.get("/api/v1/stocks", params=params, headers=auth_headers)
        assert answer.status_code == 200, answer.text
        assert answer.json()["items"] == [] and answer.json()["total"] == 0


async def test_detail_has_last_close_change_and_fundamentals(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    stock = _a_stock(context)
    body = (await client.get(f"/api/v1/stocks/{stock.code}", headers=auth_headers)).json()
    assert body["as_of"] == DEMO_END.isoformat()
    with session_scope(context.sessions) as session:
        bars = repository.bars_frame(session, stock.code)
    assert body["last_close"] == pytest.approx(bars["close"].iloc[-1])
    assert body["change"] == pytest.approx(
        bars["close"].iloc[-1] - bars["close"].iloc[-2] * bars["adj_factor"].iloc[-1], abs=1e-3
    )
    summary = body["fundamentals"]
    assert summary is not None and summary["disclosed_date"] <= DEMO_END.isoformat()
    assert summary["market_cap"] > 0
    if summary["eps"] and summary["eps"] > 0:
        assert summary["per"] == pytest.approx(body["last_close"] / summary["eps"], rel=1e-3)


async def test_unknown_code_is_404_with_a_message(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    for path in ("/api/v1/stocks/0000", "/api/v1/stocks/0000/prices", "/api/v1/stocks/0000/financials"):
        response = await client.get(path, headers=auth_headers)
        assert response.status_code == 404, path
        assert "0000" in response.json()["detail"]


async def test_prices_by_period_in_date_order(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    stock = _a_stock(context)
    one_month = (
        await client.get(f"/api/v1/stocks/{stock.code}/prices?period=1m", headers=auth_headers)
    ).json()
    one_year = (
        await client.get(f"/api/v1/stocks/{stock.code}/prices?period=1y", headers=auth_headers)
    ).json()
    everything = (
        await client.get(f"/api/v1/stocks/{stock.code}/prices?period=max", headers=auth_headers)
    ).json()
    assert one_month["code"] == stock.code and one_month["adjusted"] is True
    assert 18 <= len(one_month["items"]) <= 23
    assert 230 <= len(one_year["items"]) <= 250
    assert len(everything["items"]) > len(one_year["items"])
    dates = [i["date"] for i in everything["items"]]
    assert dates == sorted(dates) and dates[-1] == DEMO_END.isoformat()
    assert set(everything["items"][0]) == {"date", "open", "high", "low", "close", "volume"}
    bad = await client.get(f"/api/v1/stocks/{stock.code}/prices?period=7d", headers=auth_headers)
    assert bad.status_code == 422 and bad.json()["field"] == "period"


async def test_prices_from_to_and_bad_range(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    stock = _a_stock(context)
    url = f"/api/v1/stocks/{stock.code}/prices"
    window = (
        await client.get(url, params={"from": "2024-03-01", "to": "2024-03-31"}, headers=auth_headers)
    ).json()
    assert window["items"] and all("2024-03-01" <= i["date"] <= "2024-03-31" for i in window["items"])
    backwards = await client.get(url, params={"from": "2024-03-31", "to": "2024-03-01"}, headers=auth_headers)
    assert backwards.status_code == 400 and backwards.json()["field"] == "from"
    garbage = await client.get(url, params={"from": "yesterday"}, headers=auth_headers)
    assert garbage.status_code == 422 and garbage.json()["field"] == "from"


async def test_split_adjusted_prices_have_no_jump_and_raw_prices_do(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    code, ex_date, factor = _split_stock(context)
    url = f"/api/v1/stocks/{code}/prices?period=max"
    adjusted = (await client.get(url, headers=auth_headers)).json()["items"]
    raw = (await client.get(url + "&adjusted=false", headers=auth_headers)).json()["items"]
    i = next(k for k, bar in enumerate(raw) if bar["date"] == ex_date.isoformat())
    raw_ratio = raw[i]["close"] / raw[i - 1]["close"]
    adj_ratio = adjusted[i]["close"] / adjusted[i - 1]["close"]
    assert raw_ratio == pytest.approx(factor, rel=0.3)  # the raw series drops by the split ratio
    assert 0.75 < adj_ratio < 1.33  # the adjusted one moves like an ordinary day
    assert adjusted[i - 1]["close"] == pytest.approx(raw[i - 1]["close"] * factor, rel=1e-6)
    assert adjusted[i - 1]["volume"] == pytest.approx(raw[i - 1]["volume"] / factor, rel=1e-6)
    assert adjusted[-1] == raw[-1]


async def test_financials_point_in_time_with_ratios(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    stock = _a_stock(context)
    body = (await client.get(f"/api/v1/stocks/{stock.code}/financials", headers=auth_headers)).json()
    items = body["items"]
    assert len(items) >= 4 and body["demo"] is True
    assert [i["disclosed_date"] for i in items] == sorted(i["disclosed_date"] for i in items)
    for item in items:
        assert item["disclosed_date"] > item["period_end"]
        if item["equity"] and item["total_assets"]:
            assert item["equity_ratio"] == pytest.approx(
                item["equity"] / item["total_assets"] * 100, rel=1e-3
            )
        if item["bps"] and item["price"]:
            assert item["pbr"] == pytest.approx(item["price"] / item["bps"], rel=1e-3)
    assert body["latest"]["disclosed_date"] == items[-1]["disclosed_date"]
    assert {"per", "pbr", "roe", "dividend_yield", "equity_ratio"} <= body["latest"].keys()


async def test_reads_are_cached_until_a_sync_bumps_the_generation(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    from kabu_trade.core.cache import bump_market_generation

    stock = _a_stock(context)
    url = f"/api/v1/stocks/{stock.code}"
    before = (await client.get(url, headers=auth_headers)).json()
    with session_scope(context.sessions) as session:
        row = session.get(Stock, stock.code)
        assert row is not None
        original, row.name = row.name, "キャッシュ確認"
    try:
        assert (await client.get(url, headers=auth_headers)).json()["name"] == before["name"]  # cached
        bump_market_generation(context.cache)
        assert (await client.get(url, headers=auth_headers)).json()["name"] == "キャッシュ確認"
    finally:
        with session_scope(context.sessions) as session:
            row = session.get(Stock, stock.code)
            assert row is not None
            row.name = original
        bump_market_generation(context.cache)


async def test_openapi_docs_are_served(client: httpx.AsyncClient) -> None:
    assert (await client.get("/docs")).status_code == 200
    schema = (await client.get("/api/v1/openapi.json")).json()
    assert "/api/v1/stocks/{code}/prices" in schema["paths"]


# --- cached reads: bytes as stored, no database, ETag ----------------------------------------------


def _cached_read_urls(context: AppContext) -> list[str]:
    code = _a_stock(context).code
    return [
        "/api/v1/stocks?limit=20",
        f"/api/v1/stocks/{code}",
        f"/api/v1/stocks/{code.lower()}/prices?period=1y",
    ]


@pytest.fixture
async def cached_client(context: AppContext) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app whose user cache outlives any pause of a loaded machine (an hour)."""
    app = create_app(context=context)
    app.state.user_cache = UserCache(3600)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http


async def test_a_cached_read_checks_out_no_connection(
    cached_client: httpx.AsyncClient, context: AppContext
) -> None:
    create_user_in(context)
    headers = await sign_in(cached_client)
    urls = _cached_read_urls(context)
    first = [await cached_client.get(url, headers=headers) for url in urls]
    assert [r.status_code for r in first] == [200, 200, 200]
    with database_use(context.engine) as used:
        again = [await cached_client.get(url, headers=headers) for url in urls]
    # Neither the account (user cache) nor the answer (its bytes, under the generation) is read.
    assert used == {}, used
    assert [r.content for r in again] == [r.content for r in first]
    assert all(r.headers["content-type"] == "application/json" for r in again)


async def test_cached_answers_have_the_documented_shape(
    cached_client: httpx.AsyncClient, context: AppContext
) -> None:
    create_user_in(context)
    headers = await sign_in(cached_client)
    models = [StockList, StockDetail, PriceSeries]
    for url, model in zip(_cached_read_urls(context), models, strict=True):
        for _ in range(2):  # computed, then from the cache
            body = (await cached_client.get(url, headers=headers)).json()
            # Exactly the response model's fields (aliases included: "from", "to"), nothing else.
            assert body == model.model_validate(body).model_dump(mode="json", by_alias=True), url
    prices = (await cached_client.get(_cached_read_urls(context)[2], headers=headers)).json()
    assert {"from", "to"} <= prices.keys() and prices["period"] == "1y"


async def test_cached_answers_carry_an_etag_and_a_match_is_304(
    cached_client: httpx.AsyncClient, context: AppContext
) -> None:
    create_user_in(context)
    headers = await sign_in(cached_client)
    for url in _cached_read_urls(context):
        first = await cached_client.get(url, headers=headers)
        etag = first.headers["etag"]
        assert etag.startswith('"') and first.headers["cache-control"] == "private, no-cache"
        same = await cached_client.get(url, headers={**headers, "If-None-Match": f'"other", W/{etag}'})
        assert same.status_code == 304 and same.content == b"" and same.headers["etag"] == etag
        changed = await cached_client.get(url, headers={**headers, "If-None-Match": '"other"'})
        assert changed.status_code == 200 and changed.content == first.content
    # Still behind the auth wall: a 304 is an answer too.
    assert (await cached_client.get(url, headers={"If-None-Match": etag})).status_code == 401


async def test_a_sync_makes_the_cached_answers_stale(
    cached_client: httpx.AsyncClient, context: AppContext
) -> None:
    from kabu_trade.core.cache import bump_market_generation

    create_user_in(context)
    headers = await sign_in(cached_client)
    urls = _cached_read_urls(context)
    for url in urls:
        await cached_client.get(url, headers=headers)
    bump_market_generation(context.cache)
    with database_use(context.engine) as used:
        for url in urls:
            assert (await cached_client.get(url, headers=headers)).status_code == 200
    assert used["statements"] >= len(urls)  # each one computed again


async def test_a_bad_price_window_is_refused_before_the_cache(
    cached_client: httpx.AsyncClient, context: AppContext
) -> None:
    create_user_in(context)
    headers = await sign_in(cached_client)
    code = _a_stock(context).code
    url = f"/api/v1/stocks/{code}/prices?from=2024-06-01&to=2024-05-01"
    for _ in range(2):
        refused = await cached_client.get(url, headers=headers)
        assert refused.status_code == 400
        assert refused.json()["field"] == "from"


async def test_search_hits_carry_their_last_close_and_change(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    stock = _a_stock(context)
    hits = (await client.get("/api/v1/stocks", params={"q": stock.code}, headers=auth_headers)).json()
    hit = next(i for i in hits["items"] if i["code"] == stock.code)
    detail = (await client.get(f"/api/v1/stocks/{stock.code}", headers=auth_headers)).json()
    # The same figures as the stock page, computed for the whole page of hits at once.
    for key in ("as_of", "last_close", "change", "change_pct"):
        assert hit[key] == detail[key], key
    assert hit["as_of"] == DEMO_END.isoformat() and hit["change"] is not None
    page = (await client.get("/api/v1/stocks?limit=40", headers=auth_headers)).json()
    assert all(i["last_close"] is not None and i["change_pct"] is not None for i in page["items"])


async def test_the_detail_has_the_next_earnings_date_with_its_sessions(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    from kabu_trade.analysis.fundamentals import fundamental_metrics
    from kabu_trade.market.calendar import sessions_between

    seen = 0
    with session_scope(context.sessions) as session:
        codes = repository.stock_codes(session)[:8]
    for code in codes:
        body = (await client.get(f"/api/v1/stocks/{code}", headers=auth_headers)).json()
        with session_scope(context.sessions) as session:
            disclosures = repository.fundamentals_frame(session, code)
            days = fundamental_metrics(
                disclosures.drop(columns="code"), None, DEMO_END, repository.split_events(session, code)
            )["days_to_next_disclosure"]
        nxt = body["next_earnings"]
        # The stock page and the evaluation's metric share one estimate.
        assert (nxt is None) == (days is None), code
        if nxt is None:
            continue
        seen += 1
        assert nxt["days"] == days and nxt["estimated"] is True
        day = date.fromisoformat(nxt["date"])
        assert (day - DEMO_END).days == days
        if day > DEMO_END:
            assert nxt["sessions"] == len(sessions_between(date.fromordinal(DEMO_END.toordinal() + 1), day))
    assert seen
