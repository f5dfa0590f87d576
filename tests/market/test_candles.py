"""Weekly and monthly candles: the aggregation rule on a hand-made frame, then the API."""

from __future__ import annotations

from datetime import date

import httpx
import numpy as np
import pandas as pd
import pytest

from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.market import repository
from kabu_trade.market.adjustments import adjust_bars
from kabu_trade.market.bars import aggregate_bars
from tests.conftest import DEMO_END

# Mon 2024-12-23 … Fri 2024-12-27 (week 52), Mon 2024-12-30 and Thu 2025-01-02 (ISO week 1 of 2025).
BARS = pd.DataFrame(
    {
        "date": [date(2024, 12, d) for d in (23, 24, 25, 26, 27, 30)] + [date(2025, 1, 2)],
        "open": [100.0, 103.0, np.nan, 101.0, 104.0, 110.0, 108.0],
        "high": [105.0, 106.0, np.nan, 103.0, 109.0, 112.0, 111.0],
        "low": [99.0, 100.0, np.nan, 97.0, 102.0, 107.0, 104.0],
        "close": [103.0, 101.0, np.nan, 102.0, 108.0, 109.0, 105.0],
        "volume": [1000.0, 2000.0, np.nan, 1500.0, 500.0, 700.0, 900.0],
    }
)


def test_weekly_candles_follow_iso_weeks_across_the_year_end() -> None:
    weeks = aggregate_bars(BARS, "1w")
    assert list(weeks["date"]) == [date(2024, 12, 27), date(2025, 1, 2)]
    first = weeks.iloc[0]
    assert (first["open"], first["high"], first["low"], first["close"]) == (100.0, 109.0, 97.0, 108.0)
    assert first["volume"] == 5000.0  # the session without data adds nothing
    second = weeks.iloc[1]  # 2024-12-30 belongs to ISO week 1 of 2025
    assert (second["open"], second["high"], second["low"], second["close"]) == (110.0, 112.0, 104.0, 105.0)
    assert second["volume"] == 1600.0


def test_monthly_candles_follow_calendar_months() -> None:
    months = aggregate_bars(BARS, "1mo")
    assert list(months["date"]) == [date(2024, 12, 30), date(2025, 1, 2)]
    december = months.iloc[0]
    assert (december["open"], december["high"], december["low"]) == (100.0, 112.0, 97.0)
    assert december["close"] == 109.0 and december["volume"] == 5700.0
    assert months.iloc[1]["open"] == 108.0 and months.iloc[1]["volume"] == 900.0


def test_daily_is_the_bars_themselves_and_bad_arguments_are_named() -> None:
    pd.testing.assert_frame_equal(aggregate_bars(BARS, "1d"), BARS)
    with pytest.raises(ValueError, match="interval"):
        aggregate_bars(BARS, "2w")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="volume"):
        aggregate_bars(BARS.drop(columns="volume"), "1w")


async def test_the_api_serves_weekly_and_monthly_candles_from_the_adjusted_daily_bars(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    with session_scope(context.sessions) as session:
        code = next(c for c in repository.stock_codes(session) if repository.split_events(session, c))
        bars = repository.bars_frame(session, code)
        adjusted = adjust_bars(bars, repository.split_events(session, code))
    url = f"/api/v1/stocks/{code}/prices"
    weekly = (await client.get(url, params={"period": "max", "interval": "1w"}, headers=auth_headers)).json()
    monthly = (
        await client.get(url, params={"period": "max", "interval": "1mo"}, headers=auth_headers)
    ).json()
    assert weekly["interval"] == "1w" and monthly["interval"] == "1mo"
    assert weekly["items"][-1]["date"] == monthly["items"][-1]["date"] == DEMO_END.isoformat()
    # Each month, recomputed here from the split-adjusted daily bars.
    day = pd.to_datetime(adjusted["date"])
    december = adjusted[(day.dt.year == DEMO_END.year) & (day.dt.month == DEMO_END.month)]
    last = monthly["items"][-1]
    assert last["open"] == pytest.approx(december["open"].dropna().iloc[0], abs=1e-3)
    assert last["high"] == pytest.approx(december["high"].max(), abs=1e-3)
    assert last["low"] == pytest.approx(december["low"].min(), abs=1e-3)
    assert last["close"] == pytest.approx(december["close"].dropna().iloc[-1], abs=1e-3)
    assert last["volume"] == pytest.approx(december["volume"].sum(), rel=1e-6)
    assert len(monthly["items"]) == len(set(zip(day.dt.year, day.dt.month, strict=True)))
    # Split-adjusted: no candle's close is a fraction of the previous one's (no −50 % jump).
    closes = np.array([i["close"] for i in weekly["items"]], dtype=float)
    assert np.nanmin(closes[1:] / closes[:-1]) > 0.6
    dates = [i["date"] for i in weekly["items"]]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)


async def test_a_one_year_weekly_window_starts_on_a_whole_week(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    with session_scope(context.sessions) as session:
        code = repository.stock_codes(session)[0]
    url = f"/api/v1/stocks/{code}/prices"
    weekly = (await client.get(url, params={"period": "1y", "interval": "1w"}, headers=auth_headers)).json()
    assert 52 <= len(weekly["items"]) <= 54
    assert date.fromisoformat(weekly["from"]).weekday() == 0  # a Monday


async def test_an_unknown_interval_is_a_422_naming_the_field(
    client: httpx.AsyncClient, auth_headers: dict[str, str], context: AppContext
) -> None:
    with session_scope(context.sessions) as session:
        code = repository.stock_codes(session)[0]
    bad = await client.get(f"/api/v1/stocks/{code}/prices?interval=1h", headers=auth_headers)
    assert bad.status_code == 422 and bad.json()["field"] == "interval"
