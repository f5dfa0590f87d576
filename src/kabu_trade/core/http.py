"""HTTP hardening as pure ASGI middleware: a request body limit and the security headers.

Both run outside routing, so they hold before authentication and for every answer, the web app's
files and the 404s included. Pure ASGI (not ``BaseHTTPMiddleware``) so that a body is never
buffered by the middleware itself and a too-large one is refused before it is read.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kabu_trade.core.errors import SECURITY_HEADERS_STATE, error_body
from kabu_trade.core.i18n import Text, negotiate
from kabu_trade.core.net import trusted_networks

# --- request body limit ----------------------------------------------------------------------


class BodyTooLarge(StarletteHTTPException):
    """Raised from ``receive`` when a streamed (chunked) body passes the limit.

    An HTTPException on purpose: FastAPI re-raises HTTPExceptions met while reading a body
    (anything else becomes a 400 "error parsing the body"), so the app's handler renders the 413.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large_detail(limit).en, headers={"Connection": "close"})
        self.limit = limit
        self.text = _too_large_detail(limit)  # rendered in the request's language (core/errors.py)


def _too_large_detail(limit: int) -> Text:
    return Text(
        f"The request body is larger than the limit of {limit:,} bytes.",
        f"リクエストの本文が上限（{limit:,}バイト）を超えています。",
    )


def _header(scope: Mapping[str, Any], name: bytes) -> bytes | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return bytes(value)
    return None


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with 413.

    A declared ``Content-Length`` over the limit is answered at once, before the app runs (so before
    authentication) and without reading the body; ``Connection: close`` makes the server drop the
    rest instead of draining it. A chunked body has no length: its chunks are counted as the app
    reads them and reading stops at the first byte over the limit.

    ``path_limits`` maps a path prefix to its own limit (the longest prefix wins): the hook for
    uploads that need more than the default, e.g. a CSV import route.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, path_limits: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.path_limits = sorted((path_limits or {}).items(), key=lambda item: len(item[0]), reverse=True)

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.path_limits:
            if path.startswith(prefix):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _header(scope, b"content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            await _send_too_large(scope, send, limit)
            return

        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            # Normally rendered by the app's handler; this covers a body read outside a route.
            if started:
                raise
            await _send_too_large(scope, send, limit)


async def _send_too_large(scope: Scope, send: Send, limit: int) -> None:
    accept = _header(scope, b"accept-language")
    lang = negotiate(accept.decode("latin-1") if accept else None)
    detail = _too_large_detail(limit).get(lang)
    body = json.dumps(error_body("payload_too_large", detail), ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                (b"content-language", lang.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# --- security headers ------------------------------------------------------------------------

# The built web app (checked against frontend/dist): scripts and styles come from its own origin
# (config.js included, no inline script); lightweight-charts adds one <style> element at run time,
# so styles need 'unsafe-inline'; no fonts, frames or data: URIs beyond images. API calls go to
# the same origin when the API serves the app (static hosting sends its own headers).
WEB_APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# JSON needs nothing at all: a response opened as a document can run and load nothing.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# FastAPI's /docs and /redoc pages load Swagger UI / ReDoc from the jsDelivr CDN (and ReDoc its
# fonts from Google Fonts), start them with an inline script and show a favicon from
# fastapi.tiangolo.com: relaxed only on those pages, which are off in production. (Without
# internet access the pages stay blank whatever the policy.)
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src 'self' https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com "
    "https://cdn.redoc.ly; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
HSTS = "max-age=31536000; includeSubDomains"

COMMON_HEADERS: tuple[tuple[str, str], ...] = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def came_over_https(scope: Mapping[str, Any], trusted_proxies: Iterable[str]) -> bool:
    """Whether the client reached us over TLS: directly, or through a trusted proxy that says so.

    ``X-Forwarded-Proto`` is believed only from a peer in ``KABU_TRUSTED_PROXIES``: an HSTS header
    sent over plain HTTP is ignored by browsers anyway, but an untrusted header decides nothing.
    """
    if scope.get("scheme") == "https":
        return True
    proto = _header(scope, b"x-forwarded-proto")
    if proto is None or proto.split(b",")[0].strip().lower() != b"https":
        return False
    client = scope.get("client")
    networks = trusted_networks(tuple(trusted_proxies))
    if not client or not networks:
        return False
    try:
        peer = ipaddress.ip_address(str(client[0]))
    except ValueError:
        return False
    return any(peer in network for network in networks)


def security_headers(scope: Mapping[str, Any], trusted_proxies: Iterable[str] = ()) -> list[tuple[str, str]]:
    path = str(scope.get("path", ""))
    if path.startswith("/api/"):
        csp = API_CSP
    elif any(path == p or path.startswith(p + "/") for p in DOCS_PATHS):
        csp = DOCS_CSP
    else:
        csp = WEB_APP_CSP
    headers = [("Content-Security-Policy", csp), *COMMON_HEADERS]
    if came_over_https(scope, trusted_proxies):
        headers.append(("Strict-Transport-Security", HSTS))
    return headers


class SecurityHeadersMiddleware:
    """Add the security headers to every response that does not set its own.

    The headers are also left in the request state: the handler of unexpected errors answers from
    outside all middleware (Starlette's ServerErrorMiddleware) and adds them from there.
    """

    def __init__(self, app: ASGIApp, trusted_proxies: Iterable[str] = ()) -> None:
        self.app = app
        self.trusted_proxies = tuple(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = security_headers(scope, self.trusted_proxies)
        scope.setdefault("state", {})[SECURITY_HEADERS_STATE] = headers
        encoded = [(name.lower().encode(), value.encode()) for name, value in headers]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", ())}
                message["headers"] = [
                    *message.get("headers", ()),
                    *((n, v) for n, v in encoded if n not in present),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --- API documentation -----------------------------------------------------------------------


def close_docs(app: FastAPI, paths: Iterable[str]) -> None:
    """Answer 404 on the documentation paths (production), before the web app's catch-all would
    answer them with its index page."""

    async def not_found() -> JSONResponse:
        return JSONResponse(error_body("not_found", "Not Found"), status_code=404)

    for path in paths:
        for route in (path, f"{path}/{{rest:path}}"):  # /docs/oauth2-redirect too
            app.add_api_route(route, not_found, include_in_schema=False, methods=["GET", "HEAD"])
