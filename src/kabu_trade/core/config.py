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
from urllib.parse import urlparse

from limits import parse_many
from pydantic import Field, PrivateAttr, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from kabu_trade.core.clock import tokyo_today
from kabu_trade.core.secret_key import MIN_SECRET_LENGTH, SECRET_KEY_FILE, load_or_create_secret_key

ProviderName = Literal["demo", "csv", "jquants", "yfinance"]
JQuantsPlan = Literal["free", "light", "standard", "premium"]
MIN_METRICS_TOKEN_LENGTH = 16


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
    secret_key: SecretStr | None = Field(
        default=None, description="signs tokens; unset (not in production): a random key in DATA_DIR"
    )
    # Short-lived access tokens: a stolen one is worth minutes; the refresh token renews them.
    access_token_minutes: int = Field(default=15, ge=1)
    refresh_token_days: int = Field(default=14, ge=1)

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
    # Where J-Quants V2 answers: a local replay server stands in for it in browser tests.
    jquants_base_url: str = Field(default="https://api.jquants.com/v2", description="J-Quants V2 base URL")
    # J-Quants' own limit on /fins/* for every plan (its documented 60 a minute): change it only if
    # J-Quants does (or for a local replay server, which has none).
    jquants_fins_per_minute: int = Field(default=60, ge=1, le=10_000, description="/fins/* requests a minute")

    # Capacity (core/capacity.py): processes per host, threads per process, and the database pool
    # that follows from them; read the README's "Capacity" before changing them.
    workers: int = Field(default=1, ge=1, le=32, description="API processes per host (`serve --workers`)")
    # Two: endpoints are mostly Python work under one GIL, and every extra busy thread makes the
    # others (and the event loop) wait longer for it after each query. Measured with
    # `python -m bench load`: 2 threads hold their throughput at 50 clients, 4 lose 15-25 %.
    threads: int = Field(default=2, ge=1, le=200, description="threads per API process for endpoints")
    db_pool_timeout_seconds: float = Field(default=10, gt=0, le=120)
    db_pool_recycle_seconds: int = Field(default=1800, ge=60)
    # How long a command waits at start for a database server that does not answer yet (a stack
    # starting together, RDS rebooting), retrying with backoff, before it exits non-zero (core/db_wait.py).
    db_connect_timeout_seconds: float = Field(default=30, ge=0, le=600)

    cache_ttl_seconds: int = Field(default=300, ge=1)
    # The signed-in user is taken from a per-process cache this long (auth/user_cache.py says how
    # revocation still holds); 0 reads the account from the database on every request.
    auth_cache_seconds: float = Field(default=5, ge=0, le=60)
    # Sign-in throttling (auth/throttle.py): each account + address pair has this many free
    # failures, then waits login_backoff_seconds, doubling per failure up to the cap; one address
    # has a looser cap over all accounts. Failures are forgotten login_window_seconds after the first.
    login_max_failures: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=3600, ge=1)
    login_backoff_seconds: int = Field(default=2, ge=1)
    login_backoff_max_seconds: int = Field(default=900, ge=1)
    login_address_max_failures: int = Field(default=100, ge=1)

    # API rate limits in `limits` syntax ("600/minute;30/second": every part must hold). Each
    # /api/v1 request but health counts against its user's budget (unsigned: its address's);
    # screener runs and evaluations also count against the expensive budget.
    rate_limit_enabled: bool = True
    rate_limit_user: str = "600/minute;30/second"
    rate_limit_address: str = "300/minute;20/second"
    rate_limit_expensive: str = "60/minute;5/second"

    scheduler_enabled: bool = False
    sync_after_close_minutes: int = Field(default=45, ge=0, description="minutes after the 15:30 close")
    # The sync's lease, renewed every third of it while the sync runs: a killed sync frees the
    # next one within this long. Long enough to ride out a database fail-over between two beats.
    sync_lock_seconds: int = Field(default=60, ge=15, le=3600)
    # Jobs (sync, refresh) run in a worker: `kabu-trade worker` in the server modes, a thread of
    # the API process when embedded (unset: in process exactly when the database is embedded).
    jobs_in_process: bool | None = None
    # A running job's heartbeat is renewed every third of this; older, its worker is taken as dead.
    job_lease_seconds: int = Field(default=60, ge=15, le=3600)
    job_poll_seconds: float = Field(default=2.0, gt=0, le=60)

    # Backups (`kabu-trade backup …`, backups/): to an S3 prefix when one is set, else to a folder.
    backup_dir: Path | None = Field(default=None, description="unset means DATA_DIR/backups")
    backup_s3_uri: str | None = Field(default=None, description="s3://bucket/prefix; set, it wins")
    backup_s3_endpoint_url: str | None = Field(default=None, description="another S3 endpoint (MinIO)")
    # Retention of `backup prune` (backups/retention.py): the architecture's 7 daily + 4 weekly.
    backup_keep_daily: int = Field(default=7, ge=1, le=366)
    backup_keep_weekly: int = Field(default=4, ge=0, le=520)

    web_dir: Path | None = Field(
        default=Path("frontend/dist"),
        description="the built web app, served at / when present (unset: API only, e.g. behind CloudFront)",
    )

    # Proxies (addresses or CIDR blocks, e.g. CloudFront's or the load balancer's subnet) whose
    # X-Forwarded-For is believed; unset: the peer address is the client's.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Request bodies over this are refused with 413 before they are read (core/http.py).
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    # CSV uploads of the data page (POST /api/v1/data-source/csv/*) have their own, larger limit.
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)

    # Request metrics (core/metrics.py). GET /metrics answers a loopback peer that no proxy
    # forwarded, or a bearer token equal to this one; anyone else gets a 404.
    metrics_token: SecretStr | None = Field(default=None, description="bearer token for GET /metrics")
    # CloudWatch embedded metric format lines on stdout (AWS: the awslogs driver ships them).
    metrics_emf: bool = False
    metrics_emf_interval_seconds: float = Field(default=60, ge=1, le=3600)

    log_level: str = "INFO"
    log_json: bool = True
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    _generated_key: str | None = PrivateAttr(default=None)

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

    @field_validator("backup_s3_uri", "backup_s3_endpoint_url")
    @classmethod
    def _empty_is_unset(cls, value: str | None, info: ValidationInfo) -> str | None:
        # An empty variable (compose's `KABU_BACKUP_S3_URI=`) means a folder, not a bucket "".
        if value is None or not value.strip():
            return None
        value = value.strip()
        if info.field_name == "backup_s3_uri":
            parsed = urlparse(value)
            if parsed.scheme != "s3" or not parsed.netloc or parsed.query or parsed.fragment:
                raise ValueError(
                    f"KABU_BACKUP_S3_URI: {value!r} is not an S3 location such as s3://bucket/prefix"
                )
        return value

    @field_validator("rate_limit_user", "rate_limit_address", "rate_limit_expensive")
    @classmethod
    def _valid_rate_limit(cls, value: str, info: ValidationInfo) -> str:
        try:
            # A zero budget would refuse every request: switching limits off has its own setting.
            if any(item.amount < 1 or item.get_expiry() < 1 for item in parse_many(value)):
                raise ValueError(value)
        except ValueError:
            variable = f"KABU_{(info.field_name or '').upper()}"
            raise ValueError(
                f"{variable}: {value!r} is not a rate limit such as '300/minute' or '600/minute;30/second'"
            ) from None
        return value

    @field_validator("metrics_token")
    @classmethod
    def _long_metrics_token(cls, value: SecretStr | None) -> SecretStr | None:
        # An empty variable means "no token" (loopback only), not a token anyone can present.
        if value is None or not value.get_secret_value().strip():
            return None
        if len(value.get_secret_value().strip()) < MIN_METRICS_TOKEN_LENGTH:
            raise ValueError(
                f"KABU_METRICS_TOKEN must be at least {MIN_METRICS_TOKEN_LENGTH} random characters"
            )
        return SecretStr(value.get_secret_value().strip())

    @model_validator(mode="after")
    def _require_a_real_secret(self) -> Settings:
        secret = self.secret_key.get_secret_value() if self.secret_key is not None else None
        if self.env == "production" and secret is None:
            raise ValueError(
                "KABU_SECRET_KEY must be set to a random value of at least "
                f"{MIN_SECRET_LENGTH} characters in production"
            )
        if secret is not None and len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(f"KABU_SECRET_KEY must be at least {MIN_SECRET_LENGTH} random characters")
        return self

    def signing_key(self) -> str:
        """The key that signs and checks tokens: ``KABU_SECRET_KEY``, else this install's own
        random key in ``DATA_DIR/secret.key`` (made on first use; raises ``SecretKeyError``)."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        if self._generated_key is None:
            self._generated_key = load_or_create_secret_key(self.data_dir / SECRET_KEY_FILE)
        return self._generated_key

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'kabu-trade.db').resolve()}"

    @property
    def is_embedded_database(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    @property
    def runs_jobs_in_process(self) -> bool:
        return self.is_embedded_database if self.jobs_in_process is None else self.jobs_in_process

    @property
    def backup_location(self) -> str:
        """Where backups go by default: the S3 URI, else the folder (made absolute)."""
        if self.backup_s3_uri:
            return self.backup_s3_uri
        return str((self.backup_dir or self.data_dir / "backups").resolve())

    @property
    def effective_history_start(self) -> date:
        if self.history_start:
            return self.history_start
        today = tokyo_today()  # the market's date, not the server's
        return today.replace(year=today.year - 3)


@lru_cache
def get_settings() -> Settings:
    return Settings()
