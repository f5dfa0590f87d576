from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from kabu_trade.core.params import MAX_ID

CODE_PATTERN = r"^[0-9A-Za-z]{4,5}$"


class WatchlistCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    policy_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="evaluate the items under this policy"
    )
    codes: list[str] = Field(default_factory=list, max_length=500)


class WatchlistUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    policy_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    clear_policy: bool = False


class WatchlistItemCreate(BaseModel):
    code: str = Field(pattern=CODE_PATTERN)
    note: str | None = Field(default=None, max_length=500)


class LatestScores(BaseModel):
    evaluation_id: int
    as_of: dt.date
    buy_score: float
    sell_score: float
    match_score: float | None
    recommendation: str
    buy_change: float | None = Field(description="change of buy_score since the previous evaluation")
    sell_change: float | None
    match_change: float | None


class WatchlistItemRead(BaseModel):
    code: str
    name: str | None
    name_en: str | None = Field(default=None, description="English company name where the data has one")
    sector: str | None
    sector_en: str | None = Field(default=None, description="official English name of the 33-sector")
    market: str | None
    note: str | None
    added_at: dt.datetime
    close: float | None = Field(description="latest close (adjusted)")
    change_pct: float | None
    latest: LatestScores | None


class WatchlistRead(BaseModel):
    id: int
    name: str
    policy_id: int | None
    created_at: dt.datetime
    items: list[WatchlistItemRead]


class WatchlistSummary(BaseModel):
    id: int
    name: str
    policy_id: int | None
    created_at: dt.datetime
    size: int


class WatchlistList(BaseModel):
    items: list[WatchlistSummary]
    total: int


class BatchResult(BaseModel):
    evaluated: int
    skipped: int = Field(description="already evaluated on the same data and policy version")
    skipped_codes: list[str] = Field(
        default_factory=list, description="the codes skipped, as already evaluated (see skipped)"
    )
    failed: list[str] = Field(description="codes with no data to evaluate (no prices or metrics)")
