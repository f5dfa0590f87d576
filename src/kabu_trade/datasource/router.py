"""The data page (administrators only): which source the syncs use, the J-Quants key, the
yfinance codes, CSV preview and templates. The routes that queue a sync (activate, CSV import) are
in ``jobs/data_source_router.py``: queuing jobs is the jobs layer's, above this one."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Header, Query, Response, UploadFile, status

from kabu_trade.auth.deps import AdminUser
from kabu_trade.core.deps import SessionDep, SettingsDep
from kabu_trade.core.i18n import Lang, as_language, negotiate
from kabu_trade.core.unit_of_work import UnitOfWorkRoute
from kabu_trade.datasource import csv_preview, estimate, repository, service
from kabu_trade.datasource.messages import MESSAGES, Unprocessable
from kabu_trade.datasource.schemas import (
    CsvKind,
    CsvPreview,
    DataSourceState,
    Estimate,
    JQuantsCheck,
    JQuantsCheckResult,
    JQuantsSave,
    YFinanceSave,
)

router = APIRouter(prefix="/data-source", tags=["data source"], route_class=UnitOfWorkRoute)
AcceptLanguage = Annotated[str | None, Header(alias="Accept-Language")]
_REFUSED: dict[int | str, dict[str, Any]] = {
    422: {"description": "J-Quants refused the key (field api_key), or the stored key cannot be read"},
    502: {"description": "J-Quants could not be reached or failed"},
}
UploadedCsv = Annotated[UploadFile, File(description="UTF-8 (BOM ok) or Shift_JIS/cp932 CSV")]
# Typed as a file that may be left out, not as "file or null": a multipart form has no null, and a
# schema saying null would invite clients (and fuzzers) to send the text "null" for it.
OptionalCsv = Annotated[UploadFile, File(description="optional; UTF-8 or Shift_JIS/cp932 CSV")]


def language(accept_language: str | None, account_language: str | None) -> Lang:
    return negotiate(accept_language, as_language(account_language))


@router.get(
    "", response_model=DataSourceState, summary="The data source: what is active, stored and configured"
)
def get_state(session: SessionDep, settings: SettingsDep, admin: AdminUser) -> Any:
    return service.state(session, settings)


@router.post(
    "/jquants/check",
    response_model=JQuantsCheckResult,
    summary="Check a J-Quants API key with one cheap call (the listed issues); nothing is stored",
    responses=_REFUSED,
)
def check_jquants(settings: SettingsDep, admin: AdminUser, body: JQuantsCheck) -> Any:
    listed = service.check_jquants(settings, body.api_key, body.plan)
    return {"ok": True, "plan": body.plan, "listed_stocks": listed}


@router.put(
    "/jquants",
    response_model=DataSourceState,
    summary="Check and store the J-Quants key (encrypted) and plan; a null key re-checks the stored one",
    responses=_REFUSED,
)
def save_jquants(session: SessionDep, settings: SettingsDep, admin: AdminUser, body: JQuantsSave) -> Any:
    service.save_jquants(session, settings, body.api_key, body.plan, admin.id)
    session.flush()
    return service.state(session, settings)


@router.delete("/jquants", status_code=status.HTTP_204_NO_CONTENT, summary="Forget the stored J-Quants key")
def forget_jquants(session: SessionDep, admin: AdminUser) -> Response:
    service.forget_jquants(session, admin.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/estimate",
    response_model=Estimate,
    summary="How many sessions and requests a first sync makes, and about how long it takes",
    responses={422: {"description": "yfinance has no codes, or the stored key cannot be read"}},
)
def get_estimate(
    session: SessionDep,
    settings: SettingsDep,
    admin: AdminUser,
    source: Annotated[Literal["jquants", "yfinance"], Query()],
    plan: Annotated[
        Literal["free", "light", "standard", "premium"] | None,
        Query(description="jquants: the plan to estimate (default: the stored or configured one)"),
    ] = None,
    accept_language: AcceptLanguage = None,
) -> Any:
    lang = language(accept_language, admin.language)
    row = repository.get(session)
    if source == "jquants":
        return estimate.jquants(settings, plan or service.jquants_plan(row, settings), lang)
    codes = service.yfinance_codes(row, settings)
    if not codes:
        raise Unprocessable(MESSAGES["no_codes"], field="source")
    return estimate.yfinance(settings, codes, lang)


@router.put(
    "/yfinance",
    response_model=DataSourceState,
    summary="The stock codes the yfinance source fetches (1 to 500)",
    responses={422: {"description": "codes that are not TSE codes, each named"}},
)
def save_yfinance(session: SessionDep, settings: SettingsDep, admin: AdminUser, body: YFinanceSave) -> Any:
    service.save_yfinance(session, body.codes, admin.id)
    session.flush()
    return service.state(session, settings)


def read_uploads(
    bars: UploadFile, fundamentals: UploadFile | None, stocks: UploadFile | None
) -> list[csv_preview.Upload]:
    """The uploaded files' bytes (the body limit, core/http.py, has already bounded their size)."""
    uploads = []
    for kind, upload in (("bars", bars), ("fundamentals", fundamentals), ("stocks", stocks)):
        if upload is None:
            continue
        upload.file.seek(0)
        uploads.append(csv_preview.Upload(kind, upload.filename or f"{kind}.csv", upload.file.read()))
    return uploads


@router.post(
    "/csv/preview",
    response_model=CsvPreview,
    summary="Read and check CSV files: every problem by file, row and column; nothing is written",
)
def preview_csv(
    admin: AdminUser,
    bars: UploadedCsv,
    fundamentals: OptionalCsv = None,  # type: ignore[assignment]  # left out: None (see OptionalCsv)
    stocks: OptionalCsv = None,  # type: ignore[assignment]
) -> Any:
    return csv_preview.preview(read_uploads(bars, fundamentals, stocks))


# Saved under the names the README and examples/ give them (the bars are "prices").
TEMPLATE_FILE_NAMES = {"bars": "prices.csv", "fundamentals": "fundamentals.csv", "stocks": "stocks.csv"}


@router.get(
    "/csv/templates/{kind}",
    response_class=Response,
    summary="A CSV template: the header row and example rows (UTF-8)",
    responses={200: {"content": {"text/csv": {}}, "description": "the template"}},
)
def csv_template(kind: CsvKind, admin: AdminUser) -> Response:
    return Response(
        csv_preview.template(kind),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{TEMPLATE_FILE_NAMES[kind]}"'},
    )
