from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any

from cachetools import LRUCache
from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from kabu_trade.auth.deps import cached_user, current_user
from kabu_trade.core.cache import JsonBody, KeyFor, peek_market
from kabu_trade.core.deps import ContextDep
from kabu_trade.core.params import IsoDate, Offset
from kabu_trade.core.ratelimit import MARKET_GENERATION_STATE
from kabu_trade.core.unit_of_work import UnitOfWorkRoute, answered_from_cache, register_session
from kabu_trade.market.bars import Interval
from kabu_trade.market.schemas import Financials, MarketOverview, PriceSeries, StockDetail, StockList
from kabu_trade.market.service import (
    Period,
    StockReads,
    check_price_window,
    detail_key,
    overview_key,
    prices_key,
    search_key,
)

router = APIRouter(
    prefix="/stocks", tags=["stocks"], dependencies=[Depends(current_user)], route_class=UnitOfWorkRoute
)
market_router = APIRouter(
    prefix="/market", tags=["market"], dependencies=[Depends(current_user)], route_class=UnitOfWorkRoute
)
CODE_PATTERN = r"^[0-9A-Za-z]{4,5}$"


async def get_reads(request: Request, context: ContextDep) -> StockReads:
    # async, and not a yield dependency: it only builds an object. The session is opened when the
    # first query needs it (in the endpoint's hop, whose unit of work then commits and closes it),
    # so an answer found in the cache makes no session and checks out no connection.
    def open_session() -> Session:
        session = context.sessions()
        register_session(request, session)
        return session

    return StockReads(open_session, context.cache, context.settings.cache_ttl_seconds)


Reads = Annotated[StockReads, Depends(get_reads)]
Code = Annotated[str, Query(pattern=CODE_PATTERN)]


class ValidatedRequests:
    """The cache key each raw request (path and query string) was validated into, once the route
    has run it with every dependency: the same raw request always validates the same way, so its
    next occurrence can be answered before any dependency runs (``early``) when the user cache
    vouches for its account. Per process, bounded; a request never seen runs the route."""

    def __init__(self, maxsize: int = 20_000) -> None:
        self._keys: LRUCache[tuple[str, bytes], KeyFor] = LRUCache(maxsize=maxsize)

    def record(self, request: Request, key_for: KeyFor) -> KeyFor:
        self._keys[(request.scope["path"], request.scope["query_string"])] = key_for
        return key_for

    def early(self) -> Callable[[Request], Awaitable[Response | None]]:
        async def answer(request: Request) -> Response | None:
            key_for = self._keys.get((request.scope["path"], request.scope["query_string"]))
            if key_for is None or cached_user(request) is None:
                return None
            found = await peek_market(request.app.state.context.cache, key_for, _generation(request))
            return json_answer(request, found) if found else None

        return answer


_lists, _details, _prices = ValidatedRequests(), ValidatedRequests(), ValidatedRequests()
_overviews = ValidatedRequests(maxsize=100)


def _generation(request: Request) -> str | None:
    """The market generation, when the rate-limit check read it already for this request."""
    generation: str | None = request.scope.get("state", {}).get(MARKET_GENERATION_STATE)
    return generation


def json_answer(request: Request, answer: JsonBody) -> Response:
    """The cached body as it is, with its ETag; 304 without a body when the client has it already.
    ``no-cache``: a browser may keep it but asks again each time (a 304 costs no body)."""
    etag = answer.etag.decode()
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    wanted = request.headers.get("if-none-match")
    if wanted and (
        wanted.strip() == "*" or etag in (t.strip().removeprefix("W/") for t in wanted.split(","))
    ):
        return Response(status_code=304, headers=headers)
    return Response(answer.body, media_type="application/json", headers=headers)


async def _peek_list(
    request: Request,
    reads: StockReads,
    q: str | None = None,
    sector: str | None = None,
    market: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Response | None:
    found = await reads.peek(
        _lists.record(request, search_key(q, sector, market, limit, offset)), _generation(request)
    )
    return json_answer(request, found) if found else None


@router.get("", response_model=StockList, summary="Search stocks by code prefix or name (漢字/かな/English)")
@answered_from_cache(_peek_list, early=_lists.early())
def list_stocks(
    request: Request,
    reads: Reads,
    q: Annotated[str | None, Query(max_length=100, description="code prefix or part of a name")] = None,
    sector: Annotated[str | None, Query(max_length=100, description="33-sector code or name")] = None,
    market: Annotated[str | None, Query(pattern="^(?i)(prime|standard|growth|other)$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> Any:
    return json_answer(request, reads.search(q, sector, market, limit, offset))


async def _peek_detail(request: Request, code: str, reads: StockReads) -> Response | None:
    found = await reads.peek(_details.record(request, detail_key(code)), _generation(request))
    return json_answer(request, found) if found else None


@router.get("/{code}", response_model=StockDetail)
@answered_from_cache(_peek_detail, early=_details.early())
def get_stock(request: Request, code: str, reads: Reads) -> Any:
    return json_answer(request, reads.detail(code))


async def _peek_prices(
    request: Request,
    code: str,
    reads: StockReads,
    period: Period | None = None,
    from_: date | None = None,
    to: date | None = None,
    adjusted: bool = True,
    interval: Interval = "1d",
) -> Response | None:
    check_price_window(from_, to)
    key_for = _prices.record(request, prices_key(code, period, from_, to, adjusted, interval))
    found = await reads.peek(key_for, _generation(request))
    return json_answer(request, found) if found else None


@router.get(
    "/{code}/prices",
    response_model=PriceSeries,
    response_model_by_alias=True,
    summary="Daily, weekly (ISO week) or monthly bars, split-adjusted unless adjusted=false",
)
@answered_from_cache(_peek_prices, early=_prices.early())
def get_prices(
    request: Request,
    code: str,
    reads: Reads,
    period: Period | None = None,
    from_: Annotated[IsoDate | None, Query(alias="from")] = None,
    to: IsoDate | None = None,
    adjusted: bool = True,
    interval: Annotated[
        Interval, Query(description="1d daily bars; 1w ISO-week and 1mo calendar-month candles")
    ] = "1d",
) -> Any:
    return json_answer(request, reads.prices(code, period, from_, to, adjusted, interval))


@router.get(
    "/{code}/financials",
    response_model=Financials,
    summary="Point-in-time fundamentals with PER, PBR, ROE, dividend yield and equity ratio",
)
def get_financials(code: str, reads: Reads) -> Any:
    return reads.financials(code)


async def _peek_overview(request: Request, reads: StockReads) -> Response | None:
    found = await reads.peek(_overviews.record(request, overview_key()), _generation(request))
    return json_answer(request, found) if found else None


@market_router.get(
    "/overview",
    response_model=MarketOverview,
    summary="The latest session: advancers/decliners, average change, sector moves, the benchmark",
)
@answered_from_cache(_peek_overview, early=_overviews.early())
def get_market_overview(request: Request, reads: Reads) -> Any:
    return json_answer(request, reads.overview())
