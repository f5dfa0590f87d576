"""Error answers in the user's language: the account's saved language when signed in, else
Accept-Language, else Japanese — validation (422) field by field, and auth errors."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute, iter_route_contexts

from kabu_trade.auth import service
from kabu_trade.core import validation_i18n
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.core.i18n import negotiate
from kabu_trade.main import create_app
from tests.conftest import TEST_PASSWORD, create_user_in, sign_in

SETUP = "/api/v1/auth/setup"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
EN = {"Accept-Language": "en-US,en;q=0.9"}
JA = {"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.5"}


def _setup_token(context: AppContext) -> str:
    with session_scope(context.sessions) as session:
        token = service.issue_setup_token(session)
    assert token
    return token


async def _setup(
    client: httpx.AsyncClient, context: AppContext, headers: dict[str, str] | None = None, **body: Any
) -> dict[str, Any]:
    payload = {"setup_token": _setup_token(context), "username": "owner", "password": "sturdy walnut ferry 7"}
    response = await client.post(SETUP, json={**payload, **body}, headers=headers or {})
    assert response.status_code == 422, response.text
    assert response.headers["content-language"] == ("en" if headers is EN else "ja")
    result: dict[str, Any] = response.json()
    return result


def test_accept_language_is_negotiated_with_japanese_as_the_default() -> None:
    assert negotiate(None) == "ja"
    assert negotiate("") == "ja"
    assert negotiate("fr-FR,fr;q=0.9") == "ja"
    assert negotiate("en-US,en;q=0.9,ja;q=0.8") == "en"
    assert negotiate("fr, ja;q=0.5, en;q=0.7") == "en"
    assert negotiate("en;q=0, *") == "ja"
    assert negotiate("ja;q=0, en") == "en"
    assert negotiate("en;q=abc, ja;q=0.1") == "ja"


async def test_setup_password_rules_read_in_japanese_by_default(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    short = await _setup(client, context, password="short")
    assert short["field"] == "password"
    assert short["detail"] == "パスワードは10文字以上で入力してください。"
    assert short["errors"] == [{"field": "password", "message": short["detail"]}]

    common = await _setup(client, context, password="password1234")
    assert common["field"] == "password"
    assert common["detail"].startswith("このパスワードは推測されやすすぎます。")
    assert "非常によく使われているパスワードです。" in common["detail"]
    assert not re.search("[A-Za-z]{4,}", common["detail"]), common["detail"]

    as_name = await _setup(client, context, username="hanako-yamada", password="hanako-yamada")
    assert "ユーザー名をそのまま、または一部に使わないでください。" in as_name["detail"]

    name = await _setup(client, context, username="山田 花子")
    assert name["field"] == "username"
    assert name["detail"].startswith("ユーザー名は3〜64文字の半角英数字")

    missing = await client.post(SETUP, json={"username": "owner"})
    body = missing.json()
    assert missing.status_code == 422
    assert {e["field"]: e["message"] for e in body["errors"]} == {
        "setup_token": "セットアップトークンを入力してください。",
        "password": "パスワードを入力してください。",
    }


async def test_setup_password_rules_in_english_when_asked(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    short = await _setup(client, context, EN, password="short")
    assert short["detail"] == "password: String should have at least 10 characters"
    common = await _setup(client, context, EN, password="password1234")
    assert common["detail"].startswith("password: This password is too easy to guess.")
    as_name = await _setup(client, context, EN, username="hanako-yamada", password="hanako-yamada")
    assert "user name" in as_name["detail"]
    assert not any(JAPANESE.search(e["message"]) for e in as_name["errors"])


async def test_common_pydantic_errors_name_the_field_in_japanese(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    broken = await client.post(
        SETUP, content=b'{"setup_token": ', headers={"Content-Type": "application/json", **JA}
    )
    assert broken.status_code == 422
    assert broken.json()["detail"].startswith("リクエストの本文がJSONとして読めません")

    typed = await client.post(SETUP, json={"setup_token": 12345678, "username": ["x"], "password": None})
    messages = {e["field"]: e["message"] for e in typed.json()["errors"]}
    assert messages == {
        "setup_token": "セットアップトークンは文字列で入力してください。",
        "username": "ユーザー名は文字列で入力してください。",
        "password": "パスワードは文字列で入力してください。",
    }


async def test_auth_errors_follow_the_header_when_not_signed_in(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    unsigned = await client.get("/api/v1/users/me")
    assert unsigned.status_code == 401 and unsigned.json()["detail"] == "先にサインインしてください。"
    unsigned_en = await client.get("/api/v1/users/me", headers=EN)
    assert unsigned_en.json()["detail"] == "Sign in first: this endpoint needs a bearer token."

    create_user_in(context, "investor")
    wrong = {"username": "investor", "password": "not-the-password"}
    ja = await client.post("/api/v1/auth/token", data=wrong)
    assert ja.status_code == 401 and ja.json()["detail"] == "ユーザー名またはパスワードが違います。"
    en = await client.post("/api/v1/auth/token", data=wrong, headers=EN)
    assert en.json()["detail"] == "Incorrect username or password."

    forged = await client.get("/api/v1/users/me", headers={"Authorization": "Bearer not.a.token", **EN})
    assert forged.status_code == 401 and forged.json()["detail"].startswith("The token is invalid")

    setup_done = await client.post(
        SETUP,
        json={"setup_token": "whatever-token", "username": "owner", "password": "sturdy walnut ferry 7"},
    )
    assert setup_done.status_code == 409 and setup_done.json()["detail"].startswith(
        "初期設定は完了しています"
    )

    nowhere = await client.get("/api/v1/nowhere", headers=EN)
    assert nowhere.status_code == 404 and nowhere.json()["detail"] == "Not Found"
    assert (await client.get("/api/v1/nowhere")).json()["detail"] == "見つかりません。"


async def test_the_account_language_wins_over_the_header(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    create_user_in(context, "investor")
    headers = await sign_in(client, "investor")
    # Saved as English, asked in Japanese: English.
    changed = await client.patch("/api/v1/users/me", json={"language": "en"}, headers=headers)
    assert changed.status_code == 200
    short = await client.patch("/api/v1/users/me", json={"new_password": "short"}, headers={**headers, **JA})
    assert short.status_code == 422
    assert short.headers["content-language"] == "en"
    assert short.json()["detail"] == "new_password: String should have at least 10 characters"
    admin_only = await client.get("/api/v1/users/nobody", headers={**headers, **JA})
    listing = await client.post(
        "/api/v1/users", json={"username": "other", "password": TEST_PASSWORD}, headers={**headers, **JA}
    )
    assert listing.status_code == 403 and listing.json()["detail"] == "Only an administrator may do this."
    assert admin_only.status_code in (404, 405)

    # Saved as Japanese, asked in English: Japanese (a cached read included).
    await client.patch("/api/v1/users/me", json={"language": "ja"}, headers=headers)
    wrong = await client.patch(
        "/api/v1/users/me",
        json={"current_password": "not-it-at-all", "new_password": "sturdy walnut ferry 8"},
        headers={**headers, **EN},
    )
    assert wrong.status_code == 400 and wrong.json()["detail"] == "現在のパスワードが違います。"
    bad_query = await client.get("/api/v1/stocks", params={"limit": "many"}, headers={**headers, **EN})
    assert bad_query.status_code == 422
    assert bad_query.json()["errors"][0]["message"] == "件数は整数で入力してください。"


# --- every error type pydantic can raise -------------------------------------------------------

# A value for every context key pydantic's error types use, so that every template can be filled.
CONTEXT = {
    "gt": 0, "ge": 1, "lt": 10, "le": 9, "multiple_of": 5, "min_length": 3, "max_length": 64,
    "actual_length": 70, "pattern": "^x$", "expected": "'ja' or 'en'", "error": "EOF",
    "discriminator": "'type'",
    "tag": "between", "expected_tags": "'compare', 'range'", "max_digits": 8, "decimal_places": 2,
    "whole_digits": 6, "expected_schemes": "'http' or 'https'", "expected_version": 4, "tz_expected": 32400,
    "class_name": "Policy", "attribute": "x", "input_type": "str", "allowed": 1, "context": "x",
    "schema_type": "x", "class": "x", "unexpected": "x", "expected_type": "x",
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(validation_i18n.PYDANTIC_TYPES))
def test_every_pydantic_error_type_has_a_japanese_message_naming_the_field(kind: str) -> None:
    error = {"type": kind, "loc": ("query", "limit"), "msg": "Input should be valid", "ctx": CONTEXT}
    text = validation_i18n.japanese_message(error)
    assert text is not None and JAPANESE.search(text), text
    # The field is named, except where the error is about the whole body (not JSON at all).
    assert "件数" in text or kind in ("json_invalid", "json_type"), text
    assert not re.search(r"\{[a-z_]*\}", text), text


def _error_types(schema: Any) -> set[str]:
    """The error types a core schema can raise (its node types and their constraints)."""
    found: set[str] = set()
    if isinstance(schema, list):
        for item in schema:
            found |= _error_types(item)
        return found
    if not isinstance(schema, dict):
        return found
    kind = schema.get("type")
    bounds = {"gt": "greater_than", "ge": "greater_than_equal", "lt": "less_than", "le": "less_than_equal"}
    by_kind = {
        "str": {"string_type"},
        "int": {"int_type", "int_parsing", "int_from_float"},
        "float": {"float_type", "float_parsing"},
        "bool": {"bool_type", "bool_parsing"},
        "date": {"date_type", "date_parsing", "date_from_datetime_inexact"},
        "datetime": {"datetime_type", "datetime_parsing"},
        "literal": {"literal_error"},
        "enum": {"enum"},
        "list": {"list_type"},
        "dict": {"dict_type"},
        "model-fields": {"model_type", "missing"},
        "typed-dict": {"dict_type", "missing"},
        "tagged-union": {"union_tag_invalid", "union_tag_not_found"},
    }
    if isinstance(kind, str):
        found |= by_kind.get(kind, set())
        for key, name in bounds.items():
            if key in schema:
                found.add(name)
        if "multiple_of" in schema:
            found.add("multiple_of")
        if kind == "str":
            found |= {n for k, n in (("min_length", "string_too_short"), ("max_length", "string_too_long"),
                                     ("pattern", "string_pattern_mismatch")) if k in schema}  # fmt: skip
        if kind in ("list", "dict", "set", "tuple"):
            found |= {n for k, n in (("min_length", "too_short"), ("max_length", "too_long")) if k in schema}
        if (
            schema.get("extra_behavior") == "forbid"
            or schema.get("config", {}).get("extra_fields_behavior") == "forbid"
        ):
            found.add("extra_forbidden")
    for value in schema.values():
        if isinstance(value, dict | list):
            found |= _error_types(value)
    return found


def test_every_error_our_requests_can_raise_has_its_own_japanese_text(context: AppContext) -> None:
    app = create_app(context=context)
    raised = {"json_invalid", "missing"}
    # Routes of included routers sit in FastAPI's include contexts.
    for route_context in iter_route_contexts(app.routes):
        route = route_context.original_route
        if not isinstance(route, APIRoute):
            continue
        fields = [*get_flat_params(route.dependant), *([route.body_field] if route.body_field else [])]
        for field in fields:
            raised |= _error_types(field._type_adapter.core_schema)
    assert {"string_too_short", "literal_error", "greater_than_equal", "int_parsing"} <= raised
    generic = sorted(kind for kind in raised if kind not in validation_i18n.JA)
    assert not generic, f"error types our requests can raise without a Japanese text: {generic}"


async def test_a_query_date_written_otherwise_is_refused_in_japanese(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    create_user_in(context, "investor")
    headers = await sign_in(client, "investor")
    response = await client.get("/api/v1/evaluations", params={"from": "0"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "from", "message": "開始日は日付（YYYY-MM-DD、例: 2024-06-28）で入力してください。"}
    ]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "お使いのアカウントの利用回数の上限（1時間に3回）に達しました。"),
        ("en", "Rate limit for your account"),
    ],
)
def test_rate_limit_refusals_follow_accept_language(header: str | None, expected: str) -> None:
    import json
    import time

    from limits import parse

    from kabu_trade.core.ratelimit import Refusal, _too_many_requests

    refusal = Refusal("user", parse("3/hour"), time.time() + 60)
    scope_headers = [(b"accept-language", header.encode())] if header else []
    start, body = _too_many_requests(refusal, {"type": "http", "headers": scope_headers})
    detail = json.loads(body["body"])["detail"]
    assert detail.startswith(expected), detail
    assert (b"content-language", b"ja" if header is None else b"en") in start["headers"]


def test_the_openapi_document_says_error_messages_carry_their_language(context: AppContext) -> None:
    schema = create_app(context=context).openapi()
    errors = [
        response
        for operations in schema["paths"].values()
        for operation in operations.values()
        for status, response in operation["responses"].items()
        if status.startswith(("4", "5"))
    ]
    assert errors
    assert all(r["headers"]["Content-Language"]["schema"]["enum"] == ["ja", "en"] for r in errors)
