"""The market overview on the latest session, checked against the bars themselves."""

from __future__ import annotations

import httpx
import pandas as pd
import pytest

from kabu_trade.core.cache import bump_market_generation
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.market import repository
from kabu_trade.market.models import DailyBar
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
    # No index is stored: the benchmark is the equal-weight universe average, named as such.
    assert body["benchmark"] == {"kind": "equal_weight_universe", "change_pct": body["average_change_pct"]}
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
