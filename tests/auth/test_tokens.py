"""Short access tokens, rotating refresh tokens, token versions (password change, sign out everywhere)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import sqlalchemy as sa

from kabu_trade.auth.models import RefreshToken
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from tests.auth.helpers import bearer, post_sign_in
from tests.conftest import TEST_PASSWORD, create_user_in

REFRESH_URL = "/api/v1/auth/refresh"


async def _tokens(client: httpx.AsyncClient, context: AppContext, name: str = "investor") -> dict[str, str]:
    create_user_in(context, name)
    response = await post_sign_in(client, name)
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


async def _me(client: httpx.AsyncClient, access_token: str) -> int:
    return (await client.get("/api/v1/users/me", headers=bearer(access_token))).status_code


async def test_sign_in_answers_a_short_access_token_and_a_refresh_token(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    body = await _tokens(client, context)
    assert set(body) == {"access_token", "token_type", "expires_at", "refresh_token", "refresh_expires_at"}
    assert body["token_type"] == "bearer"
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["ver"] == 0 and claims["typ"] == "access"
    assert claims["exp"] - claims["iat"] == context.settings.access_token_minutes * 60 == 15 * 60
    refresh_expires = datetime.fromisoformat(body["refresh_expires_at"])
    assert timedelta(days=13) < refresh_expires - datetime.now(UTC) <= timedelta(days=14)
    # Only the hash is stored.
    with session_scope(context.sessions) as session:
        stored = session.scalars(sa.select(RefreshToken.token_hash)).all()
    assert len(stored) == 1 and body["refresh_token"] not in stored


async def test_refresh_rotates_and_a_reused_token_revokes_its_family(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    first = await _tokens(client, context)
    rotated = await client.post(REFRESH_URL, json={"refresh_token": first["refresh_token"]})
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert await _me(client, second["access_token"]) == 200
    # The first refresh token comes back (a thief or a stale copy): refused, and the chain with it.
    reused = await client.post(REFRESH_URL, json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401 and reused.headers["www-authenticate"] == "Bearer"
    again = await client.post(REFRESH_URL, json={"refresh_token": second["refresh_token"]})
    assert again.status_code == 401


async def test_revoking_one_family_leaves_other_sign_ins_alone(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    laptop = await _tokens(client, context)
    phone = (await post_sign_in(client, "investor")).json()
    await client.post(REFRESH_URL, json={"refresh_token": laptop["refresh_token"]})
    await client.post(REFRESH_URL, json={"refresh_token": laptop["refresh_token"]})  # reuse: revoke
    assert (await client.post(REFRESH_URL, json={"refresh_token": phone["refresh_token"]})).status_code == 200


async def test_parallel_refreshes_with_one_token_rotate_it_once(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    body = await _tokens(client, context)
    answers = await asyncio.gather(
        *(client.post(REFRESH_URL, json={"refresh_token": body["refresh_token"]}) for _ in range(8))
    )
    assert sorted(a.status_code for a in answers) == [200] + [401] * 7


async def test_unknown_expired_and_empty_refresh_tokens_are_refused(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    body = await _tokens(client, context)
    assert (await client.post(REFRESH_URL, json={"refresh_token": "not-a-token"})).status_code == 401
    with session_scope(context.sessions) as session:
        session.execute(sa.update(RefreshToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert (await client.post(REFRESH_URL, json={"refresh_token": body["refresh_token"]})).status_code == 401
    empty = await client.post(REFRESH_URL, json={"refresh_token": ""})
    assert empty.status_code == 422 and empty.json()["field"] == "refresh_token"
    # An access token is not a refresh token, and a refresh token is not an access token.
    assert (
        await client.post(REFRESH_URL, json={"refresh_token": body["access_token"][:200]})
    ).status_code == 401
    assert await _me(client, body["refresh_token"]) == 401


async def test_sign_out_everywhere_ends_every_token(client: httpx.AsyncClient, context: AppContext) -> None:
    laptop = await _tokens(client, context)
    phone = (await post_sign_in(client, "investor")).json()
    assert (await client.post("/api/v1/auth/logout-all")).status_code == 401  # needs a token
    out = await client.post("/api/v1/auth/logout-all", headers=bearer(phone["access_token"]))
    assert out.status_code == 204
    for tokens in (laptop, phone):
        assert await _me(client, tokens["access_token"]) == 401
        assert (
            await client.post(REFRESH_URL, json={"refresh_token": tokens["refresh_token"]})
        ).status_code == 401
    fresh = (await post_sign_in(client, "investor")).json()
    assert jwt.decode(fresh["access_token"], options={"verify_signature": False})["ver"] == 1
    assert await _me(client, fresh["access_token"]) == 200


async def test_a_password_change_ends_earlier_tokens(client: httpx.AsyncClient, context: AppContext) -> None:
    stolen = await _tokens(client, context)
    mine = (await post_sign_in(client, "investor")).json()
    changed = await client.patch(
        "/api/v1/users/me",
        json={"current_password": TEST_PASSWORD, "new_password": "sturdy walnut ferry 7"},
        headers=bearer(mine["access_token"]),
    )
    assert changed.status_code == 200
    for tokens in (stolen, mine):
        assert await _me(client, tokens["access_token"]) == 401
        assert (
            await client.post(REFRESH_URL, json={"refresh_token": tokens["refresh_token"]})
        ).status_code == 401
    after = await post_sign_in(client, "investor", "sturdy walnut ferry 7")
    assert after.status_code == 200 and await _me(client, after.json()["access_token"]) == 200


async def test_a_language_change_keeps_the_tokens(client: httpx.AsyncClient, context: AppContext) -> None:
    body = await _tokens(client, context)
    changed = await client.patch(
        "/api/v1/users/me", json={"language": "en"}, headers=bearer(body["access_token"])
    )
    assert changed.status_code == 200 and await _me(client, body["access_token"]) == 200


async def test_a_token_without_a_version_is_refused(client: httpx.AsyncClient, context: AppContext) -> None:
    user_id = create_user_in(context, "legacy")
    now = datetime.now(UTC)
    # Signed with the right key, shaped like the tokens issued before versions existed.
    legacy = jwt.encode(
        {"sub": str(user_id), "iat": now, "exp": now + timedelta(minutes=5), "typ": "access"},
        context.settings.signing_key(),
        algorithm="HS256",
    )
    assert await _me(client, legacy) == 401


async def test_sign_out_revokes_that_sign_in_only(client: httpx.AsyncClient, context: AppContext) -> None:
    laptop = await _tokens(client, context)
    phone = (await post_sign_in(client, "investor")).json()
    out = await client.post("/api/v1/auth/logout", json={"refresh_token": laptop["refresh_token"]})
    assert out.status_code == 204
    assert (
        await client.post(REFRESH_URL, json={"refresh_token": laptop["refresh_token"]})
    ).status_code == 401
    assert (await client.post(REFRESH_URL, json={"refresh_token": phone["refresh_token"]})).status_code == 200
    # Unknown tokens get the same answer: nothing to learn from it.
    assert (await client.post("/api/v1/auth/logout", json={"refresh_token": "made-up"})).status_code == 204


async def test_expired_refresh_rows_are_pruned_on_the_next_issue(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    old = await _tokens(client, context)
    rotated = (await client.post(REFRESH_URL, json={"refresh_token": old["refresh_token"]})).json()
    with session_scope(context.sessions) as session:
        session.execute(sa.update(RefreshToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    await post_sign_in(client, "investor")
    with session_scope(context.sessions) as session:
        hashes = session.scalars(sa.select(RefreshToken.token_hash)).all()
    assert len(hashes) == 1  # only the new sign-in's token is left
    assert (
        await client.post(REFRESH_URL, json={"refresh_token": rotated["refresh_token"]})
    ).status_code == 401
