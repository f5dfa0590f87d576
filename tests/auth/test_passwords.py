"""Passwords are checked against common passwords and patterns (zxcvbn), not only for length."""

from __future__ import annotations

import httpx
import pytest

from kabu_trade.auth import service
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.core.security import password_weakness
from tests.conftest import TEST_PASSWORD, create_user_in, sign_in

WEAK = ["password1234", "qwertyuiop123", "aaaaaaaaaaaa", "1234567890", "iloveyou2024"]


@pytest.mark.parametrize("password", WEAK)
def test_common_passwords_and_patterns_are_weak(password: str) -> None:
    assert password_weakness(password) is not None


def test_the_user_name_does_not_make_a_password() -> None:
    assert password_weakness("hanako-yamada", ["hanako-yamada"]) is not None


def test_strong_passwords_pass_and_long_ones_are_checked_quickly() -> None:
    assert password_weakness(TEST_PASSWORD) is None
    assert password_weakness("sturdy walnut ferry 7") is None
    # Only the first 72 characters are scored (zxcvbn slows down sharply with length).
    assert password_weakness("plum quartz harbor violet " * 9) is None


async def test_creating_an_account_refuses_a_weak_password(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    create_user_in(context, "admin", admin=True)
    headers = await sign_in(client, "admin")
    weak = await client.post(
        "/api/v1/users", json={"username": "newbie", "password": "password1234"}, headers=headers
    )
    assert weak.status_code == 422
    assert weak.json()["field"] == "password"
    # The admin's account language (Japanese) decides.
    assert "推測されやすすぎます" in weak.json()["detail"] and "よく使われ" in weak.json()["detail"]
    as_name = await client.post(
        "/api/v1/users", json={"username": "newbie-san", "password": "newbie-san"}, headers=headers
    )
    assert as_name.status_code == 422 and as_name.json()["field"] == "password"


async def test_setup_refuses_a_weak_password(client: httpx.AsyncClient, context: AppContext) -> None:
    with session_scope(context.sessions) as session:
        token = service.issue_setup_token(session)
    weak = await client.post(
        "/api/v1/auth/setup", json={"setup_token": token, "username": "owner", "password": "qwertyuiop123"}
    )
    assert weak.status_code == 422 and weak.json()["field"] == "password"
    # The token was not spent on the refused attempt.
    ok = await client.post(
        "/api/v1/auth/setup",
        json={"setup_token": token, "username": "owner", "password": "sturdy walnut ferry 7"},
    )
    assert ok.status_code == 201


async def test_changing_to_a_weak_password_is_refused(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    weak = await client.patch(
        "/api/v1/users/me",
        json={"current_password": TEST_PASSWORD, "new_password": "aaaaaaaaaaaa"},
        headers=auth_headers,
    )
    assert weak.status_code == 422 and weak.json()["field"] == "new_password"
    # Nothing changed: the token still works and the old password still signs in.
    assert (await client.get("/api/v1/users/me", headers=auth_headers)).status_code == 200


def test_hashes_use_owasps_argon2id_profile_and_older_ones_are_rehashed_at_sign_in(
    context: AppContext,
) -> None:
    """19 MiB × 2 passes × 1 lane (the 1 GB host's budget); a hash made with argon2-cffi's former
    default (64 MiB × 3 × 4) still opens the account and is replaced by the new profile."""
    from argon2 import PasswordHasher
    from argon2.low_level import Type

    from kabu_trade.auth import repository
    from kabu_trade.core import security

    fresh = security.hash_password(TEST_PASSWORD)
    assert fresh.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert not security.needs_rehash(fresh)

    old = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4, type=Type.ID).hash(TEST_PASSWORD)
    create_user_in(context, "veteran")
    with session_scope(context.sessions) as session:
        repository.get_user_by_name(session, "veteran").password_hash = old  # type: ignore[union-attr]
    with session_scope(context.sessions) as session:
        service.authenticate(session, "veteran", TEST_PASSWORD)
    with session_scope(context.sessions) as session:
        stored = repository.get_user_by_name(session, "veteran").password_hash  # type: ignore[union-attr]
    assert stored != old and stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_concurrent_hashes_run_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A burst of sign-ins costs one hash's memory at a time, whatever the thread count."""
    import threading

    from kabu_trade.core import security

    real = security._hasher
    guard = threading.Lock()
    counts = {"running": 0, "most": 0}

    class CountingHasher:
        def hash(self, password: str) -> str:
            with guard:
                counts["running"] += 1
                counts["most"] = max(counts["most"], counts["running"])
            try:
                return real.hash(password)
            finally:
                with guard:
                    counts["running"] -= 1

    monkeypatch.setattr(security, "_hasher", CountingHasher())
    threads = [threading.Thread(target=security.hash_password, args=(TEST_PASSWORD,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counts["most"] == 1, f"{counts['most']} hashes ran at once"
