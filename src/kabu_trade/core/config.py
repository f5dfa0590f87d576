"""One settings object for the API, the CLI and the jobs (environment prefix ``KABU_``).

The defaults are the embedded mode: SQLite under ``KABU_DATA_DIR``, an in-process cache and the
offline demo provider, so a fresh clone runs with no services and no network.
"""

from __future__ import annotations

import ipaddress
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SECRET = "change-me-embedded-default-secret-0000000000"

ProviderName = Literal["demo", "csv", "jquants", "yfinance"]
JQuantsPlan = Literal["free", "light", "standard", "premium"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KABU_", env_file=None, extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("./data")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; unset means SQLite at DATA_DIR/kabu-trade.db"
    )
    redis_url: str | None = Field(default=None, description="unset means an in-process cache")
    # Redis is a cache, not a dependency: short timeouts, then a circuit breaker that skips it for a
    # cool-down after consecutive failures, with an in-process fallback meanwhile (core/cache.py).
    redis_connect_timeout_seconds: float = Field(default=0.25, gt=0, le=10)
    redis_socket_timeout_seconds: float = Field(default=0.25, gt=0, le=10)
    redis_breaker_failures: int = Field(default=3, ge=1, le=100)
    redis_breaker_cooldown_seconds: float = Field(default=5.0, gt=0, le=300)
    redis_fallback_max_age_seconds: int = Field(default=30, ge=1, le=3600)
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    access_token_minutes: int = Field(default=60 * 12, ge=1)

    data_source: ProviderName = "demo"
    demo_symbols: int = Field(default=320, ge=10, le=4000)
    demo_start: date = date(2022, 1, 4)
    demo_end: date | None = Field(default=None, description="last demo session; unset means today")
    history_start: date | None = Field(
        default=None, description="first date a real provider fetches; unset means 3 years back"
    )
    # NoDecode: a plain "7203,6758" in the environment, not JSON.
    universe: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="codes for per-symbol providers"
    )

    jquants_api_key: SecretStr | None = None
    jquants_plan: JQuantsPlan = "free"

    cache_ttl_seconds: int = Field(default=300, ge=1)
    login_max_failures: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=900, ge=1)

    scheduler_enabled: bool = False
    sync_after_close_minutes: int = Field(default=45, ge=0, description="minutes after the 15:30 close")
    sync_lock_seconds: int = Field(default=3600, ge=60)

    web_dir: Path | None = Field(
        default=Path("frontend/dist"),
        description="the built web app, served at / when present (unset: API only, e.g. behind CloudFront)",
    )

    # Proxies (addresses or CIDR blocks, e.g. CloudFront's or the load balancer's subnet) whose
    # X-Forwarded-For is believed; unset: the peer address is the client's.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)

    log_level: str = "INFO"
    log_json: bool = True
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("universe", "cors_origins", "trusted_proxies", mode="before")
    @classmethod
    def _split_codes(cls, value: object) -> object:
        if isinstance(value, str):
            return [c.strip() for c in value.replace(" ", ",").split(",") if c.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_networks(cls, value: list[str]) -> list[str]:
        for proxy in value:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(f"KABU_TRUSTED_PROXIES: {proxy!r} is not an IP address or network") from None
        return value

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> Settings:
        if self.env == "production":
            secret = self.secret_key.get_secret_value()
            if secret == DEFAULT_SECRET or len(secret) < 32:
                raise ValueError(
                    "KABU_SECRET_KEY must be set to a random value of at least 32 characters in production"
                )
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'kabu-trade.db').resolve()}"

    @property
    def is_embedded_database(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    @property
    def effective_history_start(self) -> date:
        if self.history_start:
            return self.history_start
        today = date.today()
        return today.replace(year=today.year - 3)


@lru_cache
def get_settings() -> Settings:
    return Settings()
