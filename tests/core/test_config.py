from __future__ import annotations

import pytest
from pydantic import ValidationError

from kabu_trade.core.config import Settings


def test_embedded_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for key in ("KABU_DATABASE_URL", "KABU_REDIS_URL", "KABU_DATA_SOURCE", "KABU_ENV"):
        monkeypatch.delenv(key, raising=False)
    settings = Settings()
    assert settings.effective_database_url.startswith("sqlite:///") and settings.is_embedded_database
    assert settings.effective_database_url.endswith("data/kabu-trade.db")
    assert settings.redis_url is None and settings.data_source == "demo"


def test_environment_switches_to_services(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KABU_DATABASE_URL", "postgresql+psycopg://u@db/kabu")
    monkeypatch.setenv("KABU_REDIS_URL", "redis://cache:6379/0")
    monkeypatch.setenv("KABU_UNIVERSE", "7203, 6758 130A")
    settings = Settings()
    assert not settings.is_embedded_database
    assert settings.redis_url == "redis://cache:6379/0"
    assert settings.universe == ["7203", "6758", "130A"]


def test_production_requires_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KABU_ENV", "production")
    monkeypatch.delenv("KABU_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="KABU_SECRET_KEY"):
        Settings()
    monkeypatch.setenv("KABU_SECRET_KEY", "s" * 20)
    with pytest.raises(ValidationError):
        Settings()
    monkeypatch.setenv("KABU_SECRET_KEY", "a-real-random-secret-of-sufficient-length-123")
    assert Settings().env == "production"
