"""Stock reads: search, detail, prices, financials. Cached per market generation (bumped by sync).

The stock list, a stock's detail and its prices are cached as the JSON body they are answered
with (``core/cache.py``: ``JsonBody``), validated against their response model once, when they are
computed. Their keys hold every input that changes the answer — the generation and the request's
normalised parameters, nothing of the database — so that a hit is found before any query, even
from the event loop (``peek``), and a request served from the cache checks out no connection.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from kabu_trade.core.cache import (
    Cache,
    JsonBody,
    KeyFor,
    cached_body,
    cached_json,
    market_generation,
    peek_market,
)
from kabu_trade.core.errors import InvalidInput, NotFound
from kabu_trade.market import repository
from kabu_trade.market.adjustments import adjust_bars, later_split_multiplier
from kabu_trade.market.bars import INTERVAL_PERIOD_START, Interval, aggregate_bars
from kabu_trade.market.calendar import sessions_after
from kabu_trade.market.earnings_schedule import next_results_date
from kabu_trade.market.models import Stock
from kabu_trade.market.overview import market_overview, with_changes
from kabu_trade.market.ratios import fundamental_ratios, is_results
from kabu_trade.market.schemas import (
    FundamentalsSummary,
    MarketOverview,
    NextEarnings,
    PriceSeries,
    StockDetail,
    StockItem,
    StockList,
)
from kabu_trade.market.sectors import sector_en

PER_SHARE_COLUMNS = ("eps", "forecast_eps", "bps", "dps", "forecast_dps")
Period = Literal["1m", "3m", "6m", "1y", "2y", "5y", "max"]
PERIOD_DAYS: dict[str, int | None] = {
    "1m": 31,
    "3m": 92,
    "6m": 183,
    "1y": 366,
    "2y": 731,
    "5y": 1827,
    "max": None,
}


class StockReads:
    """Read side of the market domain for one request (session) and the shared cache."""

    def __init__(self, session: Session | Callable[[], Session], cache: Cache, ttl: int) -> None:
        # A session, or how to open one when the first query needs it (an answer from the cache
        # needs none: not even the object is made).
        self._session = session
        self.cache = cache
        self.ttl = ttl

    @property
    def session(self) -> Session:
        if not isinstance(self._session, Session):
            self._session = self._session()
        return self._session

    def _key(self, *parts: Any) -> str:
        return market_key(*parts)(market_generation(self.cache))

    def _stock(self, code: str) -> Stock:
        stock = repository.get_stock(self.session, code.strip())
        if stock is None:
            raise NotFound(f"No stock with code {code!r}.", field="code")
        return stock

    # -- the answers cached as bodies: a key per request, a peek from the loop, the computation --
    async def peek(self, key_for: KeyFor, generation: str | None = None) -> JsonBody | None:
        return await peek_market(self.cache, key_for, generation)

    def answer(self, key_for: KeyFor, compute: Callable[[], bytes]) -> JsonBody:
        return cached_body(self.cache, key_for(market_generation(self.cache)), self.ttl, compute)

    def search(
        self, q: str | None, sector: str | None, market: str | None, limit: int, offset: int
    ) -> JsonBody:
        def compute() -> bytes:
            rows, total = repository.search_stocks(self.session, q, sector, market, limit, offset)
            # Where each hit stands, so a suggestion shows its price: one query for the page.
            closes = with_changes(repository.last_two_closes_of(self.session, [s.code for s in rows]))
            prices = {r["code"]: r for r in repository.frame_records(closes)}
            answer = {
                "items": [
                    {
                        **stock_item(s).model_dump(),
                        **{
                            k: prices.get(s.code, {}).get(k)
                            for k in ("as_of", "last_close", "change", "change_pct")
                        },
                    }
                    for s in rows
                ],
                "total": total,
                "limit": limit,
                "offset": offset,
                "demo": "demo" in repository.data_sources(self.session),
            }
            return StockList.model_validate(answer).model_dump_json(by_alias=True).encode()

        return self.answer(search_key(q, sector, market, limit, offset), compute)

    def overview(self) -> JsonBody:
        def compute() -> bytes:
            answer = market_overview(self.session)
            return MarketOverview.model_validate(answer).model_dump_json().encode()

        return self.answer(overview_key(), compute)

    def detail(self, code: str) -> JsonBody:
        def compute() -> bytes:
            answer = self._detail(self._stock(code))
            return StockDetail.model_validate(answer).model_dump_json(by_alias=True).encode()

        return self.answer(detail_key(code), compute)

    def _detail(self, stock: Stock) -> dict[str, Any]:
        closes = repository.last_two_closes(self.session, stock.code)
        as_of = closes[0][0] if closes else None
        last_close = closes[0][1] if closes else None
        previous = None
        if len(closes) == 2 and closes[1][1] is not None:
            # The latest bar's own factor converts the previous raw close to today's basis.
            previous = closes[1][1] * closes[0][2]
        change = round(last_close - previous, 4) if last_close is not None and previous else None
        change_pct = round(change / previous * 100, 4) if change is not None and previous else None
        return {
            **stock_item(stock).model_dump(),
            "as_of": as_of,
            "last_close": last_close,
            "previous_close": round(previous, 4) if previous is not None else None,
            "change": change,
            "change_pct": change_pct,
            "fundamentals": self._summary(stock.code, last_close),
            "next_earnings": self._next_earnings(stock.code, as_of),
        }

    def _next_earnings(self, code: str, as_of: date | None) -> NextEarnings | None:
        if as_of is None:
            return None
        day = next_results_date(repository.fundamentals_frame(self.session, code), as_of)
        if day is None:
            return None
        return NextEarnings(date=day, days=(day - as_of).days, sessions=sessions_after(as_of, day))

    def _summary(self, code: str, last_close: float | None) -> dict[str, Any] | None:
        disclosures = repository.fundamentals_frame(self.session, code)
        if disclosures.empty:
            return None
        today_basis, _ = on_today_basis(disclosures, repository.split_events(self.session, code))
        price = pd.Series([last_close] * len(today_basis), dtype=float)
        ratios = fundamental_ratios(today_basis, price).iloc[-1]
        last = today_basis.iloc[-1]
        # A forecast revision is the latest disclosure but not the latest period, and it carries
        # one forecast only: every other figure comes from the latest row that has it.
        results = today_basis[is_results(today_basis)]
        period = results.iloc[-1] if not results.empty else last
        latest = today_basis.ffill().iloc[-1]
        fy = today_basis[today_basis["period_type"] == "FY"]
        shares = latest["shares_outstanding"]
        summary = FundamentalsSummary(
            disclosed_date=last["disclosed_date"],
            period_type=period["period_type"],
            period_end=period["period_end"],
            eps=_num(fy["eps"].dropna().iloc[-1]) if fy["eps"].notna().any() else None,
            forecast_eps=_num(latest["forecast_eps"]),
            bps=_num(latest["bps"]),
            forecast_dps=_num(latest["forecast_dps"]),
            market_cap=_num(last_close * shares) if last_close is not None and pd.notna(shares) else None,
            **{
                k: _num(ratios[k])
                for k in (
                    "per",
                    "forward_per",
                    "pbr",
                    "roe",
                    "dividend_yield",
                    "equity_ratio",
                    "payout_ratio",
                )
            },
        )
        return summary.model_dump()

    def prices(
        self,
        code: str,
        period: Period | None,
        start: date | None,
        end: date | None,
        adjusted: bool,
        interval: Interval = "1d",
    ) -> JsonBody:
        check_price_window(start, end)

        def compute() -> bytes:
            stock = self._stock(code)
            first, last = self._window(stock.code, period, start, end)
            if first is not None and not (start or end):
                # A period's window starts on its week's or month's first day, so the first
                # candle is a whole week or month, not the tail of one.
                first = INTERVAL_PERIOD_START[interval](first)
            bars = repository.bars_frame(self.session, stock.code, first, last)
            if adjusted:
                bars = adjust_bars(bars, repository.split_events(self.session, stock.code, after=first))
            items = aggregate_bars(bars[["date", "open", "high", "low", "close", "volume"]], interval).round(
                4
            )
            answer = {
                "code": stock.code,
                "adjusted": adjusted,
                "interval": interval,
                "period": None if (start or end) else (period or "1y"),
                "from": first,
                "to": last,
                "items": repository.frame_records(items),
                "demo": stock.source == "demo",
            }
            return PriceSeries.model_validate(answer).model_dump_json(by_alias=True).encode()

        return self.answer(prices_key(code, period, start, end, adjusted, interval), compute)

    def _window(
        self, code: str, period: Period | None, start: date | None, end: date | None
    ) -> tuple[date | None, date | None]:
        if start or end:
            return start, end
        latest = repository.latest_bar_date(self.session, code)
        days = PERIOD_DAYS[period or "1y"]
        if latest is None or days is None:
            return None, latest
        return latest - timedelta(days=days), latest

    def financials(self, code: str) -> dict[str, Any]:
        stock = self._stock(code)

        def compute() -> dict[str, Any]:
            disclosures = repository.fundamentals_frame(self.session, stock.code)
            items: list[dict[str, Any]] = []
            if not disclosures.empty:
                closes = repository.closes_on(self.session, stock.code, list(disclosures["disclosed_date"]))
                prices = disclosures["disclosed_date"].map(closes).astype(float)
                # A row's ratios take figures from earlier rows (the last full year's EPS and DPS,
                # a forecast): across a split those are on another share basis than the row's
                # price. On today's basis, every figure and price agree; the row itself is shown
                # as disclosed and traded.
                today_basis, multiplier = on_today_basis(
                    disclosures, repository.split_events(self.session, stock.code)
                )
                ratios = fundamental_ratios(today_basis, prices * multiplier)
                ratios["price"] = prices.to_numpy()
                merged = pd.concat([disclosures.reset_index(drop=True), ratios], axis=1)
                merged["operating_margin"] = (
                    merged["operating_profit"] / merged["sales"].where(merged["sales"] > 0) * 100
                ).round(4)
                items = repository.frame_records(merged)
            closes_now = repository.last_two_closes(self.session, stock.code)
            last_close = closes_now[0][1] if closes_now else None
            return {
                "code": stock.code,
                "latest": self._summary(stock.code, last_close),
                "items": items,
                "demo": stock.source == "demo",
            }

        return cached_json(self.cache, self._key("financials", stock.code), self.ttl, compute)


def on_today_basis(
    disclosures: pd.DataFrame, split_events: list[tuple[date, float]]
) -> tuple[pd.DataFrame, np.ndarray]:
    """Per-share figures disclosed before a later split brought onto today's share basis, and the
    multiplier of each row (a raw price of its disclosure date × it is on that basis too)."""
    multiplier = later_split_multiplier(disclosures["disclosed_date"], split_events)
    today_basis = disclosures.copy()
    for column in PER_SHARE_COLUMNS:
        today_basis[column] = today_basis[column] * multiplier
    today_basis["shares_outstanding"] = today_basis["shares_outstanding"] / multiplier
    return today_basis, multiplier


def market_key(*parts: Any) -> KeyFor:
    """The cache key of a market answer under a generation, from everything that decides it."""
    # A cache key, not a signature: SHA-1 is fine here and says so (bandit B324).
    digest = hashlib.sha1(json.dumps(parts, default=str).encode(), usedforsecurity=False).hexdigest()[:20]
    suffix = f"{parts[0]}:{digest}"
    return lambda generation: f"market:{generation}:{suffix}"


def normal_code(code: str) -> str:
    """A code as the stocks table holds it (``repository.get_stock``): one key per stock."""
    return code.strip().upper()


def search_key(q: str | None, sector: str | None, market: str | None, limit: int, offset: int) -> KeyFor:
    return market_key("search", q, sector, market, limit, offset)


def overview_key() -> KeyFor:
    return market_key("overview")


def detail_key(code: str) -> KeyFor:
    return market_key("detail", normal_code(code))


def prices_key(
    code: str,
    period: Period | None,
    start: date | None,
    end: date | None,
    adjusted: bool,
    interval: Interval = "1d",
) -> KeyFor:
    return market_key("prices", normal_code(code), period, start, end, adjusted, interval)


def check_price_window(start: date | None, end: date | None) -> None:
    if start and end and start > end:
        raise InvalidInput(f"'from' ({start}) is after 'to' ({end}).", field="from")


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 4)


def stock_item(stock: Stock) -> StockItem:
    return StockItem(
        code=stock.code,
        name=stock.name,
        name_kana=stock.name_kana,
        name_en=stock.name_en,
        sector=stock.sector_name,
        sector_code=stock.sector_code,
        sector_en=sector_en(stock.sector_code, stock.sector_name),
        market=stock.market,
        lot_size=stock.lot_size,
        source=stock.source,
        demo=stock.source == "demo",
    )
