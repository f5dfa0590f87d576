"""Stocks API shapes. Units: prices and per-share figures in yen; amounts in yen; volumes in
shares; every ratio named ``*_pct``-like (roe, dividend_yield, equity_ratio, payout_ratio, change_pct)
in percent (5.2 means 5.2 %); per, forward_per, pbr as multiples."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class StockItem(BaseModel):
    code: str = Field(description="4-character TSE code, e.g. 7203 or 130A")
    name: str
    name_kana: str | None = None
    name_en: str | None = None
    sector: str | None = Field(description="TSE 33-sector name")
    sector_code: str | None = None
    sector_en: str | None = Field(
        default=None, description="official English name of the 33-sector (null when not a TSE sector)"
    )
    market: str | None = Field(description="prime | standard | growth | other")
    lot_size: int = Field(description="trading lot (単元株) in shares")
    source: str = Field(description="data source: demo | csv | jquants | yfinance")
    demo: bool = Field(description="true for fictional demo data")


class StockList(BaseModel):
    items: list[StockItem]
    total: int
    limit: int
    offset: int
    demo: bool = Field(description="true while the database holds demo data")


class FundamentalsSummary(BaseModel):
    disclosed_date: dt.date
    period_type: str
    period_end: dt.date
    eps: float | None = Field(None, description="latest full-year EPS, yen, split-adjusted to today")
    forecast_eps: float | None = Field(None, description="yen, split-adjusted to today")
    bps: float | None = Field(None, description="yen, split-adjusted to today")
    forecast_dps: float | None = Field(None, description="annual, yen, split-adjusted to today")
    per: float | None = Field(None, description="last close / full-year EPS (multiple)")
    forward_per: float | None = Field(None, description="last close / forecast EPS (multiple)")
    pbr: float | None = Field(None, description="last close / BPS (multiple)")
    roe: float | None = Field(None, description="percent")
    dividend_yield: float | None = Field(None, description="percent, at the last close")
    equity_ratio: float | None = Field(None, description="percent")
    payout_ratio: float | None = Field(None, description="percent")
    market_cap: float | None = Field(None, description="yen: last close × shares outstanding")


class StockDetail(StockItem):
    as_of: dt.date | None = Field(description="date of the last bar")
    last_close: float | None = Field(description="yen, as traded on as_of")
    previous_close: float | None = Field(description="yen, on today's share basis")
    change: float | None = Field(description="yen, last close − previous close")
    change_pct: float | None = Field(description="percent")
    fundamentals: FundamentalsSummary | None


class PriceBar(BaseModel):
    date: dt.date
    open: float | None
    high: float | None
    low: float | None
    close: float | None
    volume: float | None = Field(description="shares (split-adjusted when adjusted=true)")


class PriceSeries(BaseModel):
    code: str
    adjusted: bool
    period: str | None
    from_date: dt.date | None = Field(alias="from")
    to_date: dt.date | None = Field(alias="to")
    items: list[PriceBar]
    demo: bool

    model_config = {"populate_by_name": True}


class FinancialItem(BaseModel):
    disclosed_date: dt.date
    period_type: str = Field(description="1Q | 2Q | 3Q | FY (cumulative to the period end)")
    period_end: dt.date
    sales: float | None = Field(description="yen, cumulative from the fiscal year start")
    operating_profit: float | None = Field(description="yen")
    net_income: float | None = Field(description="yen")
    eps: float | None = Field(description="yen per share, as reported")
    forecast_eps: float | None = Field(description="full-year forecast, yen per share")
    bps: float | None
    dps: float | None
    forecast_dps: float | None
    equity: float | None = Field(description="yen")
    total_assets: float | None = Field(description="yen")
    shares_outstanding: float | None = Field(description="shares")
    operating_margin: float | None = Field(description="percent")
    price: float | None = Field(description="raw close on the disclosure date, yen")
    per: float | None
    forward_per: float | None
    pbr: float | None
    roe: float | None = Field(description="percent")
    dividend_yield: float | None = Field(description="percent")
    equity_ratio: float | None = Field(description="percent")
    payout_ratio: float | None = Field(description="percent")


class Financials(BaseModel):
    code: str
    latest: FundamentalsSummary | None = Field(description="ratios at the last close")
    items: list[FinancialItem] = Field(description="every disclosure, oldest first, point in time")
    demo: bool
