"""A stock's fundamentals on its page (``/stocks/{code}``) and their history (``/financials``),
on hand-built disclosures, prices and splits."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import pytest

from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.market import repository
from kabu_trade.market.calendar import sessions_between
from kabu_trade.market.providers.base import BAR_COLUMNS, FUNDAMENTAL_COLUMNS, STOCK_COLUMNS
from kabu_trade.market.service import StockReads

NAN = float("nan")
CODE = "9999"
ContextFactory = Callable[..., AppContext]


def disclosure(day: date, period_type: str, period_end: date, **figures: float) -> dict[str, Any]:
    return {
        **dict.fromkeys(FUNDAMENTAL_COLUMNS, NAN),
        "code": CODE,
        "disclosed_date": day,
        "period_type": period_type,
        "period_end": period_end,
        **figures,
    }


def seed(
    context: AppContext,
    disclosures: list[dict[str, Any]],
    closes: dict[date, float],
    splits: dict[date, float] | None = None,
) -> None:
    """One real-looking stock: a close on each given day (and the days between carry the last one),
    the split factor on its ex-date, the disclosures as given."""
    splits = splits or {}
    days = sessions_between(min(closes), max(closes))
    price = pd.Series(closes).reindex(days).ffill()
    bars = pd.DataFrame(
        {
            "code": CODE,
            "date": days,
            **{c: price.to_numpy() for c in ("open", "high", "low", "close")},
            "volume": 1000.0,
            "turnover": 0.0,
            "adj_factor": [splits.get(d, 1.0) for d in days],
        },
        columns=BAR_COLUMNS,
    )
    stock = pd.DataFrame(
        [[CODE, "テスト", None, "Test", "3050", "情報・通信業", "prime", 100]], columns=STOCK_COLUMNS
    )
    with session_scope(context.sessions) as session:
        repository.upsert_stocks(session, stock, "jquants")
        repository.upsert_bars(session, bars)
        repository.upsert_fundamentals(session, pd.DataFrame(disclosures, columns=FUNDAMENTAL_COLUMNS))


def reads(context: AppContext) -> StockReads:
    return StockReads(context.sessions(), context.cache, 60)


FY_RESULTS = disclosure(
    date(2024, 5, 10),
    "FY",
    date(2024, 3, 31),
    sales=1100,
    operating_profit=121,
    net_income=88,
    eps=88,
    forecast_eps=95,
    bps=780,
    dps=26,
    forecast_dps=30,
    equity=7800,
    total_assets=15000,
    shares_outstanding=100,
)
EARN_REVISION = disclosure(date(2024, 7, 1), "FY", date(2025, 3, 31), forecast_eps=110)
DIVIDEND_REVISION = disclosure(date(2024, 7, 2), "FY", date(2025, 3, 31), forecast_dps=35)


def detail_fundamentals(context: AppContext) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads(reads(context).detail(CODE).body)["fundamentals"]
    return answer


def test_the_stock_page_keeps_what_a_forecast_revision_does_not_revise(
    context_factory: ContextFactory,
) -> None:
    context = context_factory("sqlite")
    closes = {date(2024, 5, 10): 1500.0, date(2024, 7, 5): 1500.0}
    seed(context, [FY_RESULTS, EARN_REVISION, DIVIDEND_REVISION], closes)

    summary = detail_fundamentals(context)

    assert summary["disclosed_date"] == "2024-07-02"  # the latest disclosure, a revision
    # The period is the one of the latest results, not the fiscal year a revision forecasts.
    assert (summary["period_type"], summary["period_end"]) == ("FY", "2024-03-31")
    assert summary["forecast_eps"] == 110 and summary["forward_per"] == pytest.approx(1500 / 110, abs=1e-4)
    assert summary["forecast_dps"] == 35 and summary["dividend_yield"] == pytest.approx(
        35 / 1500 * 100, abs=1e-4
    )
    assert (
        summary["eps"] == 88 and summary["bps"] == 780 and summary["roe"] == pytest.approx(88 / 78, abs=1e-4)
    )
    assert summary["equity_ratio"] == pytest.approx(52.0)
    assert summary["market_cap"] == 1500 * 100
    assert json.loads(json.dumps(reads(context).financials(CODE)["latest"], default=str)) == summary


def test_history_ratios_after_a_split_use_figures_on_the_same_share_basis(
    context_factory: ContextFactory,
) -> None:
    # 1:2 split on 2022-12-29 (like 2537's): the full-year EPS and DPS disclosed in May are on the
    # old basis, the third quarter and the price of 2023-02-06 on the new one.
    context = context_factory("sqlite")
    fy = disclosure(
        date(2022, 5, 10), "FY", date(2022, 3, 31), eps=100, forecast_eps=110, bps=1000, dps=40,
        forecast_dps=44, equity=100_000, total_assets=200_000, shares_outstanding=100,
    )  # fmt: skip
    q3 = disclosure(
        date(2023, 2, 6), "3Q", date(2022, 12, 31), eps=45, forecast_eps=55, shares_outstanding=200
    )
    fy_without_dps = disclosure(date(2023, 5, 12), "FY", date(2023, 3, 31), eps=60, bps=520)
    closes = {date(2022, 5, 10): 4000.0, date(2022, 12, 28): 4000.0, date(2022, 12, 29): 2000.0}
    closes |= {date(2023, 2, 6): 2000.0, date(2023, 5, 12): 2100.0}
    seed(context, [fy, q3, fy_without_dps], closes, splits={date(2022, 12, 29): 0.5})

    items = {i["disclosed_date"]: i for i in reads(context).financials(CODE)["items"]}

    before, after, year_end = items[date(2022, 5, 10)], items[date(2023, 2, 6)], items[date(2023, 5, 12)]
    assert before["per"] == 40.0 and before["payout_ratio"] == 40.0
    assert after["price"] == 2000.0 and after["eps"] == 45  # shown as disclosed and traded
    assert after["per"] == pytest.approx(2000 / 50)  # not 2000 / 100
    assert after["forward_per"] == pytest.approx(2000 / 55, abs=1e-4)
    assert after["dividend_yield"] == pytest.approx(22 / 2000 * 100)  # the May forecast, halved
    assert after["payout_ratio"] == 40.0
    assert after["pbr"] == pytest.approx(2000 / 500)
    assert year_end["per"] == pytest.approx(35.0) and year_end["payout_ratio"] == pytest.approx(
        20 / 60 * 100, abs=1e-4
    )
