from __future__ import annotations

import httpx
import pytest

from kabu_trade.auth import service
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from tests.conftest import TEST_PASSWORD, create_user_in, sign_in


async def test_sign_in_returns_a_bearer_token_that_opens_protected_routes(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    create_user_in(context, "hanako")
    response = await client.post("/api/v1/auth/token", data={"username": "hanako", "password": TEST_PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["access_token"]
    me = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json()["username"] == "hanako"


async def test_password_is_stored_as_argon2id(context: AppContext) -> None:
    create_user_in(context, "taro")
    with session_scope(context.sessions) as session:
        from kabu_trade.auth.repository import get_user_by_name

        user = get_user_by_name(session, "taro")
        assert user is not None and user.password_hash.startswith("$argon2id$")
        assert TEST_PASSWORD not in user.password_hash


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "Basic abc"])
async def test_bad_tokens_get_401(client: httpx.AsyncClient, header: str) -> None:
    response = await client.get("/api/v1/users/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"


async def test_wrong_password_is_401_and_repeated_failures_are_throttled_per_account(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    create_user_in(context, "jiro")
    for _ in range(context.settings.login_max_failures):
        bad = await client.post("/api/v1/auth/token", data={"username": "jiro", "password": "wrong-password"})
        assert bad.status_code == 401
    # Even the right password is refused while the account is throttled.
    blocked = await client.post("/api/v1/auth/token", data={"username": "jiro", "password": TEST_PASSWORD})
    assert blocked.status_code == 429
    assert "アカウント" in blocked.json()["detail"]  # Japanese by default
    assert int(blocked.headers["retry-after"]) > 0


async def test_unknown_user_and_wrong_password_look_the_same(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    create_user_in(context, "shiro")
    unknown = await client.post("/api/v1/auth/token", data={"username": "nobody", "password": "x" * 10})
    wrong = await client.post("/api/v1/auth/token", data={"username": "shiro", "password": "x" * 10})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()


async def test_first_account_setup_with_the_one_time_token(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    assert (await client.get("/api/v1/auth/setup")).json() == {"needed": True}
    with session_scope(context.sessions) as session:
        token = service.issue_setup_token(session)
    assert token
    wrong = await client.post(
        "/api/v1/auth/setup",
        json={"setup_token": "not-the-token", "username": "owner", "password": "owner-of-the-kabu-box"},
    )
    assert wrong.status_code == 403 and wrong.json()["field"] == "setup_token"
    made = await client.post(
        "/api/v1/auth/setup",
        json={"setup_token": token, "username": "owner", "password": "owner-of-the-kabu-box"},
    )
    assert made.status_code == 201
    me = await client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {made.json()['access_token']}"}
    )
    assert me.json()["is_admin"] is True
    # The token is single-use and setup is over once an account exists.
    again = await client.post(
        "/api/v1/auth/setup",
        json={"setup_token": token, "username": "intruder", "password": "owner-of-the-kabu-box"},
    )
    assert again.status_code == 409
    assert (await client.get("/api/v1/auth/setup")).json() == {"needed": False}


async def test_no_setup_token_once_an_account_exists(context: AppContext) -> None:
    create_user_in(context, "first")
    with session_scope(context.sessions) as session:
        assert service.issue_setup_token(session) is None


async def test_only_admins_create_users_and_duplicates_conflict(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    create_user_in(context, "admin", admin=True)
    create_user_in(context, "plain")
    plain = await sign_in(client, "plain")
    admin = await sign_in(client, "admin")
    body = {"username": "newbie", "password": "a-long-password"}  # zxcvbn score 3: strong enough
    assert (await client.post("/api/v1/users", json=body, headers=plain)).status_code == 403
    assert (await client.post("/api/v1/users", json=body, headers=admin)).status_code == 201
    dup = await client.post("/api/v1/users", json=body, headers=admin)
    assert dup.status_code == 409 and dup.json()["field"] == "username"
    short = await client.post("/api/v1/users", json={"username": "x", "password": "short"}, headers=admin)
    assert short.status_code == 422 and short.json()["field"] in {"username", "password"}


async def test_change_language_and_password(client: httpx.AsyncClient, auth_headers: dict[str, str]) -> None:
    response = await client.patch("/api/v1/users/me", json={"language": "en"}, headers=auth_headers)
    assert response.status_code == 200 and response.json()["language"] == "en"
    wrong = await client.patch(
        "/api/v1/users/me",
        json={"current_password": "nope", "new_password": "new larch meadow 42"},
        headers=auth_headers,
    )
    assert wrong.status_code == 400 and wrong.json()["field"] == "current_password"
    ok = await client.patch(
        "/api/v1/users/me",
        json={"current_password": TEST_PASSWORD, "new_password": "new larch meadow 42"},
        headers=auth_headers,
    )
    assert ok.status_code == 200
    login = await client.post(
        "/api/v1/auth/token", data={"username": "investor", "password": "new larch meadow 42"}
    )
    assert login.status_code == 200
