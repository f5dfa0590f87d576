"""The key at rest (Fernet under an HKDF-derived key) and the stored settings deciding what the
syncs and the first start use, over the environment."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from kabu_trade.core.config import Settings
from kabu_trade.core.db import session_scope
from kabu_trade.datasource import crypto, repository, service
from kabu_trade.jobs.service import ensure_first_load
from tests.datasource.conftest import ContextFactory

SECRET = "a-secret-key-of-at-least-32-characters-0001"


def test_the_key_round_trips_and_another_secret_cannot_read_it() -> None:
    settings = Settings(secret_key=SecretStr(SECRET), env="test")
    token = crypto.encrypt(settings, "my-jquants-key")
    assert "my-jquants-key" not in token
    assert crypto.encrypt(settings, "my-jquants-key") != token  # a fresh IV every time
    assert crypto.decrypt(settings, token) == "my-jquants-key"
    other = Settings(secret_key=SecretStr(SECRET.replace("0001", "0002")), env="test")
    with pytest.raises(crypto.StoredKeyUnreadable):
        crypto.decrypt(other, token)
    with pytest.raises(crypto.StoredKeyUnreadable):
        crypto.decrypt(settings, token[:-4] + "AAAA")  # altered


def test_the_stored_source_and_codes_win_over_the_environment(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend, universe=["9984"], data_source="demo")
    with session_scope(context.sessions) as session:
        assert service.provider_config(session, context.settings) == service.ProviderConfig("demo")
        assert service.provider_config(session, context.settings, "yfinance").universe == ["9984"]
        row = repository.for_update(session, None)
        row.active_source, row.yfinance_codes = "yfinance", ["7203", "6758"]
    with session_scope(context.sessions) as session:
        config = service.provider_config(session, context.settings)
    assert config.source == "yfinance" and config.universe == ["7203", "6758"]
    # An empty install switched to real data is not given the demo on its next start.
    assert ensure_first_load(context) is None


def test_an_empty_demo_install_still_queues_its_first_load(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend)
    job = ensure_first_load(context)
    assert job is not None and job.params["source"] == "demo"
