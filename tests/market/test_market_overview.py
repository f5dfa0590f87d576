"""The market overview on the latest session, checked against the bars themselves."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pandas as pd
import pytest

from kabu_trade.core.cache import bump_market_generation
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.market import repository
from kabu_trade.market.models import DailyBar, IndexBar
from kabu_trade.market.providers.base import DEMO_INDEX, TOPIX
from tests.conftest import DEMO_END


def _expected_changes(context: AppContext) -> pd.DataFrame:
    """Each stock's change on DEMO_END, from its last two bars, the slow way."""
    rows = []
    with session_scope(context.sessions) as session:
        sectors = repository.stock_sectors(session).set_index("code")
        for code in repository.stock_codes(session):
            bars = repository.bars_frame(session, code).dropna(subset=["close"])
            if len(bars) < 2 or bars["date"].iloc[-1] != DEMO_END:
                continue
            previous = bars["close"].iloc[-2] * bars["adj_factor"].iloc[-1]
            change = bars["close"].iloc[-1] - previous
            rows.append((code, sectors.loc[code, "sector"], change, change / previous * 100))
    return pd.DataFrame(rows, columns=["code", "sector", "change", "change_pct"])


async def test_the_overview_counts_advancers_and_decliners_and_ranks_sectors(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    body = (await client.get("/api/v1/market/overview", headers=auth_headers)).json()
    expected = _expected_changes(context)
    assert body["as_of"] == DEMO_END.isoformat() and body["demo"] is True
    assert body["stocks"] == len(expected) == 40
    assert body["advancers"] == int((expected["change"] > 1e-9).sum())
    assert body["decliners"] == int((expected["change"] < -1e-9).sum())
    assert body["advancers"] + body["decliners"] + body["unchanged"] == body["stocks"]
    assert body["average_change_pct"] == pytest.approx(expected["change_pct"].mean(), abs=1e-3)
    # The demo stores its own index: the benchmark is that index, named as the demo's.
    with session_scope(context.sessions) as session:
        closes = repository.index_closes(session, DEMO_INDEX, end=DEMO_END)
    close, previous = closes.iloc[-1], closes.iloc[-2]
    assert closes.index[-1] == DEMO_END
    assert body["benchmark"] == {
        "kind": "index",
        "code": DEMO_INDEX,
        "name": "TOPIX (demo)",
        "close": close,
        "change": pytest.approx(close - previous, abs=1e-4),
        "change_pct": pytest.approx((close - previous) / previous * 100, abs=1e-4),
    }
    sectors = body["sectors"]
    moves = [s["average_change_pct"] for s in sectors]
    assert moves == sorted(moves, reverse=True)
    assert sum(s["count"] for s in sectors) == body["stocks"]
    by_sector = expected.groupby("sector")["change_pct"].mean()
    for sector in sectors:
        assert sector["average_change_pct"] == pytest.approx(by_sector[sector["sector"]], abs=1e-3)
        assert sector["advancers"] + sector["decliners"] <= sector["count"]


async def test_a_stock_that_did_not_trade_on_the_latest_session_is_left_out(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    with session_scope(context.sessions) as session:
        code = repository.stock_codes(session)[0]
        bar = session.get(DailyBar, (code, DEMO_END))
        assert bar is not None
        saved = bar.close
        bar.close = None
    bump_market_generation(context.cache)
    try:
        body = (await client.get("/api/v1/market/overview", headers=auth_headers)).json()
        assert body["stocks"] == 39 and body["as_of"] == DEMO_END.isoformat()
    finally:
        with session_scope(context.sessions) as session:
            bar = session.get(DailyBar, (code, DEMO_END))
            assert bar is not None
            bar.close = saved
        bump_market_generation(context.cache)


async def test_the_overview_is_cached_until_the_generation_moves(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    first = await client.get("/api/v1/market/overview", headers=auth_headers)
    assert first.status_code == 200 and first.headers["etag"]
    again = await client.get(
        "/api/v1/market/overview", headers={**auth_headers, "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert (await client.get("/api/v1/market/overview")).status_code == 401


async def _overview(client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext) -> dict:
    bump_market_generation(context.cache)
    response = await client.get("/api/v1/market/overview", headers=auth_headers)
    assert response.status_code == 200
    body: dict = response.json()
    return body


async def test_without_an_index_on_the_latest_session_the_benchmark_is_the_equal_weight_universe(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    with session_scope(context.sessions) as session:
        saved = [(b.code, b.date, b.open, b.high, b.low, b.close, b.source) for b in session.query(IndexBar)]
        latest = session.get(IndexBar, (DEMO_INDEX, DEMO_END))
        assert latest is not None
        session.delete(latest)
    try:
        # An index a session behind the stocks would compare different days: not used.
        body = await _overview(client, auth_headers, context)
        assert body["benchmark"] == {
            "kind": "equal_weight_universe",
            "change_pct": body["average_change_pct"],
            **dict.fromkeys(("code", "name", "close", "change")),
        }
        with session_scope(context.sessions) as session:
            session.query(IndexBar).delete()
        body = await _overview(client, auth_headers, context)
        assert body["benchmark"]["kind"] == "equal_weight_universe"
    finally:
        with session_scope(context.sessions) as session:
            session.query(IndexBar).delete()
            session.add_all(
                IndexBar(code=c, date=d, open=o, high=h, low=lo, close=cl, source=src)
                for c, d, o, h, lo, cl, src in saved
            )
        bump_market_generation(context.cache)


async def test_topix_is_preferred_to_any_other_stored_index(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    previous_day = DEMO_END - timedelta(days=3)  # 2024-12-27, the session before DEMO_END
    with session_scope(context.sessions) as session:
        for day, close in ((previous_day, 2500.0), (DEMO_END, 2525.0)):
            session.add(
                IndexBar(code=TOPIX, date=day, open=None, high=None, low=None, close=close, source="demo")
            )
    try:
        body = await _overview(client, auth_headers, context)
        assert body["benchmark"] == {
            "kind": "index",
            "code": "TOPIX",
            "name": "TOPIX",
            "close": 2525.0,
            "change": 25.0,
            "change_pct": 1.0,
        }
    finally:
        with session_scope(context.sessions) as session:
            session.query(IndexBar).filter(IndexBar.code == TOPIX).delete()
        bump_market_generation(context.cache)
