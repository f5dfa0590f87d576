"""One error hierarchy, rendered by one handler as ``{"error", "detail", "field"}``.

:class:`ErrorBody` is that shape as a schema: the OpenAPI document (``core/openapi.py``) names it
for every error status, so it must stay exactly what :func:`error_body` builds.
"""

from __future__ import annotations

import re
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

log = structlog.get_logger(__name__)
# How long a client should wait before retrying when the database is away: a restart or a
# fail-over is back within seconds, and pre-ping replaces the dead pooled connections.
DATABASE_RETRY_AFTER_SECONDS = 5


class AppError(Exception):
    status_code = 400
    error = "bad_request"

    def __init__(self, detail: str, *, field: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.headers = headers


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
    """Every error answer of the API."""

    error: str = Field(description="machine-readable kind, e.g. not_found, validation_error")
    detail: str = Field(description="human-readable explanation")
    field: str | None = Field(description="the parameter or body field at fault, when there is one")
    errors: list[ErrorItem] | None = Field(
        default=None, description="422 only: every invalid value, not only the first"
    )
    request_id: str | None = Field(default=None, description="500 only: quote it when reporting the error")


def error_body(error: str, detail: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"error": error, "detail": detail, "field": field, **extra}


def _integrity_detail(exc: IntegrityError) -> tuple[str, str | None]:
    """Name what collided, as far as the driver tells (PostgreSQL's SQLSTATE / SQLite's text)."""
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    message = str(orig)
    if sqlstate == "23505" or "UNIQUE constraint failed" in message:
        return (
            "Another request just created the same thing (a duplicate name or entry); nothing was "
            "saved. Choose another name, or read the existing one.",
            next((f for f in ("username", "name") if re.search(rf"\b{f}\b", message)), None),
        )
    if sqlstate == "23503" or "FOREIGN KEY constraint failed" in message:
        return "Something this refers to was just deleted by another request; nothing was saved.", None
    return "The change conflicts with the stored data; nothing was saved.", None


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


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(
            error_body(exc.error, exc.detail, exc.field), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        loc = [str(p) for p in first.get("loc", ())]
        field = ".".join(loc[1:]) if len(loc) > 1 else (loc[0] if loc else None)
        detail = f"{field}: {first.get('msg', 'invalid value')}" if field else str(first.get("msg"))
        issues = [
            {"field": ".".join(str(p) for p in e.get("loc", ())[1:]), "message": e.get("msg")} for e in errors
        ]
        return JSONResponse(error_body("validation_error", detail, field, errors=issues), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        name = {
            401: "unauthorized",
            404: "not_found",
            405: "method_not_allowed",
            413: "payload_too_large",
        }.get(exc.status_code, "http_error")
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return JSONResponse(error_body(name, str(exc.detail)), status_code=exc.status_code, headers=headers)

    async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        # Nothing was acknowledged: the unit of work commits before any 2xx is sent, so a write
        # that meets a dead connection is rolled back and the client is told to retry.
        log.warning("database_unavailable", path=request.url.path, error=type(exc).__name__)
        return JSONResponse(
            error_body(
                ServiceUnavailable.error,
                "The database is unavailable at the moment; nothing was changed. Try again shortly.",
            ),
            status_code=503,
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
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
        detail, field = _integrity_detail(exc)
        log.info("integrity_conflict", path=request.url.path, error=str(exc.orig)[:200])
        return JSONResponse(error_body(Conflict.error, detail, field), status_code=409)

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        # A value that passed validation but that the database cannot store: PostgreSQL refuses
        # NUL characters in text, which SQLite and JSON Schema accept. Nothing was written.
        log.info("data_refused", path=request.url.path, error=str(exc.orig)[:200])
        detail = (
            "A value cannot be stored: text may not contain NUL (\\x00) characters."
            if "NUL" in str(exc.orig)
            else "A value is out of the range the database can store."
        )
        return JSONResponse(error_body(InvalidInput.error, detail), status_code=400)

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
        return JSONResponse(
            error_body("internal_error", f"An unexpected error occurred (request id {rid}).", request_id=rid),
            status_code=500,
            headers=headers,
        )
