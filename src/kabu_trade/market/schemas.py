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


class StockListItem(StockItem):
    """A search hit with its latest price, for suggestions that show where a stock stands."""

    as_of: dt.date | None = Field(None, description="date of the last bar")
    last_close: float | None = Field(None, description="yen, as traded on as_of")
    change: float | None = Field(None, description="yen, against the previous session's close")
    change_pct: float | None = Field(None, description="percent")


class StockList(BaseModel):
    items: list[StockListItem]
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


class NextEarnings(BaseModel):
    date: dt.date = Field(description="estimated date of the next results disclosure (決算発表予定日)")
    days: int = Field(description="calendar days from as_of (negative: overdue by up to 10 days)")
    sessions: int | None = Field(
        description="TSE sessions after as_of up to and including the date; None beyond the calendar"
    )
    estimated: bool = Field(True, description="always true: no source publishes the date we store")


class StockDetail(StockItem):
    as_of: dt.date | None = Field(description="date of the last bar")
    last_close: float | None = Field(description="yen, as traded on as_of")
    previous_close: float | None = Field(description="yen, on today's share basis")
    change: float | None = Field(description="yen, last close − previous close")
    change_pct: float | None = Field(description="percent")
    fundamentals: FundamentalsSummary | None
    next_earnings: NextEarnings | None = Field(
        None, description="the next results disclosure, estimated from the company's yearly rhythm"
    )


class PriceBar(BaseModel):
    date: dt.date = Field(description="the session; for a week or month, its last session in the data")
    open: float | None
    high: float | None
    low: float | None
    close: float | None
    volume: float | None = Field(description="shares (split-adjusted when adjusted=true)")


class PriceSeries(BaseModel):
    code: str
    adjusted: bool
    period: str | None
    interval: str = Field("1d", description="1d daily, 1w ISO weeks, 1mo calendar months")
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


class SectorMove(BaseModel):
    sector: str = Field(description="TSE 33-sector name ('' when the data has none)")
    sector_code: str | None
    count: int = Field(description="stocks of the sector with a change on the session")
    advancers: int
    decliners: int
    average_change_pct: float = Field(description="equal-weight average change, percent")


class Benchmark(BaseModel):
    kind: str = Field(
        description="index: a stored market index with a close on as_of (TOPIX from J-Quants, or the "
        "demo's fictional index); equal_weight_universe: no such index is stored (CSV, yfinance), so "
        "the benchmark is the equal-weight average change of the stocks in the universe, named as such"
    )
    change_pct: float | None = Field(description="percent")
    code: str | None = Field(
        None, description="index code (TOPIX, TOPIX_DEMO); null for equal_weight_universe"
    )
    name: str | None = Field(None, description="index name, e.g. 'TOPIX' or 'TOPIX (demo)'")
    close: float | None = Field(None, description="index points on as_of")
    change: float | None = Field(None, description="index points against the previous session's close")


class MarketOverview(BaseModel):
    as_of: dt.date | None = Field(description="the latest session in the data")
    stocks: int = Field(description="stocks with a close on as_of and on their previous session")
    advancers: int
    decliners: int
    unchanged: int
    average_change_pct: float | None = Field(description="equal-weight average change, percent")
    sectors: list[SectorMove] = Field(description="by average change, strongest first")
    benchmark: Benchmark
    demo: bool
