"""One error hierarchy, rendered by one handler as ``{"error", "detail", "field"}``."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

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


def _body(error: str, detail: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"error": error, "detail": detail, "field": field, **extra}


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(
            _body(exc.error, exc.detail, exc.field), status_code=exc.status_code, headers=exc.headers
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
        return JSONResponse(_body("validation_error", detail, field, errors=issues), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        name = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed"}.get(
            exc.status_code, "http_error"
        )
        return JSONResponse(
            _body(name, str(exc.detail)), status_code=exc.status_code, headers=getattr(exc, "headers", None)
        )

    async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        # Nothing was acknowledged: the unit of work commits before any 2xx is sent, so a write
        # that meets a dead connection is rolled back and the client is told to retry.
        log.warning("database_unavailable", path=request.url.path, error=type(exc).__name__)
        return JSONResponse(
            _body(
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

    @app.exception_handler(DBAPIError)
    async def _dbapi(request: Request, exc: DBAPIError) -> JSONResponse:
        if exc.connection_invalidated:
            return await _database_unavailable(request, exc)
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        rid = _request_id(request)
        log.exception("unhandled_error", request_id=rid, path=request.url.path)
        return JSONResponse(
            _body("internal_error", f"An unexpected error occurred (request id {rid}).", request_id=rid),
            status_code=500,
        )
