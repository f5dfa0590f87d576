from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from kabu_trade.core.params import MAX_ID


class ScreenRequest(BaseModel):
    policy_id: int = Field(ge=1, le=MAX_ID)
    limit: int | None = Field(default=50, ge=1, le=5000, description="null for every qualifying stock")
    sector: str | None = Field(default=None, max_length=100, description="33-sector code or name")
    market: str | None = Field(default=None, pattern="^(?i)(prime|standard|growth|other)$")


class FailedRule(BaseModel):
    rule: str = Field(description="the rule as written, e.g. 'per <= 12'")
    metric: str
    value: float | None
    distance: float | None = Field(description="how far from passing, in the metric's unit")
    weight: float
    required: bool
    text: str = Field(description="in words: 'PER（実績）12倍以下 → 16.9倍で不合格（4.9倍超過）'")


class TieBreak(BaseModel):
    parts: list[str] = Field(description="score parts the policy weights most; [] = the buy score")
    weight: float | None
    explanation: str


class ScreenItem(BaseModel):
    rank: int
    stock_code: str
    name: str
    name_en: str | None = Field(default=None, description="English company name where the data has one")
    sector: str | None
    sector_en: str | None = Field(default=None, description="official English name of the 33-sector")
    market: str | None
    match_score: float | None
    buy_score: float
    sell_score: float
    confidence: float
    recommendation: str
    as_of: dt.date
    close: float | None
    change_pct: float | None
    per: float | None
    pbr: float | None
    roe: float | None
    dividend_yield: float | None
    rsi_14: float | None
    return_60d_pct: float | None
    market_cap: float | None
    tie_break_score: float | None = Field(
        default=None, description="buy points on the parts the policy weights most (see tie_break)"
    )
    failed_rules: list[FailedRule] = Field(default=[], description="the rules this hit fails, in words")


class PolicyRef(BaseModel):
    id: int
    name: str
    version: int


class ScreenResult(BaseModel):
    as_of: dt.date | None
    policy: PolicyRef
    universe: int = Field(description="stocks considered after the sector/market filters")
    total: int = Field(description="stocks that pass every required rule")
    items: list[ScreenItem]
    demo: bool
    tie_break: TieBreak | None = Field(
        default=None, description="how equal match scores are ordered, and why"
    )
