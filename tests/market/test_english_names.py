"""English company and sector names: the sector tables, their use on J-Quants' master, and the
``name_en`` / ``sector_en`` fields of every response that shows a stock."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import httpx
import pandas as pd
from jquantsapi import constants as jquants_constants

from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.market import repository
from kabu_trade.market.models import Stock
from kabu_trade.market.providers.csv_files import CsvProvider
from kabu_trade.market.providers.jquants_mapping import stocks_from_master
from kabu_trade.market.sectors import SECTORS_17, SECTORS_33, sector17, sector_en
from kabu_trade.market.service import stock_item

FIXTURES = Path(__file__).parent / "fixtures"


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


# --- the tables ------------------------------------------------------------------------------


def test_the_tables_match_the_classification_j_quants_publishes() -> None:
    # jquantsapi (J-Quants' own client) carries JPX's tables; ours are written out as data so that
    # the app does not depend on a client library's constants, and this keeps them honest.
    theirs_33 = {code: (ja, en, s17) for code, ja, en, s17 in jquants_constants.SECTOR_33_DATA}
    assert set(SECTORS_33) == set(theirs_33)
    for code, ours in SECTORS_33.items():
        ja, en, s17 = theirs_33[code]
        assert (_nfkc(ours.ja), ours.en, ours.sector17) == (_nfkc(ja), en, s17), code
    theirs_17 = {code: (ja, en) for code, ja, en in jquants_constants.SECTOR_17_DATA}
    assert set(SECTORS_17) == set(theirs_17)
    for code, ours17 in SECTORS_17.items():
        ja, en = theirs_17[code]
        assert _nfkc(ours17.ja) == _nfkc(ja), code
        # Theirs are upper case (and one is cut short: "…EQUIPMEN"); ours are the title-case names.
        assert ours17.en.upper().startswith(en.strip()), code


def test_every_sector_of_the_recorded_master_has_its_english_names() -> None:
    records = json.loads((FIXTURES / "jquants" / "equities_master.json").read_text())["data"]
    for record in records:
        assert sector_en(record["S33"]) == SECTORS_33[record["S33"]].en
        assert sector17(record["S33"]) == SECTORS_17[record["S17"]], record["Code"]
        assert SECTORS_17[record["S17"]].ja == _nfkc(record["S17Nm"])


def test_lookup_by_code_or_japanese_name() -> None:
    assert sector_en("0050") == "Fishery, Agriculture & Forestry"
    assert sector_en("9050", "サービス業") == "Services"
    # No code (a CSV list with names only), J-Quants' half-width punctuation folded:
    assert sector_en(None, "石油･石炭製品") == "Oil & Coal Products"
    assert sector_en("", "証券､商品先物取引業") == "Securities & Commodity Futures"
    # A code that is not a TSE one falls back to the name; nothing known → None, never a guess.
    assert sector_en("X1", "銀行業") == "Banks"
    assert sector_en("X1", "半導体") is None
    assert sector_en(None, None) is None
    assert sector17("3700") == SECTORS_17["6"]


# --- the sources -------------------------------------------------------------------------------


def test_j_quants_master_gives_english_company_and_sector_names() -> None:
    records = json.loads((FIXTURES / "jquants" / "equities_master.json").read_text())["data"]
    stocks = stocks_from_master(pd.DataFrame(records)).set_index("code")
    toyota = stocks.loc["7203"]
    assert toyota["name_en"] == "TOYOTA MOTOR CORPORATION"
    assert sector_en(toyota["sector_code"], toyota["sector_name"]) == "Transportation Equipment"


def test_csv_stock_list_takes_an_optional_name_en_column(tmp_path: Path) -> None:
    bars = FIXTURES / "csv" / "bars.csv"
    with_english = tmp_path / "stocks.csv"
    with_english.write_text(
        "code,name,name_en,sector_name\n7203,トヨタ自動車,Toyota Motor,輸送用機器\n130A,ベリタス,,医薬品\n"
    )
    stocks = CsvProvider(bars, stocks=with_english).list_stocks().set_index("code")
    assert stocks.loc["7203", "name_en"] == "Toyota Motor"
    assert stocks.loc["130A", "name_en"] is None  # blank → none, so the UI falls back to 名前
    assert sector_en(None, stocks.loc["7203", "sector_name"]) == "Transportation Equipment"
    without = tmp_path / "plain.csv"
    without.write_text("code,name\n7203,トヨタ自動車\n130A,ベリタス\n")
    assert CsvProvider(bars, stocks=without).list_stocks()["name_en"].isna().all()


# --- the API -------------------------------------------------------------------------------------


def _stocks(context: AppContext) -> dict[str, Stock]:
    with session_scope(context.sessions) as session:
        rows, _ = repository.search_stocks(session, None, None, None, 100, 0)
        return {s.code: s for s in rows}


async def test_stock_list_detail_and_search_carry_english_names(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    stocks = _stocks(context)
    listed = (await client.get("/api/v1/stocks?limit=100", headers=auth_headers)).json()["items"]
    assert listed and len(listed) == len(stocks)
    for item in listed:
        stock = stocks[item["code"]]
        assert item["name"] == stock.name and item["sector"] == stock.sector_name  # unchanged fields
        assert item["name_en"] == stock.name_en and item["name_en"]
        assert item["sector_en"] == SECTORS_33[stock.sector_code or ""].en
    code = listed[0]["code"]
    detail = (await client.get(f"/api/v1/stocks/{code}", headers=auth_headers)).json()
    assert (detail["name_en"], detail["sector_en"]) == (listed[0]["name_en"], listed[0]["sector_en"])
    found = (
        await client.get("/api/v1/stocks", params={"q": listed[0]["name_en"]}, headers=auth_headers)
    ).json()["items"]
    assert any(i["code"] == code and i["sector_en"] == listed[0]["sector_en"] for i in found)


async def test_screener_watchlist_and_history_carry_english_names(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    stocks = _stocks(context)
    policy = await client.post(
        "/api/v1/policies",
        json={
            "name": "英語名",
            "style": "momentum",
            "horizon": "medium",
            "risk_tolerance": 3,
            "target_return_pct": 10,
            "stop_loss_pct": 5,
            "rules": [{"metric": "rsi_14", "op": "<=", "value": 100}],
        },
        headers=auth_headers,
    )
    assert policy.status_code == 201, policy.text
    screen = await client.post(
        "/api/v1/screener", json={"policy_id": policy.json()["id"], "limit": 5}, headers=auth_headers
    )
    assert screen.status_code == 200, screen.text
    items = screen.json()["items"]
    assert items
    for item in items:
        stock = stocks[item["stock_code"]]
        assert (item["name"], item["name_en"]) == (stock.name, stock.name_en)
        assert item["sector_en"] == sector_en(stock.sector_code) and item["sector_en"]

    code = items[0]["stock_code"]
    made = await client.post(
        "/api/v1/watchlists", json={"name": "英語", "codes": [code]}, headers=auth_headers
    )
    assert made.status_code == 201, made.text
    entry = made.json()["items"][0]
    assert (entry["name_en"], entry["sector_en"]) == (items[0]["name_en"], items[0]["sector_en"])

    evaluated = await client.post("/api/v1/evaluations", json={"stock_code": code}, headers=auth_headers)
    assert evaluated.status_code in (200, 201), evaluated.text
    assert evaluated.json()["stock_name_en"] == stocks[code].name_en
    history = (
        await client.get("/api/v1/evaluations", params={"stock_code": code}, headers=auth_headers)
    ).json()["items"]
    assert history[0]["stock_name"] == stocks[code].name
    assert history[0]["stock_name_en"] == stocks[code].name_en


def test_a_stock_without_english_names_answers_null() -> None:
    item = stock_item(
        Stock(code="9999", name="無名", sector_code="X", sector_name="独自業種", lot_size=100, source="csv")
    )
    assert (item.name_en, item.sector_en) == (None, None)
    assert item.sector == "独自業種"
