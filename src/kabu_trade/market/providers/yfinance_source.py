"""Daily bars of the configured universe from Yahoo Finance (``7203.T``), validated.

The seam: we fetch Yahoo's chart API (``/v8/finance/chart/{CODE}.T``, the endpoint behind
``yfinance.Ticker.history``) with one small HTTP call and parse its JSON here, instead of calling
``history()``, because:

- ``history()`` hides failures (it logs and returns an empty frame), silently drops null rows and
  "repairs" prices, where we must count, reject and report;
- it keeps process-wide state: a singleton session, cookie/crumb, an on-disk timezone and cookie
  cache and an in-memory response cache — awkward in a server and in tests;
- its transport is ``curl_cffi``, which no HTTP mocking library intercepts.

We keep yfinance's transport (a ``curl_cffi`` session impersonating Chrome, which is what gets
past Yahoo's bot checks; yfinance itself notes the chart API needs no crumb), but the session is
injectable: tests pass a ``requests.Session`` and serve chart JSON in Yahoo's shape with
``responses``, so the URL and parameters, status handling, retries and all the parsing and
validation below run for real.

What comes back: raw (as traded) OHLCV per XTKS session in JST dates. Yahoo's OHLCV are
split-adjusted to today's share basis, so we always fetch up to now (the split events of the
response then cover every split after each bar), undo the adjustment and record each split as
``adj_factor`` on its ex-date (a 1:2 split → 0.5). Turnover is NaN: Yahoo has none. Sessions
still in progress are left out. Whatever looks wrong is dropped and explained in ``last_warnings``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol, cast

import numpy as np
import pandas as pd
import structlog
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from kabu_trade.core.clock import now_in_tokyo
from kabu_trade.core.errors import InvalidInput, SourceError
from kabu_trade.market.calendar import JST, last_completed_session, sessions_between
from kabu_trade.market.providers.base import (
    BAR_COLUMNS,
    FUNDAMENTAL_COLUMNS,
    STOCK_COLUMNS,
    MarketDataProvider,
    conform,
    empty_frame,
)
from kabu_trade.market.providers.csv_files import normalize_codes

log = structlog.get_logger(__name__)

CHART_URL = "https://query2.finance.yahoo.com/v8/finance/chart/{ticker}"
PRICES = ["open", "high", "low", "close"]
# Bars fetched before ``start`` so the first bars of the window have neighbours to be judged by.
CONTEXT_DAYS = 14
# Yahoo may report a split a day or more after its ex-date, when a sync has already stored that
# bar with factor 1 (and a later sync asks only from the next day): every fetch reaches this far
# back and returns the ex-date bar of each split in the answer, so the stored factor is corrected
# (an upsert: left alone when it was already right). Otherwise the history keeps a permanent fall.
SPLIT_RECHECK_DAYS = 31
# A "unit glitch" bar is ~100× (or 1/100) off the local median; real TSE moves are capped by the
# daily price limits far below that, even over the 5 sessions either side of the median window.
GLITCH_WINDOW = 11
GLITCH_BAND = (np.log10(50), np.log10(200))
TRANSIENT_STATUS = {429, 500, 502, 503, 504}
SHOWN_DATES = 5


class HttpResponse(Protocol):
    @property
    def status_code(self) -> int: ...
    @property
    def text(self) -> str: ...
    def json(self) -> Any: ...


class HttpSession(Protocol):
    """What we need of a session: ``curl_cffi.requests.Session`` and ``requests.Session`` both fit."""

    def get(self, url: str, *, params: Mapping[str, str], timeout: float) -> HttpResponse: ...
    def close(self) -> None: ...


Chart = tuple[dict[str, Any], pd.DataFrame, pd.DataFrame]  # meta, bars, splits (see parse_chart)


class _Transient(Exception):
    """Worth another try: network error, 429, 5xx, an outage page instead of JSON."""


class _NoData(Exception):
    """This ticker gave nothing usable; the reason goes to ``last_warnings``."""


def _default_session() -> HttpSession:
    from curl_cffi import requests as curl_requests

    return cast(HttpSession, curl_requests.Session(impersonate="chrome"))


def _epoch(day: date) -> int:
    return int(datetime.combine(day, datetime.min.time(), tzinfo=JST).timestamp())


def _dates(values: Sequence[str] | pd.Series[Any]) -> str:
    shown = [str(v)[:10] for v in list(values)[:SHOWN_DATES]]
    return ", ".join(shown) + (", …" if len(values) > SHOWN_DATES else "")


# --- parsing the chart JSON -----------------------------------------------------------------------


def parse_chart(payload: Any) -> Chart:
    """``(meta, bars, splits)`` of one chart response, exactly as Yahoo sent them.

    ``bars``: ``ts`` (UTC seconds), ``date`` (JST, datetime64), split-adjusted OHLCV, one row per
    timestamp, nulls as NaN. ``splits``: ``date`` and ``ratio`` (shares after / before).
    """
    try:
        chart = payload["chart"]
        if chart.get("error"):
            error = chart["error"]
            raise _NoData(f"Yahoo: {error.get('description') or error.get('code') or error}")
        result = (chart.get("result") or [None])[0]
        if not result:
            raise _NoData("Yahoo returned no result")
        meta = result.get("meta") or {}
        stamps = result.get("timestamp") or []
        quote = ((result.get("indicators") or {}).get("quote") or [{}])[0] or {}
        columns = {
            c: np.asarray(quote.get(c) or [np.nan] * len(stamps), dtype=float) for c in [*PRICES, "volume"]
        }
        splits = ((result.get("events") or {}).get("splits") or {}).values()
        split_rows = [(s["date"], float(s["numerator"]) / float(s["denominator"])) for s in splits]
        if not all(0 < ratio < math.inf for _, ratio in split_rows):
            raise ValueError(f"split ratios {[r for _, r in split_rows]}")
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, ZeroDivisionError) as exc:
        raise _NoData(f"unexpected chart response ({type(exc).__name__}: {exc})") from exc
    if any(len(v) != len(stamps) for v in columns.values()):
        raise _NoData("unexpected chart response (price arrays and timestamps differ in length)")
    bars = pd.DataFrame({"ts": np.asarray(stamps, dtype="int64"), **columns})
    bars.insert(1, "date", _jst_dates(bars["ts"]))
    split_frame = pd.DataFrame(split_rows, columns=["ts", "ratio"])
    split_frame.insert(0, "date", _jst_dates(split_frame["ts"].astype("int64")))
    return meta, bars, split_frame[["date", "ratio"]]


def _jst_dates(stamps: pd.Series[Any]) -> pd.Series[Any]:
    moments = pd.to_datetime(stamps, unit="s", utc=True).dt.tz_convert(JST)
    return moments.dt.tz_localize(None).dt.normalize()


# --- validation: each step drops what it must and says why ----------------------------------------


class Notes:
    """Warnings about one ticker, limited to the window asked for (context bars are not news)."""

    def __init__(self, code: str, window: tuple[date, date] | None = None) -> None:
        self.code = code
        self.first, self.last = (
            (pd.Timestamp(d) for d in window) if window else (pd.Timestamp.min, pd.Timestamp.max)
        )
        self.lines: list[str] = []

    def drop(self, bars: pd.DataFrame, bad: pd.Series[bool], what: str) -> pd.DataFrame:
        days = bars.loc[bad, "date"]
        days = days[days.between(self.first, self.last)]
        if len(days):
            self.add(f"{what}: {len(days)} ({_dates(days)})")
        return bars.loc[~bad]

    def on(self, day: pd.Timestamp, text: str) -> None:
        if self.first <= day <= self.last:
            self.add(text)

    def add(self, text: str) -> None:
        self.lines.append(f"{self.code}: {text}")


def clean_bars(bars: pd.DataFrame, last_day: date, notes: Notes) -> pd.DataFrame:
    """Drop invalid, duplicated, off-calendar, unfinished and glitched bars (adjusted prices)."""
    values = bars[[*PRICES, "volume"]]
    invalid = values.isna().any(axis=1) | (bars[PRICES] <= 0).any(axis=1) | (bars["volume"] < 0)
    bars = notes.drop(bars, invalid, "rows with missing or non-positive prices/volume dropped")
    slack = 1e-3  # Yahoo's float32 split adjustment blurs the last digits
    low, high = bars["low"] * (1 - slack), bars["high"] * (1 + slack)
    outside = (
        ~bars["open"].between(low, high) | ~bars["close"].between(low, high) | (bars["high"] < bars["low"])
    )
    bars = notes.drop(bars, outside, "rows with open/close outside the day's low–high dropped")
    bars = bars.sort_values("ts", kind="stable")
    # Yahoo may add a "live" row for a day it already has: the later one is the newer.
    bars = notes.drop(
        bars, bars["date"].duplicated(keep="last"), "duplicated dates collapsed to the latest row"
    )
    if bars.empty:
        return bars
    sessions = sessions_between(bars["date"].iloc[0].date(), bars["date"].iloc[-1].date())
    closed = ~bars["date"].isin(pd.DatetimeIndex(sessions))
    bars = notes.drop(bars, closed, "rows on days TSE was closed dropped")
    bars = bars.loc[bars["date"] <= pd.Timestamp(last_day)]  # a session still trading is not a bar yet
    bars = notes.drop(bars, _glitches(bars), "bars ~100× off their neighbours (unit glitch) rejected")
    # A lasting ×100 change (a unit switch) cannot tell which side is right: kept, and reported.
    for day in bars.loc[_about_100(bars["close"] / bars["close"].shift(1)), "date"]:
        notes.on(day, f"price level changes ~100× on {day.date()} and stays: kept, please check")
    return bars.reset_index(drop=True)


def _about_100(ratios: pd.DataFrame | pd.Series[float]) -> Any:
    """True where a ratio is ~100 or ~1/100 (NaN → False), in the shape given."""
    with np.errstate(divide="ignore", invalid="ignore"):
        distance = np.abs(np.log10(ratios))
    lo, hi = GLITCH_BAND
    return (distance >= lo) & (distance <= hi)


def _glitches(bars: pd.DataFrame) -> pd.Series[bool]:
    """Bars whose prices are ~100× or ~1/100 of the median close around them.

    A centred rolling median survives a glitch of a few consecutive bars, and at the ends of the
    series it still has the bars on one side, so a glitch on the first or last bar is caught too.
    """
    median = bars["close"].rolling(GLITCH_WINDOW, center=True, min_periods=3).median()
    return pd.Series(_about_100(bars[PRICES].div(median, axis=0)).any(axis=1), index=bars.index)


def unadjust(bars: pd.DataFrame, splits: pd.DataFrame, notes: Notes) -> pd.DataFrame:
    """Raw OHLCV from Yahoo's split-adjusted ones, plus ``adj_factor`` on each split's ex-date.

    A bar before a split of ratio r (shares after / before) traded at r × Yahoo's price and
    1/r × Yahoo's volume; each bar takes the product over all splits after it.
    """
    out = bars.assign(adj_factor=1.0)
    later = np.ones(len(out))
    for split_day, ratio in splits.itertuples(index=False):  # a handful per stock, if any
        later = np.where(out["date"] < split_day, later * ratio, later)
        on_day = out["date"] == split_day
        if not on_day.any() and out["date"].min() <= split_day <= out["date"].max():
            notes.on(split_day, f"split on {split_day.date()} has no bar there; its adj_factor is lost")
        out.loc[on_day, "adj_factor"] *= 1 / ratio
    # TSE ticks are at least ¥0.1: rounding undoes the float32 noise of Yahoo's adjustment.
    out[PRICES] = out[PRICES].mul(later, axis=0).round(1)
    out["volume"] = (out["volume"] / later).round()
    return out


def _note_gaps(bars: pd.DataFrame, notes: Notes) -> None:
    if len(bars) < 2:
        return
    sessions = sessions_between(bars["date"].iloc[0].date(), bars["date"].iloc[-1].date())
    missing = sorted(set(sessions) - {d.date() for d in bars["date"]})
    if missing:
        notes.add(f"sessions without a bar: {len(missing)} ({_dates([str(d) for d in missing])})")


# --- the provider -----------------------------------------------------------------------------------


# Seconds between two chart requests (one per code): Yahoo rate-limits bursts.
PAUSE_SECONDS = 0.3


class YFinanceProvider(MarketDataProvider):
    """Per-symbol daily bars from Yahoo Finance for the configured universe (``KABU_UNIVERSE``)."""

    name = "yfinance"
    names_from_prices = True
    is_demo = False

    def __init__(
        self,
        codes: Sequence[str],
        *,
        session: HttpSession | None = None,
        tries: int = 4,
        backoff_seconds: float = 1.0,
        pause_seconds: float = PAUSE_SECONDS,
        timeout_seconds: float = 20.0,
        cache_seconds: float = 1800.0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if not codes:
            raise InvalidInput(
                "the yfinance provider needs a list of stock codes: set KABU_UNIVERSE (e.g. 7203,6758)",
                field="KABU_UNIVERSE",
            )
        self.codes = list(dict.fromkeys(normalize_codes(codes)))
        self._session = session
        self._tries = max(1, tries)
        self._backoff = backoff_seconds
        self._pause = pause_seconds
        self._timeout = timeout_seconds
        self._clock = clock or now_in_tokyo
        self._cache_seconds = cache_seconds
        # code → (first day asked, when, parsed chart or the reason it has none). A sync walks the
        # history in 40-day chunks; since every answer runs up to now, the first one serves them all.
        self._charts: dict[str, tuple[date, float, Chart | _NoData]] = {}
        self._last_request = -math.inf
        self._names: dict[str, str] = {}
        #: what the last fetch dropped, rejected or could not get, one line each
        self.last_warnings: list[str] = []

    # -- MarketDataProvider ------------------------------------------------------------------------

    def list_stocks(self) -> pd.DataFrame:
        names = [self._names.get(code, code) for code in self.codes]
        english = [self._names.get(code) for code in self.codes]  # Yahoo's names are English
        frame = pd.DataFrame({"code": self.codes, "name": names, "name_en": english})
        return conform(frame.assign(market="other", lot_size=100), STOCK_COLUMNS)

    def fetch_daily_bars(self, start: date, end: date, codes: Sequence[str] | None = None) -> pd.DataFrame:
        wanted = self.codes if codes is None else list(dict.fromkeys(normalize_codes(codes)))
        self.last_warnings = []
        if not wanted or not sessions_between(start, end):
            return empty_frame(BAR_COLUMNS)
        frames, failed = [], []
        for code in wanted:
            try:
                frames.append(self._fetch_one(code, start, end))
            except _NoData as exc:
                failed.append(code)
                self.last_warnings.append(f"{code}: no data ({exc})")
        if self.last_warnings:
            log.warning("yfinance_bars_warnings", count=len(self.last_warnings), warnings=self.last_warnings)
        if len(failed) == len(wanted):
            raise SourceError(
                f"Yahoo Finance returned no usable data for any of {len(wanted)} codes: "
                + "; ".join(self.last_warnings[:5])
            )
        frames = [f for f in frames if not f.empty]
        if not frames:
            return empty_frame(BAR_COLUMNS)
        return conform(pd.concat(frames, ignore_index=True), BAR_COLUMNS)

    def fetch_fundamentals(self, start: date, end: date, codes: Sequence[str] | None = None) -> pd.DataFrame:
        """Always empty: Yahoo has no point-in-time history of disclosures.

        Its figures are today's (restated, latest) values with no disclosure dates; presenting them
        as disclosed on some past date would feed look-ahead bias into history and backtests, and we
        never invent point-in-time data.
        """
        return empty_frame(FUNDAMENTAL_COLUMNS)

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    # -- one ticker --------------------------------------------------------------------------------

    def _fetch_one(self, code: str, start: date, end: date) -> pd.DataFrame:
        now = self._clock().astimezone(JST)
        lookback = timedelta(days=max(CONTEXT_DAYS, SPLIT_RECHECK_DAYS))
        _meta, bars, splits = self._chart(code, start - lookback, now)
        notes = Notes(code, (start, end))
        bars = clean_bars(bars, last_completed_session(now), notes)
        if bars.empty:
            raise _NoData("no usable bars" + "".join(f"; {line}" for line in notes.lines))
        bars = unadjust(bars, splits, notes)
        in_window = bars["date"].between(pd.Timestamp(start), pd.Timestamp(end))
        _note_gaps(bars.loc[in_window], notes)
        earlier_ex_dates = bars["date"].isin(splits["date"]) & (bars["date"] < pd.Timestamp(start))
        bars = bars.loc[in_window | earlier_ex_dates]
        self.last_warnings.extend(notes.lines)
        out = bars.assign(code=code, turnover=np.nan, date=bars["date"].dt.date)
        return out[BAR_COLUMNS].reset_index(drop=True)

    def _chart(self, code: str, first_day: date, now: datetime) -> Chart:
        cached = self._charts.get(code)
        if cached and cached[0] <= first_day and time.monotonic() - cached[1] < self._cache_seconds:
            chart = cached[2]
        else:
            try:
                chart = parse_chart(self._get_chart(f"{code}.T", first_day, now))
                if chart[0].get("currency") not in (None, "JPY"):
                    raise _NoData(f"prices are in {chart[0]['currency']}, not JPY")
            except _NoData as exc:
                chart = exc
            self._charts[code] = (first_day, time.monotonic(), chart)
        if isinstance(chart, _NoData):
            raise chart
        name = chart[0].get("longName") or chart[0].get("shortName")
        if name:
            self._names[code] = str(name)
        return chart

    def _get_chart(self, ticker: str, start: date, now: datetime) -> Any:
        params = {
            "period1": str(_epoch(start)),
            "period2": str(int(now.timestamp()) + 1),
            "interval": "1d",
            "events": "div,splits",
            "includePrePost": "false",
        }
        retrying = Retrying(
            stop=stop_after_attempt(self._tries),
            wait=wait_exponential(multiplier=self._backoff, max=30),
            retry=retry_if_exception_type(_Transient),
            reraise=True,
        )
        try:
            return retrying(self._get_once, CHART_URL.format(ticker=ticker), params)
        except _Transient as exc:
            raise SourceError(
                f"Yahoo Finance chart API failed for {ticker} after {self._tries} tries: {exc}"
            ) from exc

    def _get_once(self, url: str, params: Mapping[str, str]) -> Any:
        if self._session is None:
            self._session = _default_session()
        wait = self._pause - (time.monotonic() - self._last_request)
        if wait > 0:
            time.sleep(wait)  # be gentle: Yahoo rate-limits bursts
        self._last_request = time.monotonic()
        try:
            response = self._session.get(url, params=params, timeout=self._timeout)
        except OSError as exc:  # requests' and curl_cffi's errors are all OSErrors
            raise _Transient(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code in TRANSIENT_STATUS:
            raise _Transient(f"HTTP {response.status_code}")
        try:
            payload = response.json()
        except ValueError as exc:  # an outage or consent page instead of JSON
            if response.status_code == 200:
                raise _Transient(f"not JSON: {response.text[:80]!r}") from exc
            payload = None
        if response.status_code != 200 and not (isinstance(payload, dict) and "chart" in payload):
            raise SourceError(f"Yahoo Finance chart API answered HTTP {response.status_code} for {url}")
        return payload  # 200, or a 404 whose chart.error says the symbol has no data
