"""Body limit, security headers, documentation in production and the documented error bodies."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, MutableMapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from kabu_trade.core.context import AppContext
from kabu_trade.core.http import (
    API_CSP,
    DOCS_CSP,
    WEB_APP_CSP,
    BodyLimitMiddleware,
    came_over_https,
    security_headers,
)
from kabu_trade.main import create_app

LIMIT = 1024 * 1024
SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


def _client(app: Any, base_url: str = "http://test") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)


def _assert_secured(response: httpx.Response, csp: str) -> None:
    for name, value in SECURITY.items():
        assert response.headers[name] == value, name
    assert response.headers["content-security-policy"] == csp
    assert "camera=()" in response.headers["permissions-policy"]
    assert "strict-transport-security" not in response.headers  # plain HTTP


# --- body limit --------------------------------------------------------------------------------


async def test_an_oversized_body_is_refused_before_authentication(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/policies",
        content=b"x" * (LIMIT + 1),
        headers={"content-type": "application/json", "accept-language": "en"},
    )
    assert response.status_code == 413  # not 401: the body limit runs before sign-in is checked
    assert response.json() == {
        "error": "payload_too_large",
        "detail": f"The request body is larger than the limit of {LIMIT:,} bytes.",
        "field": None,
    }
    japanese = await client.post(
        "/api/v1/policies", content=b"x" * (LIMIT + 1), headers={"content-type": "application/json"}
    )
    assert japanese.json()["detail"] == f"リクエストの本文が上限（{LIMIT:,}バイト）を超えています。"
    assert response.headers["connection"] == "close"
    _assert_secured(response, API_CSP)
    # At the limit the body is read as usual: the route answers (here: not signed in).
    at_limit = await client.post("/api/v1/policies", content=b"x" * LIMIT)
    assert at_limit.status_code == 401


async def test_a_declared_length_over_the_limit_is_refused_without_reading_the_body(
    context: AppContext,
) -> None:
    app = create_app(context=context)
    reads = 0

    async def receive() -> dict[str, Any]:
        nonlocal reads
        reads += 1
        return {"type": "http.request", "body": b"{}", "more_body": False}

    sent: list[MutableMapping[str, Any]] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/auth/setup",
        "raw_path": b"/api/v1/auth/setup",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"300000000")],
        "client": ("127.0.0.1", 5000),
        "server": ("test", 80),
    }
    await app(scope, receive, send)
    assert reads == 0
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["error"] == "payload_too_large"


async def test_a_chunked_body_is_counted_and_reading_stops_at_the_limit(client: httpx.AsyncClient) -> None:
    produced = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal produced
        for _ in range(64):  # 64 × 64 KiB = 4 MiB offered, no Content-Length
            produced += 1
            yield b"x" * 65536

    response = await client.post(
        "/api/v1/auth/setup", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    assert produced <= 17  # 16 chunks fill the limit; the 17th passes it and reading stops


async def test_a_path_may_have_its_own_larger_limit() -> None:
    received: list[int] = []

    async def app(scope: Any, receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        received.append(len(body))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    limited = BodyLimitMiddleware(app, max_bytes=10, path_limits={"/upload": 100})
    async with _client(limited) as http:
        assert (await http.post("/upload/csv", content=b"x" * 50)).status_code == 200
        assert (await http.post("/other", content=b"x" * 50)).status_code == 413
        assert (await http.post("/upload/csv", content=b"x" * 101)).status_code == 413
    assert received == [50]


# --- security headers --------------------------------------------------------------------------


async def test_every_answer_carries_the_security_headers(
    context: AppContext, tmp_path: Path, auth_headers: dict[str, str]
) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>kabu-trade</title>")
    settings = context.settings.model_copy(update={"web_dir": tmp_path})
    app = create_app(settings=settings, context=context)

    @app.get("/api/v1/test-boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError("boom")

    async with _client(app) as http:
        _assert_secured(await http.get("/api/v1/health"), API_CSP)
        _assert_secured(await http.get("/api/v1/policies/1", headers=auth_headers), API_CSP)  # 404
        _assert_secured(await http.get("/api/v1/nothing-here"), API_CSP)
        _assert_secured(await http.get("/api/v1/policies"), API_CSP)  # 401
        _assert_secured(await http.get("/"), WEB_APP_CSP)
        _assert_secured(await http.get("/stocks/7203"), WEB_APP_CSP)
        docs = await http.get("/docs")
        assert docs.status_code == 200
        _assert_secured(docs, DOCS_CSP)
    # An unexpected error is answered from outside every middleware: the handler adds them.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        failed = await http.get("/api/v1/test-boom")
        assert failed.status_code == 500
        _assert_secured(failed, API_CSP)
        assert failed.json()["request_id"] == failed.headers["x-request-id"]


async def test_hsts_only_over_https(context: AppContext) -> None:
    async with _client(create_app(context=context), "https://test") as http:
        response = await http.get("/api/v1/health")
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize(
    ("peer", "proto", "trusted", "expected"),
    [
        ("10.0.0.5", "https", ["10.0.0.0/8"], True),
        ("10.0.0.5", "https", [], False),  # no trusted proxy: the header is anyone's word
        ("192.0.2.1", "https", ["10.0.0.0/8"], False),
        ("10.0.0.5", "http", ["10.0.0.0/8"], False),
        ("10.0.0.5", None, ["10.0.0.0/8"], False),
    ],
)
def test_forwarded_proto_is_believed_only_from_a_trusted_proxy(
    peer: str, proto: str | None, trusted: list[str], expected: bool
) -> None:
    headers = [(b"x-forwarded-proto", proto.encode())] if proto else []
    scope = {"scheme": "http", "client": (peer, 1234), "headers": headers, "path": "/"}
    assert came_over_https(scope, trusted) is expected
    assert (
        any(name == "Strict-Transport-Security" for name, _ in security_headers(scope, trusted)) is expected
    )


def test_the_web_app_policy_allows_only_its_own_scripts() -> None:
    directives = dict(d.strip().split(" ", 1) for d in WEB_APP_CSP.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


# --- documentation in production ---------------------------------------------------------------


async def test_docs_and_openapi_are_off_in_production(
    context_factory: Callable[..., AppContext], tmp_path: Path
) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>kabu-trade</title>")
    production = context_factory("sqlite", env="production", web_dir=tmp_path)
    async with _client(create_app(context=production)) as http:
        for path in ("/docs", "/redoc", "/api/v1/openapi.json", "/docs/oauth2-redirect"):
            response = await http.get(path)
            assert response.status_code == 404, path
            assert response.json()["error"] == "not_found"
        assert (await http.get("/")).status_code == 200  # the web app itself is still served


async def test_docs_are_on_in_development(client: httpx.AsyncClient) -> None:
    assert (await client.get("/docs")).status_code == 200
    assert (await client.get("/redoc")).status_code == 200
    assert (await client.get("/api/v1/openapi.json")).status_code == 200


# --- the documented error body -----------------------------------------------------------------


async def test_the_openapi_document_names_the_error_body_actually_sent(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    schema = (await client.get("/api/v1/openapi.json")).json()
    components = schema["components"]["schemas"]
    assert "HTTPValidationError" not in components
    error = components["ErrorBody"]
    assert set(error["required"]) == {"error", "detail", "field"}
    assert set(error["properties"]) == {"error", "detail", "field", "errors", "request_id"}

    operation = schema["paths"]["/api/v1/policies/{policy_id}"]["put"]
    ref = {"$ref": "#/components/schemas/ErrorBody"}
    for status in ("400", "401", "404", "409", "413", "422", "429"):
        assert operation["responses"][status]["content"]["application/json"]["schema"] == ref, status
    assert "403" not in operation["responses"]  # not an administrators-only operation
    assert "403" in schema["paths"]["/api/v1/users"]["post"]["responses"]
    assert "401" in schema["paths"]["/api/v1/auth/token"]["post"]["responses"]

    invalid = await client.get("/api/v1/policies?limit=0", headers=auth_headers)
    assert invalid.status_code == 422
    body = invalid.json()
    assert set(body) <= set(error["properties"]) and set(error["required"]) <= set(body)
    assert body["errors"][0]["field"] == "limit"
