from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from kabu_trade.auth.deps import current_user
from kabu_trade.core.deps import CacheDep, SessionDep, SettingsDep
from kabu_trade.core.params import IsoDate, Offset
from kabu_trade.core.unit_of_work import UnitOfWorkRoute
from kabu_trade.market.schemas import Financials, PriceSeries, StockDetail, StockList
from kabu_trade.market.service import Period, StockReads

router = APIRouter(
    prefix="/stocks", tags=["stocks"], dependencies=[Depends(current_user)], route_class=UnitOfWorkRoute
)
CODE_PATTERN = r"^[0-9A-Za-z]{4,5}$"


async def get_reads(session: SessionDep, cache: CacheDep, settings: SettingsDep) -> StockReads:
    # async: it only builds an object, and a sync dependency would cost a trip to the thread pool.
    return StockReads(session, cache, settings.cache_ttl_seconds)


Reads = Annotated[StockReads, Depends(get_reads)]
Code = Annotated[str, Query(pattern=CODE_PATTERN)]


@router.get("", response_model=StockList, summary="Search stocks by code prefix or name (漢字/かな/English)")
def list_stocks(
    reads: Reads,
    q: Annotated[str | None, Query(max_length=100, description="code prefix or part of a name")] = None,
    sector: Annotated[str | None, Query(max_length=100, description="33-sector code or name")] = None,
    market: Annotated[str | None, Query(pattern="^(?i)(prime|standard|growth|other)$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> Any:
    return reads.search(q, sector, market, limit, offset)


@router.get("/{code}", response_model=StockDetail)
def get_stock(code: str, reads: Reads) -> Any:
    return reads.detail(code)


@router.get(
    "/{code}/prices",
    response_model=PriceSeries,
    response_model_by_alias=True,
    summary="Daily bars, split-adjusted unless adjusted=false",
)
def get_prices(
    code: str,
    reads: Reads,
    period: Period | None = None,
    from_: Annotated[IsoDate | None, Query(alias="from")] = None,
    to: IsoDate | None = None,
    adjusted: bool = True,
) -> Any:
    return reads.prices(code, period, from_, to, adjusted)


@router.get(
    "/{code}/financials",
    response_model=Financials,
    summary="Point-in-time fundamentals with PER, PBR, ROE, dividend yield and equity ratio",
)
def get_financials(code: str, reads: Reads) -> Any:
    return reads.financials(code)
