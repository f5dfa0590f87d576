"""J-Quants V2 provider against recorded responses served at the real V2 URLs.

``responses`` stands in for the network only: the official ``jquantsapi.ClientV2`` runs its real
HTTP, paging and DataFrame code. The fixtures under ``tests/market/fixtures/jquants`` follow the V2
payloads field for field (``{"data": [...], "pagination_key": ...}``, every column the client's
``constants`` lists); they were written by hand in that shape, since tests cannot reach the API,
so the figures are realistic but not guaranteed to the yen.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import requests
import responses
from jquantsapi import ClientV2
from pydantic import SecretStr
from responses import matchers

from kabu_trade.core.config import Settings
from kabu_trade.core.errors import InvalidInput, SourceError
from kabu_trade.market.calendar import sessions_between
from kabu_trade.market.providers.base import (
    BAR_COLUMNS,
    FUNDAMENTAL_COLUMNS,
    INDEX_BAR_COLUMNS,
    STOCK_COLUMNS,
)
from kabu_trade.market.providers.factory import create_provider
from kabu_trade.market.providers.jquants import (
    JQuantsProvider,
    RetryPolicy,
    SlidingWindowLimiter,
)
from kabu_trade.market.providers.jquants_mapping import (
    fundamentals_from_summary,
    map_market,
    to_api_code,
    to_kabu_code,
)

BASE = "https://api.jquants.com/v2"
MASTER = f"{BASE}/equities/master"
BARS = f"{BASE}/equities/bars/daily"
SUMMARY = f"{BASE}/fins/summary"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "jquants"
TODAY = date(2024, 6, 3)

# jquantsapi sorts with inplace=True, which pandas 3.1 deprecates: the library's noise, not ours.
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword:pandas.errors.Pandas4Warning")


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_provider(clock: FakeClock, plan: str = "standard", today: date = TODAY) -> JQuantsProvider:
    return JQuantsProvider("test-key", plan, clock=clock, sleep=clock.sleep, today=lambda: today)


def serve_bars(api: responses.RequestsMock) -> None:
    api.get(
        BARS,
        json=fixture("bars_daily_2024-03-27_p1.json"),
        match=[matchers.query_param_matcher({"date": "2024-03-27"})],
    )
    api.get(
        BARS,
        json=fixture("bars_daily_2024-03-27_p2.json"),
        match=[matchers.query_param_matcher({"date": "2024-03-27", "pagination_key": "value1.value2."})],
    )
    api.get(
        BARS,
        json=fixture("bars_daily_2024-03-28.json"),
        match=[matchers.query_param_matcher({"date": "2024-03-28"})],
    )


def row(frame: pd.DataFrame, code: str, **where: Any) -> pd.Series:
    mask = frame["code"] == code
    for column, value in where.items():
        mask &= frame[column] == value
    assert mask.sum() == 1, f"expected one row for {code} {where}, got {int(mask.sum())}"
    return frame[mask].iloc[0]


# --- construction ---------------------------------------------------------------------------


def test_serves_the_urls_the_official_client_calls() -> None:
    assert ClientV2.JQUANTS_API_BASE == BASE


@pytest.mark.parametrize("key", [None, "", "   "])
def test_missing_api_key_is_invalid_input_naming_the_setting(key: str | None) -> None:
    with pytest.raises(InvalidInput, match="KABU_JQUANTS_API_KEY") as info:
        JQuantsProvider(key)
    assert info.value.field == "jquants_api_key"


def test_unknown_plan_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="KABU_JQUANTS_PLAN"):
        JQuantsProvider("test-key", "gold")


def test_from_settings_reads_key_and_plan() -> None:
    settings = Settings(jquants_api_key=SecretStr("from-env"), jquants_plan="light")
    provider = JQuantsProvider.from_settings(settings)
    assert provider.plan == "light"
    assert (provider.name, provider.is_demo, provider.fetches_by_date) == ("jquants", False, True)
    with pytest.raises(InvalidInput, match="KABU_JQUANTS_API_KEY"):
        JQuantsProvider.from_settings(Settings(jquants_api_key=None))


# --- listed issues --------------------------------------------------------------------------


def test_list_stocks_maps_the_master(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.get(MASTER, json=fixture("equities_master.json"))

    stocks = make_provider(clock).list_stocks()

    assert list(stocks.columns) == STOCK_COLUMNS
    toyota = row(stocks, "7203")
    assert toyota["name"] == "トヨタ自動車"
    assert toyota["name_en"] == "TOYOTA MOTOR CORPORATION"
    assert (toyota["sector_code"], toyota["sector_name"]) == ("3700", "輸送用機器")
    assert toyota["name_kana"] is None  # V2 has no reading
    assert toyota["lot_size"] == 100
    assert row(stocks, "130A")["name"] == "Veritas In Silico"  # alphanumeric code 130A0 → 130A
    markets = dict(zip(stocks["code"], stocks["market"], strict=True))
    assert markets["7203"] == "prime"
    assert markets["9993"] == "standard"
    assert markets["130A"] == "growth"
    assert markets["1306"] == "other"  # an ETF, segment その他
    # A preferred share keeps its fifth character: it must not collide with the common stock 2593.
    assert {"2593", "25935"} <= set(stocks["code"])
    assert api.calls[0].request.headers["x-api-key"] == "test-key"


# --- daily bars -----------------------------------------------------------------------------


def test_bars_are_fetched_by_date_following_pagination(api: responses.RequestsMock, clock: FakeClock) -> None:
    serve_bars(api)

    bars = make_provider(clock).fetch_daily_bars(date(2024, 3, 27), date(2024, 3, 28))

    assert list(bars.columns) == BAR_COLUMNS
    assert len(api.calls) == 3  # two pages for the 27th, one for the 28th
    assert "pagination_key=value1.value2." in str(api.calls[1].request.url)
    assert len(bars) == 10
    assert set(bars["date"]) == {date(2024, 3, 27), date(2024, 3, 28)}
    toyota = row(bars, "7203", date=date(2024, 3, 27))
    assert (toyota["open"], toyota["high"], toyota["low"], toyota["close"]) == (
        3826.0,
        3866.0,
        3805.0,
        3856.0,
    )
    assert (toyota["volume"], toyota["turnover"], toyota["adj_factor"]) == (28123900.0, 108153456700.0, 1.0)
    assert row(bars, "130A", date=date(2024, 3, 28))["close"] == 2963.0


def test_split_day_carries_the_adjustment_factor_and_raw_prices(
    api: responses.RequestsMock, clock: FakeClock
) -> None:
    serve_bars(api)

    bars = make_provider(clock).fetch_daily_bars(date(2024, 3, 27), date(2024, 3, 28))

    before, ex_date = row(bars, "8035", date=date(2024, 3, 27)), row(bars, "8035", date=date(2024, 3, 28))
    assert before["adj_factor"] == 1.0
    assert ex_date["adj_factor"] == pytest.approx(1 / 3, rel=1e-5)  # 1:3 split, ex-date 2024-03-28
    assert before["close"] == 39890.0  # raw, not the retroactively adjusted AdjC
    assert ex_date["close"] == 13245.0


def test_untraded_stock_is_kept_with_nan_prices(api: responses.RequestsMock, clock: FakeClock) -> None:
    serve_bars(api)

    bars = make_provider(clock).fetch_daily_bars(date(2024, 3, 27), date(2024, 3, 28))

    idle = row(bars, "9993", date=date(2024, 3, 28))
    for column in ("open", "high", "low", "close", "volume", "turnover"):
        assert math.isnan(idle[column]), column
    assert idle["adj_factor"] == 1.0


def test_bars_filter_to_codes_when_walking_dates(api: responses.RequestsMock, clock: FakeClock) -> None:
    serve_bars(api)

    bars = make_provider(clock).fetch_daily_bars(
        date(2024, 3, 27), date(2024, 3, 28), codes=["7203", "130A", "8035"]
    )

    assert sorted(set(bars["code"])) == ["130A", "7203", "8035"]
    assert len(bars) == 6
    assert len(api.calls) == 3  # three codes are not fewer than two days: still by date


def test_bars_go_per_code_when_fewer_codes_than_days(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.get(
        BARS,
        json=fixture("bars_daily_code_80350.json"),
        match=[matchers.query_param_matcher({"code": "80350", "from": "2024-03-26", "to": "2024-03-29"})],
    )

    bars = make_provider(clock).fetch_daily_bars(date(2024, 3, 26), date(2024, 3, 29), codes=["8035"])

    assert len(api.calls) == 1  # one code over four trading days: one request, not four
    assert list(bars["date"]) == [date(2024, 3, 27), date(2024, 3, 28)]
    assert set(bars["code"]) == {"8035"}


def test_no_trading_day_means_no_request(api: responses.RequestsMock, clock: FakeClock) -> None:
    bars = make_provider(clock).fetch_daily_bars(date(2024, 3, 30), date(2024, 3, 31))  # a weekend

    assert bars.empty and list(bars.columns) == BAR_COLUMNS
    assert len(api.calls) == 0


def test_start_after_end_is_invalid_input(clock: FakeClock) -> None:
    with pytest.raises(InvalidInput, match="after"):
        make_provider(clock).fetch_daily_bars(date(2024, 3, 28), date(2024, 3, 27))


# --- financial summaries --------------------------------------------------------------------


def serve_summaries(api: responses.RequestsMock) -> None:
    for day in ("2024-05-08", "2024-05-09"):
        api.get(
            SUMMARY,
            json=fixture(f"fins_summary_{day}.json"),
            match=[matchers.query_param_matcher({"date": day})],
        )


def test_fundamentals_are_mapped_by_disclosure_date(api: responses.RequestsMock, clock: FakeClock) -> None:
    serve_summaries(api)

    funds = make_provider(clock).fetch_fundamentals(date(2024, 5, 8), date(2024, 5, 9))

    assert list(funds.columns) == FUNDAMENTAL_COLUMNS
    assert len(api.calls) == 2
    toyota = row(funds, "7203")
    assert toyota["disclosed_date"] == date(2024, 5, 8)
    assert (toyota["period_type"], toyota["period_end"]) == ("FY", date(2024, 3, 31))
    assert toyota["sales"] == 45_095_325_000_000
    assert toyota["operating_profit"] == 5_352_934_000_000
    assert toyota["net_income"] == 4_944_933_000_000
    assert (toyota["eps"], toyota["bps"], toyota["dps"]) == (365.94, 2590.50, 75.0)
    # FY results: the forecast that matters is the one for the year just begun (NxF* fields).
    assert (toyota["forecast_eps"], toyota["forecast_dps"]) == (267.94, 90.0)
    assert toyota["equity"] == 35_239_338_000_000
    assert toyota["total_assets"] == 90_114_296_000_000
    assert toyota["shares_outstanding"] == 15_794_987_460


def test_fundamentals_empty_strings_are_nan(api: responses.RequestsMock, clock: FakeClock) -> None:
    serve_summaries(api)

    funds = make_provider(clock).fetch_fundamentals(date(2024, 5, 8), date(2024, 5, 9))

    veritas = row(funds, "130A")
    assert (veritas["period_type"], veritas["period_end"]) == ("1Q", date(2024, 3, 31))
    assert veritas["operating_profit"] == -92_000_000  # losses stay negative
    assert veritas["eps"] == -15.52
    for column in ("bps", "dps", "forecast_eps"):  # "" in the payload
        assert math.isnan(veritas[column]), column
    assert veritas["forecast_dps"] == 0.0  # a forecast of zero is a figure, not a blank


def test_fundamentals_keep_the_latest_of_a_corrected_disclosure(
    api: responses.RequestsMock, clock: FakeClock
) -> None:
    serve_summaries(api)

    funds = make_provider(clock).fetch_fundamentals(date(2024, 5, 8), date(2024, 5, 9))

    kyokuyo = row(funds, "1301")  # two documents that day, the correction has the higher DiscNo
    assert (kyokuyo["eps"], kyokuyo["bps"]) == (534.42, 5216.02)


def test_forecast_revision_keeps_current_year_forecast(api: responses.RequestsMock, clock: FakeClock) -> None:
    serve_summaries(api)

    funds = make_provider(clock).fetch_fundamentals(date(2024, 5, 8), date(2024, 5, 9))

    tel = row(funds, "8035")
    assert (tel["period_type"], tel["period_end"]) == ("FY", date(2025, 3, 31))
    assert tel["forecast_eps"] == 943.33
    assert math.isnan(tel["sales"])  # a revision reports no actuals


def test_same_day_earnings_and_dividend_revisions_keep_both_forecasts(
    api: responses.RequestsMock, clock: FakeClock
) -> None:
    # Two documents for the same fiscal year on one day: each revises its own forecast only.
    api.get(
        SUMMARY,
        json=fixture("fins_summary_2024-08-01.json"),
        match=[matchers.query_param_matcher({"date": "2024-08-01"})],
    )

    funds = make_provider(clock, today=date(2024, 9, 2)).fetch_fundamentals(
        date(2024, 8, 1), date(2024, 8, 1)
    )

    tel = row(funds, "8035")
    assert (tel["period_type"], tel["period_end"]) == ("FY", date(2025, 3, 31))
    assert (tel["forecast_eps"], tel["forecast_dps"]) == (995.12, 498.0)


def test_fundamentals_per_code_are_cut_to_the_window(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.get(
        SUMMARY,
        json=fixture("fins_summary_code_72030.json"),
        match=[matchers.query_param_matcher({"code": "72030"})],
    )

    funds = make_provider(clock).fetch_fundamentals(date(2024, 5, 1), date(2024, 5, 31), codes=["7203"])

    assert len(api.calls) == 1  # one code: the code's history in one request, not one per day
    assert list(funds["disclosed_date"]) == [date(2024, 5, 8)]  # the 3Q of February is outside
    assert funds.iloc[0]["period_type"] == "FY"


def test_summary_mapping_skips_irregular_periods_and_uses_non_consolidated_figures() -> None:
    raw = pd.DataFrame(
        [
            {"Code": "11110", "DiscDate": "2024-05-10", "DiscNo": "1", "CurPerType": "5Q",
             "CurPerEn": "2024-03-31", "DocType": "FYFinancialStatements_Consolidated_JP", "Sales": "10"},
            {"Code": "22220", "DiscDate": "2024-05-10", "DiscNo": "2", "CurPerType": "FY",
             "CurPerEn": "2024-03-31", "DocType": "FYFinancialStatements_NonConsolidated_JP",
             "Sales": "", "NCSales": "500", "EPS": "-", "NCEPS": "12.5"},
            {"Code": "33330", "DiscDate": "2024-05-10", "DiscNo": "3", "CurPerType": "FY",
             "CurPerEn": "2024-03-31", "DocType": "FYFinancialStatements_Consolidated_JP",
             "Sales": "", "NCSales": "700"},
        ]
    )  # fmt: skip

    funds = fundamentals_from_summary(raw)

    assert list(funds["code"]) == ["2222", "3333"]  # the 15-month "5Q" is not modelled
    assert (funds.iloc[0]["sales"], funds.iloc[0]["eps"]) == (500.0, 12.5)
    assert math.isnan(funds.iloc[1]["sales"])  # consolidated filer: parent-only figures not mixed in


# --- retries and errors ---------------------------------------------------------------------


def test_429_is_retried_with_backoff(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.get(MASTER, status=429, json={"message": "Too Many Requests"})
    api.get(MASTER, status=429, json={"message": "Too Many Requests"})
    api.get(MASTER, json=fixture("equities_master.json"))

    stocks = make_provider(clock).list_stocks()

    assert not stocks.empty
    assert len(api.calls) == 3  # the client's own urllib3 retries are off: one call per attempt
    assert clock.sleeps == [5.0, 10.0]


def test_429_honours_retry_after(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.get(MASTER, status=429, json={"message": "Too Many Requests"}, headers={"Retry-After": "17"})
    api.get(MASTER, json=fixture("equities_master.json"))

    make_provider(clock).list_stocks()

    assert clock.sleeps == [17.0]


def test_429_forever_is_a_source_error(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.get(MASTER, status=429, json={"message": "Too Many Requests"})

    with pytest.raises(SourceError, match="rate limit exceeded") as info:
        make_provider(clock).list_stocks()

    assert "120 requests per minute" in info.value.detail
    assert len(api.calls) == 6  # one try and five retries
    assert clock.sleeps == [5.0, 10.0, 20.0, 40.0, 80.0]


@pytest.mark.parametrize("status", [401, 403])
def test_bad_key_is_a_source_error_without_retry(
    api: responses.RequestsMock, clock: FakeClock, status: int
) -> None:
    api.get(MASTER, status=status, json={"message": "The incoming token is invalid or expired."})

    with pytest.raises(SourceError) as info:
        make_provider(clock).list_stocks()

    assert f"HTTP {status}" in info.value.detail
    assert "The incoming token is invalid or expired." in info.value.detail
    assert "KABU_JQUANTS_API_KEY" in info.value.detail
    assert len(api.calls) == 1
    assert clock.sleeps == []


def test_server_errors_are_retried_then_reported(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.get(MASTER, status=500, json={"message": "Internal Server Error"})

    with pytest.raises(SourceError, match="HTTP 500") as info:
        make_provider(clock).list_stocks()

    assert "Internal Server Error" in info.value.detail
    assert len(api.calls) == 4
    assert clock.sleeps == [1.0, 2.0, 4.0]


def test_connection_error_is_retried(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.get(MASTER, body=requests.ConnectionError("connection reset"))
    api.get(MASTER, json=fixture("equities_master.json"))

    stocks = make_provider(clock).list_stocks()

    assert not stocks.empty
    assert clock.sleeps == [1.0]


def test_connection_errors_that_persist_are_a_source_error(
    api: responses.RequestsMock, clock: FakeClock
) -> None:
    api.get(MASTER, body=requests.ConnectionError("connection refused"))

    with pytest.raises(SourceError, match=r"could not be reached .* after 4 attempts"):
        make_provider(clock).list_stocks()

    assert clock.sleeps == [1.0, 2.0, 4.0]


def test_a_rate_limited_page_is_retried_alone(api: responses.RequestsMock, clock: FakeClock) -> None:
    second_page = [matchers.query_param_matcher({"date": "2024-03-27", "pagination_key": "value1.value2."})]
    api.get(
        BARS,
        json=fixture("bars_daily_2024-03-27_p1.json"),
        match=[matchers.query_param_matcher({"date": "2024-03-27"})],
    )
    api.get(BARS, status=429, json={"message": "Too Many Requests"}, match=second_page)
    api.get(BARS, json=fixture("bars_daily_2024-03-27_p2.json"), match=second_page)

    bars = make_provider(clock).fetch_daily_bars(date(2024, 3, 27), date(2024, 3, 27))

    assert len(api.calls) == 3  # page 1 once, page 2 twice: paging resumes where it stopped
    assert len(bars) == 5
    assert clock.sleeps == [5.0]


def test_bad_request_is_reported_with_the_api_message(api: responses.RequestsMock, clock: FakeClock) -> None:
    message = "Your subscription covers the following dates: 2022-03-14 ~ 2024-03-07."
    api.get(BARS, status=400, json={"message": message})

    with pytest.raises(SourceError, match="HTTP 400") as info:
        make_provider(clock).fetch_daily_bars(date(2024, 3, 27), date(2024, 3, 27))

    assert message in info.value.detail
    assert len(api.calls) == 1


def test_unexpected_payload_is_a_source_error(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.get(MASTER, body="<html>maintenance</html>", content_type="text/html")

    with pytest.raises(SourceError, match="unexpected payload"):
        make_provider(clock).list_stocks()


def test_retry_policy_is_configurable(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.get(MASTER, status=429, json={"message": "Too Many Requests"})
    provider = JQuantsProvider(
        "test-key", "standard", clock=clock, sleep=clock.sleep, retry=RetryPolicy(rate_limit_retries=1)
    )

    with pytest.raises(SourceError, match="after 2 attempts"):
        provider.list_stocks()


# --- rate limit -----------------------------------------------------------------------------


def test_free_plan_makes_the_sixth_call_in_a_minute_wait(
    api: responses.RequestsMock, clock: FakeClock
) -> None:
    api.get(MASTER, json=fixture("equities_master.json"))
    provider = make_provider(clock, plan="free")

    for _ in range(5):
        provider.list_stocks()
    assert clock.sleeps == []
    provider.list_stocks()

    assert clock.sleeps == [60.0]
    assert len(api.calls) == 6


def test_standard_plan_does_not_wait_for_six_calls(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.get(MASTER, json=fixture("equities_master.json"))
    provider = make_provider(clock, plan="standard")

    for _ in range(6):
        provider.list_stocks()

    assert clock.sleeps == []


def test_every_page_counts_against_the_limit(api: responses.RequestsMock, clock: FakeClock) -> None:
    serve_bars(api)
    api.get(MASTER, json=fixture("equities_master.json"))
    provider = make_provider(clock, plan="free", today=date(2024, 9, 1))

    provider.fetch_daily_bars(date(2024, 3, 27), date(2024, 3, 28))  # 3 requests
    provider.list_stocks()
    provider.list_stocks()  # 5 requests within the minute
    assert clock.sleeps == []
    provider.list_stocks()

    assert clock.sleeps == [60.0]


def test_limiter_slides_over_the_window(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(2, 60.0, clock=clock, sleep=clock.sleep)

    limiter.acquire()  # t = 0
    clock.now += 45
    limiter.acquire()  # t = 45
    limiter.acquire()  # must wait until the first call leaves the window: t = 60
    assert clock.sleeps == [15.0]
    limiter.acquire()  # the call at t = 45 leaves at t = 105
    assert clock.sleeps == [15.0, 45.0]


# --- plan window ----------------------------------------------------------------------------


def test_coverage_by_plan(clock: FakeClock) -> None:
    today = date(2026, 3, 20)
    assert make_provider(clock, "free", today).coverage() == (date(2024, 3, 20), date(2025, 12, 26))
    assert make_provider(clock, "light", today).coverage() == (date(2021, 3, 20), today)
    assert make_provider(clock, "premium", today).coverage() == (None, today)


def test_free_plan_is_not_asked_for_the_last_twelve_weeks(
    api: responses.RequestsMock, clock: FakeClock
) -> None:
    serve_bars(api)
    provider = make_provider(clock, plan="free", today=date(2024, 6, 19))  # 12 weeks after the 27th

    bars = provider.fetch_daily_bars(date(2024, 3, 27), date(2024, 3, 28))

    assert set(bars["date"]) == {date(2024, 3, 27)}
    assert all("2024-03-28" not in str(call.request.url) for call in api.calls)


# --- code mapping ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("api_code", "code"), [("72030", "7203"), ("130A0", "130A"), ("25935", "25935"), ("7203", "7203")]
)
def test_to_kabu_code(api_code: str, code: str) -> None:
    assert to_kabu_code(api_code) == code


def test_to_api_code() -> None:
    assert (to_api_code("7203"), to_api_code("130a"), to_api_code("25935")) == ("72030", "130A0", "25935")


@pytest.mark.parametrize(
    ("mkt", "name", "market"),
    [
        ("0111", "プライム", "prime"),
        ("0112", "スタンダード", "standard"),
        ("0113", "グロース", "growth"),
        ("0105", "TOKYO PRO MARKET", "other"),
        ("0101", "東証一部", "other"),
        (None, "グロース", "growth"),
        (None, None, "other"),
    ],
)
def test_map_market(mkt: str | None, name: str | None, market: str) -> None:
    assert map_market(mkt, name) == market


def test_fins_summary_has_its_own_limit_of_60_a_minute_on_every_plan(
    api: responses.RequestsMock, clock: FakeClock
) -> None:
    # J-Quants limits /fins/summary (and /fins/details) to 60 requests a minute whatever the plan.
    api.get(SUMMARY, json={"data": []})
    api.get(MASTER, json=fixture("equities_master.json"))
    provider = make_provider(clock, plan="premium")
    days = sessions_between(date(2024, 1, 4), date(2024, 5, 31))[:61]

    provider.fetch_fundamentals(days[0], days[-2])  # 60 requests
    assert clock.sleeps == []
    for _ in range(60):  # the plan's general limit (500) is far: other endpoints do not wait
        provider.list_stocks()
    assert clock.sleeps == []
    provider.fetch_fundamentals(days[-1], days[-1])

    assert clock.sleeps == [60.0]
    assert len([c for c in api.calls if c.request.url.startswith(SUMMARY)]) == 61


def test_the_fins_limit_follows_the_setting(api: responses.RequestsMock, clock: FakeClock) -> None:
    # KABU_JQUANTS_FINS_PER_MINUTE: for a server without J-Quants' limit (a local replay).
    api.get(SUMMARY, json={"data": []})
    api.get(MASTER, json=fixture("equities_master.json"))
    provider = JQuantsProvider(
        "test-key", "premium", clock=clock, sleep=clock.sleep, today=lambda: TODAY, fins_per_minute=30
    )
    days = sessions_between(date(2024, 1, 4), date(2024, 5, 31))[:31]
    provider.fetch_fundamentals(days[0], days[-2])  # 30 requests: within the minute's budget
    assert clock.sleeps == []
    provider.fetch_fundamentals(days[-1], days[-1])
    assert clock.sleeps == [60.0]
    # The setting reaches the provider a sync makes.
    settings = Settings(jquants_api_key=SecretStr("k"), jquants_plan="premium", jquants_fins_per_minute=30)
    made = create_provider(settings, "jquants")
    assert made._client._fins_limiter.max_calls == 30  # type: ignore[attr-defined]


# --- TOPIX --------------------------------------------------------------------------------------

TOPIX_URL = f"{BASE}/indices/bars/daily/topix"


def serve_topix(
    api: responses.RequestsMock,
    *,
    first_page_status: int = 200,
    first: date = date(2024, 3, 25),
    last: date = date(2024, 3, 29),
) -> None:
    """TOPIX of 2024-03-25 … 29 in two pages, whatever [first, last] asks for."""
    asked = {"from": first.isoformat(), "to": last.isoformat()}
    api.get(
        TOPIX_URL,
        status=first_page_status,
        json=fixture("topix_2024-03-25_p1.json") if first_page_status == 200 else {"message": "Forbidden"},
        match=[matchers.query_param_matcher(asked)],
    )
    api.get(
        TOPIX_URL,
        json=fixture("topix_2024-03-25_p2.json"),
        match=[matchers.query_param_matcher({**asked, "pagination_key": "value1.value2."})],
    )


def test_topix_is_one_range_request_following_pagination(
    api: responses.RequestsMock, clock: FakeClock
) -> None:
    serve_topix(api)

    frame = make_provider(clock).fetch_index_bars(date(2024, 3, 25), date(2024, 3, 29))

    assert [call.request.params for call in api.calls] == [
        {"from": "2024-03-25", "to": "2024-03-29"},
        {"from": "2024-03-25", "to": "2024-03-29", "pagination_key": "value1.value2."},
    ]
    assert list(frame.columns) == INDEX_BAR_COLUMNS
    assert set(frame["code"]) == {"TOPIX"}
    assert list(frame["date"]) == sessions_between(date(2024, 3, 25), date(2024, 3, 29))
    wednesday = frame[frame["date"] == date(2024, 3, 27)].iloc[0]
    assert (wednesday["open"], wednesday["high"], wednesday["low"], wednesday["close"]) == (
        2799.02,
        2820.03,
        2795.12,
        2814.86,
    )


def test_topix_goes_through_the_rate_limiter(api: responses.RequestsMock, clock: FakeClock) -> None:
    serve_topix(api)
    provider = make_provider(clock, plan="free", today=date(2024, 6, 28))  # 5 requests a minute

    for _ in range(3):  # 6 requests: the sixth waits for the window
        provider.fetch_index_bars(date(2024, 3, 25), date(2024, 3, 29))

    assert len(api.calls) == 6
    assert clock.sleeps == [60.0]


def test_topix_outside_the_plan_or_without_a_session_makes_no_request(
    api: responses.RequestsMock, clock: FakeClock
) -> None:
    provider = make_provider(clock, plan="free", today=date(2024, 6, 3))  # serves up to 2024-03-11

    assert provider.fetch_index_bars(date(2024, 3, 25), date(2024, 3, 29)).empty
    assert provider.fetch_index_bars(date(2024, 3, 23), date(2024, 3, 24)).empty  # a weekend
    assert len(api.calls) == 0


def test_topix_refused_by_the_plan_is_no_index_rather_than_a_failed_sync(
    api: responses.RequestsMock, clock: FakeClock
) -> None:
    serve_topix(api, first_page_status=403)

    frame = make_provider(clock).fetch_index_bars(date(2024, 3, 25), date(2024, 3, 29))

    assert frame.empty and list(frame.columns) == INDEX_BAR_COLUMNS
    assert len(api.calls) == 1


def test_topix_server_errors_are_still_source_errors(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.get(TOPIX_URL, status=500, json={"message": "Internal Server Error"})

    with pytest.raises(SourceError, match="HTTP 500 for /indices/bars/daily/topix"):
        make_provider(clock).fetch_index_bars(date(2024, 3, 25), date(2024, 3, 29))
