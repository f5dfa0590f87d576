"""No signing key from the source: an install without KABU_SECRET_KEY makes and keeps its own."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from pydantic import ValidationError

from kabu_trade.core.config import Settings
from kabu_trade.core.context import AppContext
from kabu_trade.core.secret_key import SECRET_KEY_FILE, SecretKeyError, load_or_create_secret_key
from tests.auth.helpers import bearer, client_at
from tests.conftest import create_user_in

# The constant that signed every development install's tokens before this change.
OLD_SOURCE_SECRET = "change-me-embedded-default-secret-0000000000"


def _token(secret: str, user_id: int, **claims: object) -> str:
    now = datetime.now(UTC)
    payload = {"sub": str(user_id), "iat": now, "exp": now + timedelta(minutes=5), "typ": "access", "ver": 0}
    return jwt.encode({**payload, **claims}, secret, algorithm="HS256")


def test_the_key_is_made_once_private_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "data" / SECRET_KEY_FILE
    key = load_or_create_secret_key(path)
    assert len(key) >= 32 and key != OLD_SOURCE_SECRET
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_secret_key(path) == key
    assert [p.name for p in path.parent.iterdir()] == [SECRET_KEY_FILE]  # no temporary left over


def test_two_installs_get_different_keys(tmp_path: Path) -> None:
    assert load_or_create_secret_key(tmp_path / "a.key") != load_or_create_secret_key(tmp_path / "b.key")


def test_processes_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / SECRET_KEY_FILE
    with ThreadPoolExecutor(max_workers=16) as pool:
        keys = set(pool.map(lambda _: load_or_create_secret_key(path), range(64)))
    assert keys == {path.read_text().strip()}


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / SECRET_KEY_FILE
    load_or_create_secret_key(path)
    os.chmod(path, 0o644)
    with pytest.raises(SecretKeyError, match="chmod 600"):
        load_or_create_secret_key(path)


def test_a_short_or_garbled_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / SECRET_KEY_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b"short\n")
    os.close(fd)
    with pytest.raises(SecretKeyError, match="no usable key"):
        load_or_create_secret_key(path)


def test_settings_sign_with_the_data_dir_key_unless_given_one(tmp_path: Path) -> None:
    made = Settings(env="development", data_dir=tmp_path)
    assert made.signing_key() == (tmp_path / SECRET_KEY_FILE).read_text().strip()
    given = Settings(env="test", data_dir=tmp_path / "other", secret_key="g" * 40)  # type: ignore[arg-type]
    assert given.signing_key() == "g" * 40
    assert not (tmp_path / "other").exists()


def test_a_short_explicit_key_is_refused_in_every_mode(tmp_path: Path) -> None:
    for env in ("development", "test", "production"):
        with pytest.raises(ValidationError, match="KABU_SECRET_KEY"):
            Settings(env=env, data_dir=tmp_path, secret_key="s" * 31)  # type: ignore[arg-type]


def test_production_needs_the_key_in_the_environment(tmp_path: Path) -> None:
    # Even with a key file present: production never falls back to it.
    load_or_create_secret_key(tmp_path / SECRET_KEY_FILE)
    with pytest.raises(ValidationError, match="KABU_SECRET_KEY must be set"):
        Settings(env="production", data_dir=tmp_path)


async def test_a_token_signed_with_the_old_source_constant_is_refused(
    backend: str, context_factory: Callable[..., AppContext]
) -> None:
    # A default install: development mode, no KABU_SECRET_KEY.
    context = context_factory(backend, env="development", secret_key=None)
    admin_id = create_user_in(context, "boss", admin=True)
    async with client_at(context) as client:
        forged = await client.get("/api/v1/users/me", headers=bearer(_token(OLD_SOURCE_SECRET, admin_id)))
        assert forged.status_code == 401
        # The install's own key is what signs: the same claims under it are accepted.
        own = _token(context.settings.signing_key(), admin_id)
        assert (await client.get("/api/v1/users/me", headers=bearer(own))).status_code == 200
    key_file = context.settings.data_dir / SECRET_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
