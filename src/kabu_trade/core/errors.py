"""One error hierarchy, rendered by one handler as ``{"error", "detail", "field"}``.

:class:`ErrorBody` is that shape as a schema: the OpenAPI document (``core/openapi.py``) names it
for every error status, so it must stay exactly what :func:`error_body` builds.

``detail`` and each ``errors[].message`` are in the request's language (``core/i18n.py``): the
account's saved language when the request is signed in, else ``Accept-Language``, else Japanese.
An ``AppError`` made from a :class:`~kabu_trade.core.i18n.Text` is shown in either language; one
made from a plain string (not translated yet) is shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from kabu_trade.core import validation_i18n
from kabu_trade.core.i18n import Lang, Text, as_language, negotiate

log = structlog.get_logger(__name__)
# How long a client should wait before retrying when the database is away: a restart or a
# fail-over is back within seconds, and pre-ping replaces the dead pooled connections.
DATABASE_RETRY_AFTER_SECONDS = 5


class AppError(Exception):
    status_code = 400
    error = "bad_request"

    def __init__(
        self, detail: str | Text, *, field: str | None = None, headers: dict[str, str] | None = None
    ):
        self.text = detail if isinstance(detail, Text) else None
        # English for logs, the CLI and callers that read ``detail``.
        self.detail = detail.en if isinstance(detail, Text) else detail
        super().__init__(self.detail)
        self.field = field
        self.headers = headers

    def message(self, lang: Lang) -> str:
        return self.text.get(lang) if self.text else self.detail


class InvalidInput(AppError):
    status_code = 400
    error = "invalid_input"


class Unauthorized(AppError):
    status_code = 401
    error = "unauthorized"


class Forbidden(AppError):
    status_code = 403
    error = "forbidden"


class NotFound(AppError):
    status_code = 404
    error = "not_found"


class Conflict(AppError):
    status_code = 409
    error = "conflict"


class TooManyRequests(AppError):
    status_code = 429
    error = "too_many_requests"


class ServiceUnavailable(AppError):
    """The database cannot be reached right now (restarting, fail-over, pool exhausted)."""

    status_code = 503
    error = "service_unavailable"


class SourceError(AppError):
    """An outside data source failed (network, auth, rate limit exhausted, bad payload)."""

    status_code = 502
    error = "source_error"


# Where SecurityHeadersMiddleware (core/http.py) leaves the request's security headers for the
# handler of unexpected errors, which answers from outside every middleware.
SECURITY_HEADERS_STATE = "security_headers"


class ErrorItem(BaseModel):
    field: str = Field(description="dotted path of the offending value, e.g. rules.0.value")
    message: str


class ErrorBody(BaseModel):
    """Every error answer of the API. ``detail`` and ``errors[].message`` are in Japanese or English:
    the signed-in account's language, else ``Accept-Language``, else Japanese."""

    error: str = Field(description="machine-readable kind, e.g. not_found, validation_error")
    detail: str = Field(description="human-readable explanation, in the request's language")
    field: str | None = Field(description="the parameter or body field at fault, when there is one")
    errors: list[ErrorItem] | None = Field(
        default=None, description="422 only: every invalid value, not only the first"
    )
    request_id: str | None = Field(default=None, description="500 only: quote it when reporting the error")


def error_body(error: str, detail: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"error": error, "detail": detail, "field": field, **extra}


def _integrity_detail(exc: IntegrityError) -> tuple[Text, str | None]:
    """Name what collided, as far as the driver tells (PostgreSQL's SQLSTATE / SQLite's text)."""
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    message = str(orig)
    if sqlstate == "23505" or "UNIQUE constraint failed" in message:
        return (
            MESSAGES["duplicate"],
            next((f for f in ("username", "name") if re.search(rf"\b{f}\b", message)), None),
        )
    if sqlstate == "23503" or "FOREIGN KEY constraint failed" in message:
        return MESSAGES["reference_gone"], None
    return MESSAGES["conflict"], None


MESSAGES: dict[str, Text] = {
    "duplicate": Text(
        "Another request just created the same thing (a duplicate name or entry); nothing was "
        "saved. Choose another name, or read the existing one.",
        "同じものが別の操作で先に作成されました（名前や項目の重複）。保存していません。"
        "別の名前にするか、既存のものを開いてください。",
    ),
    "reference_gone": Text(
        "Something this refers to was just deleted by another request; nothing was saved.",
        "参照先が別の操作で削除されました。保存していません。",
    ),
    "conflict": Text(
        "The change conflicts with the stored data; nothing was saved.",
        "保存済みのデータと矛盾するため、保存していません。",
    ),
    "database_unavailable": Text(
        "The database is unavailable at the moment; nothing was changed. Try again shortly.",
        "データベースに接続できません。何も変更していません。しばらくしてからもう一度お試しください。",
    ),
    "nul_character": Text(
        "A value cannot be stored: text may not contain NUL (\\x00) characters.",
        "保存できない値があります: 文字列に NUL 文字（\\x00）は使えません。",
    ),
    "out_of_range": Text(
        "A value is out of the range the database can store.",
        "データベースに保存できる範囲を超えた値があります。",
    ),
    "internal": Text(
        "An unexpected error occurred (request id {rid}).",
        "予期しないエラーが発生しました（リクエストID {rid}）。",
    ),
    "validation": Text("invalid value", "入力内容に誤りがあります。"),
}
# Starlette's own HTTPExceptions (no route, wrong method, …) carry the status phrase as detail.
HTTP_MESSAGES: dict[int, Text] = {
    401: Text("Not authenticated.", "サインインしてください。"),
    403: Text("Forbidden.", "この操作は許可されていません。"),
    404: Text("Not Found", "見つかりません。"),
    405: Text("Method Not Allowed", "このメソッドは使えません。"),
    413: Text("Request body too large.", "リクエストの本文が大きすぎます。"),
}

#: The saved language of the account that signed the request, or None (not signed in, unknown):
#: given by the app (``auth/language.py``), so that core knows nothing of accounts.
AccountLanguage = Callable[[Request], Awaitable[str | None]]
LANGUAGE_STATE = "language"


async def request_language(request: Request, account: AccountLanguage | None = None) -> Lang:
    """The language of this request's messages: the account's, else ``Accept-Language``, else ja."""
    known = getattr(request.state, LANGUAGE_STATE, None)
    if known is not None:
        return as_language(known)
    found = None
    if account is not None:
        try:
            found = await account(request)
        except Exception:  # the message is what matters: never fail an error answer over its language
            log.warning("error_language_unknown", path=request.url.path, exc_info=True)
    lang = as_language(found) if found else negotiate(request.headers.get("accept-language"))
    request.state.language = lang
    return lang


def _answer(
    body: dict[str, Any], status: int, lang: Lang, headers: dict[str, str] | None = None
) -> JSONResponse:
    # Content-Language says which language detail and messages are in (RFC 9110 §8.5).
    return JSONResponse(body, status_code=status, headers={**(headers or {}), "Content-Language": lang})


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this path. Starlette's own 405 lists only the methods of
    the first route whose path matched, although several routes may share a path."""
    allowed = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return allowed


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def install_error_handlers(app: FastAPI, account_language: AccountLanguage | None = None) -> None:
    async def language(request: Request) -> Lang:
        return await request_language(request, account_language)

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        lang = await language(request)
        # An error may list every invalid value (e.g. each bad row of an uploaded file).
        errors = getattr(exc, "errors", None)
        extra = {"errors": errors} if errors else {}
        return _answer(
            error_body(exc.error, exc.message(lang), exc.field, **extra), exc.status_code, lang, exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        lang = await language(request)
        errors = exc.errors()
        issues = []
        detail = MESSAGES["validation"].get(lang)
        for position, error in enumerate(errors):
            path = validation_i18n.field_path(error.get("loc", ()))
            text, names_field = validation_i18n.message(error, lang)
            issues.append({"field": path, "message": text})
            if position == 0:
                detail = text if names_field or not path else f"{path}: {text}"
        field = issues[0]["field"] or None if issues else None
        return _answer(error_body("validation_error", detail, field, errors=issues), 422, lang)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        lang = await language(request)
        name = {
            401: "unauthorized",
            404: "not_found",
            405: "method_not_allowed",
            413: "payload_too_large",
        }.get(exc.status_code, "http_error")
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        detail = str(exc.detail)
        text = getattr(exc, "text", None)
        if isinstance(text, Text):
            detail = text.get(lang)
        elif exc.status_code in HTTP_MESSAGES and detail == HTTPStatus(exc.status_code).phrase:
            detail = HTTP_MESSAGES[exc.status_code].get(lang)
        return _answer(error_body(name, detail), exc.status_code, lang, headers)

    async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        # Nothing was acknowledged: the unit of work commits before any 2xx is sent, so a write
        # that meets a dead connection is rolled back and the client is told to retry.
        log.warning("database_unavailable", path=request.url.path, error=type(exc).__name__)
        # Not the account's language: that would ask the database that just failed.
        lang = await request_language(request)
        return _answer(
            error_body(ServiceUnavailable.error, MESSAGES["database_unavailable"].get(lang)),
            503,
            lang,
            {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError) -> JSONResponse:
        return await _database_unavailable(request, exc)

    @app.exception_handler(PoolTimeout)
    async def _pool_timeout(request: Request, exc: PoolTimeout) -> JSONResponse:
        return await _database_unavailable(request, exc)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        # Two requests raced past the service's own check (e.g. two watchlists of one name created
        # at once): the constraint held and the loser is told so, not given a 500.
        text, field = _integrity_detail(exc)
        log.info("integrity_conflict", path=request.url.path, error=str(exc.orig)[:200])
        lang = await language(request)
        return _answer(error_body(Conflict.error, text.get(lang), field), 409, lang)

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        # A value that passed validation but that the database cannot store: PostgreSQL refuses
        # NUL characters in text, which SQLite and JSON Schema accept. Nothing was written.
        log.info("data_refused", path=request.url.path, error=str(exc.orig)[:200])
        text = MESSAGES["nul_character" if "NUL" in str(exc.orig) else "out_of_range"]
        lang = await language(request)
        return _answer(error_body(InvalidInput.error, text.get(lang)), 400, lang)

    @app.exception_handler(DBAPIError)
    async def _dbapi(request: Request, exc: DBAPIError) -> JSONResponse:
        if exc.connection_invalidated:
            return await _database_unavailable(request, exc)
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        rid = _request_id(request)
        log.exception("unhandled_error", request_id=rid, path=request.url.path)
        headers = dict(getattr(request.state, SECURITY_HEADERS_STATE, None) or ())
        if rid:
            headers["X-Request-ID"] = rid
        # The header's language only: the request may have failed on the database.
        lang = await request_language(request)
        text = MESSAGES["internal"].format(rid=rid)
        return _answer(error_body("internal_error", text.get(lang), request_id=rid), 500, lang, headers)
