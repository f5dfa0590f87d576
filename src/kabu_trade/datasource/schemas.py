"""The data page's API shapes (the contract the web app builds against)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kabu_trade.core.config import JQuantsPlan

SourceName = Literal["demo", "jquants", "csv", "yfinance"]
ActivatableSource = Literal["demo", "jquants", "yfinance"]
StoredData = Literal["demo", "real", "empty"]
CsvKind = Literal["bars", "fundamentals", "stocks"]
MAX_CODES = 500


class JQuantsState(BaseModel):
    configured: bool = Field(description="a key is stored or set in the environment")
    plan: JQuantsPlan
    checked_at: datetime | None = Field(description="when J-Quants last accepted the stored key")
    from_environment: bool = Field(description="the key comes from KABU_JQUANTS_API_KEY, none is stored")


class YFinanceState(BaseModel):
    codes: list[str]


class PlanInfo(BaseModel):
    plan: JQuantsPlan
    requests_per_minute: int
    history_years: int | None = Field(description="years of history served; null: all (from 2008)")
    delay_weeks: int


class DataSourceState(BaseModel):
    active_source: SourceName = Field(description="what the scheduled and the next sync use")
    stored_data: StoredData = Field(description="what the database holds now")
    stored_source: str | None = Field(description="source name(s) of the stored data")
    stocks: int
    first_date: date | None
    last_date: date | None
    jquants: JQuantsState
    yfinance: YFinanceState
    plans: list[PlanInfo]


class JQuantsCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    api_key: str = Field(min_length=1, max_length=500, description="the key from the J-Quants dashboard")
    plan: JQuantsPlan


class JQuantsCheckResult(BaseModel):
    ok: bool
    plan: JQuantsPlan
    listed_stocks: int


class JQuantsSave(BaseModel):
    model_config = ConfigDict(extra="forbid")

    api_key: str | None = Field(
        default=None, min_length=1, max_length=500, description="null keeps (and checks again) the stored key"
    )
    plan: JQuantsPlan


class YFinanceSave(BaseModel):
    model_config = ConfigDict(extra="forbid")

    codes: list[str] = Field(min_length=1, max_length=MAX_CODES)


class Estimate(BaseModel):
    source: Literal["jquants", "yfinance"]
    plan: JQuantsPlan | None
    from_date: date | None
    to_date: date | None
    sessions: int
    requests: int
    requests_per_minute: int | None
    minutes: float
    history_years: int | None
    delay_weeks: int
    notes: list[str] = Field(description="in the request's language")


class CsvFileSummary(BaseModel):
    kind: CsvKind
    filename: str
    encoding: str | None = Field(description="how the file was read: UTF-8, UTF-8 (BOM), Shift_JIS (cp932) …")
    rows: int
    columns: list[str]
    preview: list[dict[str, str]] = Field(description="the first 10 data rows")
    codes: int
    from_date: date | None
    to_date: date | None


class CsvError(BaseModel):
    file: CsvKind
    row: int = Field(description="spreadsheet row: the header is row 1, the first data row 2")
    column: str | None
    message: str
    field: str = Field(description="file.row.column, as in the error body's errors[]")


class CsvPreview(BaseModel):
    ok: bool
    files: list[CsvFileSummary]
    errors: list[CsvError] = Field(description="every problem of every file; nothing was written")


class Activate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: ActivatableSource
    confirm: bool = Field(description="must be true: the switch changes what the syncs load")
