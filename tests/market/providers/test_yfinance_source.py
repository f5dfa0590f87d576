"""YFinanceProvider on chart-API responses in Yahoo's shape, served over HTTP by ``responses``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import numpy as np
import pandas as pd
import pytest
import requests
import responses

from kabu_trade.core.errors import InvalidInput, SourceError
from kabu_trade.market.calendar import JST
from kabu_trade.market.providers.base import BAR_COLUMNS, FUNDAMENTAL_COLUMNS, STOCK_COLUMNS
from kabu_trade.market.providers.yfinance_source import Notes, YFinanceProvider, clean_bars

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "yfinance"
URL = "https://query2.finance.yahoo.com/v8/finance/chart/{}"
AFTER_JANUARY = datetime(2024, 2, 1, 18, 0, tzinfo=JST)
AFTER_SPLIT = datetime(2024, 10, 15, 18, 0, tzinfo=JST)
JANUARY = (date(2024, 1, 4), date(2024, 1, 31))


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def quote_on(name: str, day: date) -> dict[str, float]:
    """The values Yahoo sent for ``day`` (the first row with that date) in fixture ``name``."""
    result = load(name)["chart"]["result"][0]
    quote = result["indicators"]["quote"][0]
    stamps = [datetime.fromtimestamp(t, JST).date() for t in result["timestamp"]]
    i = stamps.index(day)
    return {k: quote[k][i] for k in ("open", "high", "low", "close", "volume")}


@pytest.fixture
def http() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as mock:
        yield mock


def serve(http: responses.RequestsMock, ticker: str, fixture: str | None = None, status: int = 200) -> None:
    http.get(URL.format(ticker), json=load(fixture or f"{ticker}.json"), status=status)


def make(codes: list[str], now: datetime = AFTER_JANUARY, **options: Any) -> YFinanceProvider:
    options = {"pause_seconds": 0, "backoff_seconds": 0, **options}
    return YFinanceProvider(codes, session=requests.Session(), clock=lambda: now, **options)


def params_of(call: Any) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(call.request.url).query).items()}


# --- mapping ---------------------------------------------------------------------------------------


def test_bars_map_into_bar_columns_with_jst_session_dates(http: responses.RequestsMock) -> None:
    serve(http, "7203.T")
    bars = make(["7203"]).fetch_daily_bars(*JANUARY)

    assert list(bars.columns) == BAR_COLUMNS
    assert set(bars["code"]) == {"7203"}
    assert bars["date"].iloc[0] == date(2024, 1, 4) and bars["date"].iloc[-1] == date(2024, 1, 31)
    assert all(isinstance(d, date) for d in bars["date"])
    first = bars.iloc[0]
    sent = quote_on("7203.T.json", date(2024, 1, 4))
    assert first[["open", "high", "low", "close"]].tolist() == [
        round(sent[k], 1) for k in ("open", "high", "low", "close")
    ]
    assert first["volume"] == sent["volume"]
    assert bars["turnover"].isna().all()  # Yahoo has no turnover
    assert (bars["adj_factor"] == 1.0).all()


def test_request_asks_from_before_start_up_to_now(http: responses.RequestsMock) -> None:
    serve(http, "7203.T")
    make(["7203"]).fetch_daily_bars(*JANUARY)

    params = params_of(http.calls[0])
    assert params["interval"] == "1d" and "splits" in params["events"]
    start = datetime.fromtimestamp(int(params["period1"]), JST)
    # 31 days before the window: neighbours for validation, and splits Yahoo reported late
    assert start == datetime(2023, 12, 4, tzinfo=JST)
    # up to now, not to ``end``: the split events of the answer must cover every later split
    assert int(params["period2"]) >= AFTER_JANUARY.timestamp()


def test_split_is_undone_and_recorded_as_adj_factor_on_the_ex_date(http: responses.RequestsMock) -> None:
    serve(http, "6758.T")
    bars = make(["6758"], now=AFTER_SPLIT).fetch_daily_bars(date(2024, 9, 20), date(2024, 10, 4))

    expected = load("6758.T.expected_raw.json")
    for row in bars.itertuples():
        assert [row.open, row.high, row.low, row.close, row.volume] == expected[row.date.isoformat()]
    factors = dict(zip(bars["date"], bars["adj_factor"], strict=True))
    assert factors.pop(date(2024, 9, 27)) == pytest.approx(0.2)  # 5-for-1 → 1/5 on the ex-date
    assert set(factors.values()) == {1.0}


def test_window_before_a_split_still_gets_raw_prices(http: responses.RequestsMock) -> None:
    serve(http, "6758.T")
    bars = make(["6758"], now=AFTER_SPLIT).fetch_daily_bars(date(2024, 9, 17), date(2024, 9, 26))

    expected = load("6758.T.expected_raw.json")
    assert bars["close"].tolist() == [expected[d.isoformat()][3] for d in bars["date"]]
    assert bars["close"].min() > 10_000  # as traded before the split, not Yahoo's fifth
    assert (bars["adj_factor"] == 1.0).all()


# --- validation ------------------------------------------------------------------------------------


def test_bar_100_times_off_is_rejected_and_reported(http: responses.RequestsMock) -> None:
    serve(http, "7203.T")
    provider = make(["7203"])
    bars = provider.fetch_daily_bars(*JANUARY)

    assert date(2024, 1, 16) not in set(bars["date"])
    assert bars["close"].max() < 10_000  # nothing of the glitch leaked through, nothing "fixed"
    glitch = [w for w in provider.last_warnings if "100×" in w]
    assert len(glitch) == 1 and "7203" in glitch[0] and "2024-01-16" in glitch[0]
    assert any("sessions without a bar: 1 (2024-01-16)" in w for w in provider.last_warnings)


def test_null_zero_holiday_duplicate_and_gap_rows(http: responses.RequestsMock) -> None:
    serve(http, "9984.T")
    provider = make(["9984"])
    bars = provider.fetch_daily_bars(*JANUARY)
    warnings = "\n".join(provider.last_warnings)

    days = set(bars["date"])
    assert not days & {date(2024, 1, 8), date(2024, 1, 10), date(2024, 1, 19), date(2024, 1, 22)}
    assert "rows with missing or non-positive prices/volume dropped: 2 (2024-01-10, 2024-01-22)" in warnings
    assert "rows on days TSE was closed dropped: 1 (2024-01-08)" in warnings
    assert "duplicated dates collapsed to the latest row: 1" in warnings
    assert "sessions without a bar: 3 (2024-01-10, 2024-01-19, 2024-01-22)" in warnings
    # of the two rows for 2024-01-31, the later ("live") one is kept
    result = load("9984.T.json")["chart"]["result"][0]
    assert bars["close"].iloc[-1] == round(result["indicators"]["quote"][0]["close"][-1], 1)
    assert bars["date"].tolist() == sorted(days) and len(bars) == len(days)


def test_session_still_trading_is_left_out(http: responses.RequestsMock) -> None:
    serve(http, "7203.T")
    during = datetime(2024, 1, 31, 10, 0, tzinfo=JST)
    bars = make(["7203"], now=during).fetch_daily_bars(*JANUARY)
    assert bars["date"].iloc[-1] == date(2024, 1, 30)


def _series(closes: list[float]) -> pd.DataFrame:
    days = pd.bdate_range("2024-04-01", periods=len(closes))
    close = np.asarray(closes, dtype=float)
    return pd.DataFrame(
        {
            "ts": (days - pd.Timedelta(hours=9)).astype("int64") // 10**9,
            "date": days,
            "open": close,
            "high": close * 1.01,
            "low": close * 0.99,
            "close": close,
            "volume": 1000.0,
        }
    )


@pytest.mark.parametrize(
    ("closes", "rejected"),
    [
        ([100, 101, 102, 10200, 103, 104, 105], [3]),  # the classic: up 100× and back
        ([100, 101, 1.02, 103, 104, 105, 106], [2]),  # down to 1/100 and back
        ([10000, 101, 102, 103, 104, 105], [0]),  # first bar
        ([100, 101, 102, 103, 104, 10500], [5]),  # last bar
        ([100, 101, 10200, 10300, 104, 105, 106, 107], [2, 3]),  # two bars in a row
        ([100, 101, 102, 103, 104, 105, 106], []),  # nothing wrong
    ],
)
def test_glitch_detection(closes: list[float], rejected: list[int]) -> None:
    frame = _series(closes)
    kept = clean_bars(frame, date(2030, 1, 1), Notes("1301"))
    assert (
        sorted(set(frame.index) - set(kept["ts"].map(dict(zip(frame["ts"], frame.index, strict=True)))))
        == rejected
    )


def test_lasting_level_change_is_kept_and_reported() -> None:
    notes = Notes("1301")
    kept = clean_bars(_series([100.0] * 8 + [10000.0] * 8), date(2030, 1, 1), notes)
    assert any("changes ~100× on" in w and "kept" in w for w in notes.lines)
    assert len(kept) >= 8  # some bars at the boundary may go; the level change itself stays visible


# --- failures --------------------------------------------------------------------------------------


def test_ticker_without_data_is_a_warning_when_others_work(http: responses.RequestsMock) -> None:
    serve(http, "7203.T")
    serve(http, "9999.T", "9999.T.404.json", status=404)
    provider = make(["7203", "9999"])
    bars = provider.fetch_daily_bars(*JANUARY)
    assert set(bars["code"]) == {"7203"}
    assert "9999: no data (Yahoo: No data found, symbol may be delisted)" in provider.last_warnings


def test_all_tickers_failing_is_a_source_error(http: responses.RequestsMock) -> None:
    serve(http, "9999.T", "9999.T.404.json", status=404)
    http.get(URL.format("1111.T"), json={"chart": {"result": [], "error": None}})
    with pytest.raises(SourceError, match="no usable data for any of 2 codes"):
        make(["9999", "1111"]).fetch_daily_bars(*JANUARY)


def test_empty_universe_names_the_setting() -> None:
    with pytest.raises(InvalidInput, match="KABU_UNIVERSE"):
        YFinanceProvider([])


def test_codes_are_normalised_and_bad_ones_refused() -> None:
    assert YFinanceProvider(["7203.T", "72030", "130A"]).codes == ["7203", "130A"]
    with pytest.raises(InvalidInput):
        YFinanceProvider(["AAPL"])


# --- retries ---------------------------------------------------------------------------------------


def test_429_and_5xx_are_retried(http: responses.RequestsMock) -> None:
    http.get(URL.format("7203.T"), status=429)
    http.get(URL.format("7203.T"), body=requests.ConnectionError("reset by peer"))
    http.get(URL.format("7203.T"), status=503)
    serve(http, "7203.T")
    bars = make(["7203"]).fetch_daily_bars(*JANUARY)
    assert len(http.calls) == 4 and not bars.empty


def test_retries_exhausted_is_a_source_error(http: responses.RequestsMock) -> None:
    http.get(URL.format("7203.T"), status=429)
    with pytest.raises(SourceError, match=r"7203\.T after 3 tries: HTTP 429"):
        make(["7203"], tries=3).fetch_daily_bars(*JANUARY)
    assert len(http.calls) == 3


def test_outage_page_instead_of_json_is_retried_then_fails(http: responses.RequestsMock) -> None:
    http.get(URL.format("7203.T"), body="<html>Will be right back…</html>", status=200)
    with pytest.raises(SourceError, match="not JSON"):
        make(["7203"], tries=2).fetch_daily_bars(*JANUARY)
    assert len(http.calls) == 2


def test_refusal_is_not_retried(http: responses.RequestsMock) -> None:
    http.get(URL.format("7203.T"), body="Unauthorized", status=401)
    with pytest.raises(SourceError, match="HTTP 401"):
        make(["7203"]).fetch_daily_bars(*JANUARY)
    assert len(http.calls) == 1


# --- stocks and fundamentals -----------------------------------------------------------------------


def test_list_stocks_names_come_from_the_chart_meta_once_fetched(http: responses.RequestsMock) -> None:
    serve(http, "7203.T")
    provider = make(["7203", "9984"])
    before = provider.list_stocks()
    assert list(before.columns) == STOCK_COLUMNS
    assert before["name"].tolist() == ["7203", "9984"]
    assert set(before["market"]) == {"other"} and set(before["lot_size"]) == {100}

    provider.fetch_daily_bars(*JANUARY, codes=["7203"])
    after = provider.list_stocks().set_index("code")
    assert after.loc["7203", "name"] == "Toyota Motor Corporation"
    assert after.loc["9984", "name"] == "9984"


def test_fundamentals_are_empty_never_invented() -> None:
    funds = YFinanceProvider(["7203"]).fetch_fundamentals(*JANUARY)
    assert funds.empty and list(funds.columns) == FUNDAMENTAL_COLUMNS


def test_window_without_sessions_asks_nothing(http: responses.RequestsMock) -> None:
    bars = make(["7203"]).fetch_daily_bars(date(2024, 1, 1), date(2024, 1, 3))  # New Year holidays
    assert bars.empty and list(bars.columns) == BAR_COLUMNS and not http.calls


def test_provider_identity() -> None:
    provider = YFinanceProvider(["7203"])
    assert provider.name == "yfinance" and provider.is_demo is False


# --- fewer requests, quieter warnings --------------------------------------------------------------


def test_one_request_serves_every_later_window(http: responses.RequestsMock) -> None:
    serve(http, "7203.T")
    provider = make(["7203"])
    first = provider.fetch_daily_bars(date(2024, 1, 4), date(2024, 1, 12))
    second = provider.fetch_daily_bars(date(2024, 1, 15), date(2024, 1, 31))
    assert len(http.calls) == 1  # the answer runs up to now, so it already holds the second window
    assert first["date"].iloc[-1] == date(2024, 1, 12) and second["date"].iloc[0] == date(2024, 1, 15)


def test_warnings_are_about_the_window_asked_for(http: responses.RequestsMock) -> None:
    serve(http, "9984.T")
    provider = make(["9984"])
    provider.fetch_daily_bars(date(2024, 1, 23), date(2024, 1, 31))
    # the null row of 01-10 and the zero of 01-22 were context, not part of this window
    assert provider.last_warnings == ["9984: duplicated dates collapsed to the latest row: 1 (2024-01-31)"]


def test_unusable_split_event_means_no_data_rather_than_wrong_prices(http: responses.RequestsMock) -> None:
    payload = load("6758.T.json")
    split = next(iter(payload["chart"]["result"][0]["events"]["splits"].values()))
    split["numerator"] = 0
    http.get(URL.format("6758.T"), json=payload)
    serve(http, "7203.T")
    provider = make(["6758", "7203"], now=AFTER_SPLIT)
    bars = provider.fetch_daily_bars(date(2024, 9, 20), date(2024, 10, 4))
    assert "6758" not in set(bars["code"])
    assert any(w.startswith("6758: no data (unexpected chart response") for w in provider.last_warnings)
