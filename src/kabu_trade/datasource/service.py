"""The data page's rules: which source the syncs use, the J-Quants key (checked, then stored
encrypted), the yfinance codes, and the switch between demo and real data. No HTTP here.

The stored settings win over the environment; without them the environment decides as before
(``from_environment`` in the state says which one the J-Quants key comes from).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy.orm import Session

from kabu_trade.core.config import Settings
from kabu_trade.core.db import utcnow
from kabu_trade.core.errors import SourceError
from kabu_trade.datasource import crypto, repository
from kabu_trade.datasource.messages import MESSAGES, Unprocessable
from kabu_trade.datasource.models import DataSourceSettings
from kabu_trade.market import repository as market
from kabu_trade.market.providers.csv_files import normalize_code
from kabu_trade.market.providers.jquants import (
    FREE_PLAN_DELAY,
    PLAN_HISTORY_YEARS,
    RATE_LIMITS,
    JQuantsProvider,
    JQuantsRefused,
    RetryPolicy,
)

log = structlog.get_logger(__name__)
REAL_SOURCES = ("jquants", "csv", "yfinance")
# The key check is interactive: one try, no backoff (a rate limit or an outage is reported at once).
CHECK_RETRY = RetryPolicy(rate_limit_retries=0, transient_retries=0)


@dataclass(frozen=True)
class ProviderConfig:
    """What ``create_provider`` needs beyond the environment; None: the environment's value."""

    source: str
    jquants_api_key: str | None = None
    jquants_plan: str | None = None
    universe: list[str] | None = None
    csv_files: dict[str, str] = field(default_factory=dict)

    def provider_kwargs(self) -> dict[str, Any]:
        return {
            "jquants_api_key": self.jquants_api_key,
            "jquants_plan": self.jquants_plan,
            "universe": self.universe,
        }


# -- reading ----------------------------------------------------------------------------------------


def active_source(row: DataSourceSettings | None, settings: Settings) -> str:
    return (row.active_source if row else None) or settings.data_source


def stored_kind(session: Session) -> tuple[str, str | None]:
    """("demo" | "real" | "empty", the source names of the stored data)."""
    sources = market.data_sources(session)
    if not sources:
        return "empty", None
    return ("demo" if sources == ["demo"] else "real"), ", ".join(sources)


def jquants_key(row: DataSourceSettings | None, settings: Settings) -> str | None:
    """The key the syncs use: the stored one, else the environment's; raises a 422 asking for the
    key again when the stored one was encrypted under another secret key."""
    if row is not None and row.jquants_key_encrypted:
        try:
            return crypto.decrypt(settings, row.jquants_key_encrypted)
        except crypto.StoredKeyUnreadable:
            log.warning("jquants_key_unreadable")
            raise Unprocessable(MESSAGES["key_unreadable"], field="api_key") from None
    if settings.jquants_api_key is not None and settings.jquants_api_key.get_secret_value().strip():
        return settings.jquants_api_key.get_secret_value().strip()
    return None


def jquants_plan(row: DataSourceSettings | None, settings: Settings) -> str:
    stored = row is not None and row.jquants_key_encrypted and row.jquants_plan
    return str(row.jquants_plan) if stored and row is not None else settings.jquants_plan


def yfinance_codes(row: DataSourceSettings | None, settings: Settings) -> list[str]:
    return list(row.yfinance_codes) if row is not None and row.yfinance_codes else list(settings.universe)


def provider_config(session: Session, settings: Settings, source: str | None = None) -> ProviderConfig:
    """The configuration a sync from ``source`` (default: the active one) runs with."""
    row = repository.get(session)
    chosen = source or active_source(row, settings)
    if chosen == "jquants":
        key = jquants_key(row, settings)
        return ProviderConfig(chosen, jquants_api_key=key, jquants_plan=jquants_plan(row, settings))
    if chosen == "yfinance":
        return ProviderConfig(chosen, universe=yfinance_codes(row, settings) or None)
    if chosen == "csv" and row is not None and row.csv_files:
        return ProviderConfig(chosen, csv_files={k: str(v) for k, v in row.csv_files.items()})
    return ProviderConfig(chosen)


def plans() -> list[dict[str, Any]]:
    return [
        {
            "plan": plan,
            "requests_per_minute": rpm,
            "history_years": PLAN_HISTORY_YEARS[plan],
            "delay_weeks": FREE_PLAN_DELAY.days // 7 if plan == "free" else 0,
        }
        for plan, rpm in RATE_LIMITS.items()
    ]


def state(session: Session, settings: Settings) -> dict[str, Any]:
    row = repository.get(session)
    kind, sources = stored_kind(session)
    stocks, first, last = repository.stored_summary(session)
    stored_key = bool(row is not None and row.jquants_key_encrypted)
    env_key = settings.jquants_api_key is not None and bool(
        settings.jquants_api_key.get_secret_value().strip()
    )
    return {
        "active_source": active_source(row, settings),
        "stored_data": kind,
        "stored_source": sources,
        "stocks": stocks,
        "first_date": first,
        "last_date": last,
        "jquants": {
            "configured": stored_key or env_key,
            "plan": jquants_plan(row, settings),
            "checked_at": row.jquants_checked_at if stored_key and row is not None else None,
            "from_environment": env_key and not stored_key,
        },
        "yfinance": {"codes": yfinance_codes(row, settings)},
        "plans": plans(),
    }


# -- J-Quants ---------------------------------------------------------------------------------------


def check_jquants(settings: Settings, api_key: str, plan: str) -> int:
    """One cheap call (the listed master) with ``api_key``: the number of listed issues. A refused
    key is a 422 on ``api_key``; J-Quants out of reach is a 502 (``SourceError``)."""
    key = api_key.strip()
    if not key:
        raise Unprocessable(MESSAGES["key_blank"], field="api_key")
    provider = JQuantsProvider(key, plan, retry=CHECK_RETRY, base_url=settings.jquants_base_url)
    try:
        listed = provider.list_stocks()
    except JQuantsRefused as exc:
        status = exc.status
        log.info("jquants_key_refused", plan=plan, status=status)
        raise Unprocessable(
            MESSAGES["key_refused"].format(status=status, plan=plan), field="api_key"
        ) from None
    except SourceError:
        raise
    finally:
        provider.close()
    log.info("jquants_key_checked", plan=plan, listed=len(listed))
    return len(listed)


def save_jquants(
    session: Session, settings: Settings, api_key: str | None, plan: str, user_id: int | None
) -> None:
    """Check the key (the given one, else the stored or the environment's) and store it encrypted."""
    if api_key is not None:
        key: str | None = api_key.strip()
    else:
        key = jquants_key(repository.get(session), settings)
        # Nothing written yet: end the read so that no connection waits on J-Quants (up to 30 s).
        session.rollback()
    if not key:
        raise Unprocessable(MESSAGES["key_missing"], field="api_key")
    check_jquants(settings, key, plan)
    row = repository.for_update(session, user_id)
    row.jquants_key_encrypted = crypto.encrypt(settings, key)
    row.jquants_plan, row.jquants_checked_at = plan, utcnow()
    log.info("jquants_key_saved", plan=plan, by=user_id)


def forget_jquants(session: Session, user_id: int) -> None:
    row = repository.get(session)
    if row is None or not (row.jquants_key_encrypted or row.jquants_plan):
        return
    row = repository.for_update(session, user_id)
    row.jquants_key_encrypted, row.jquants_plan, row.jquants_checked_at = None, None, None
    log.info("jquants_key_forgotten", by=user_id)


# -- yfinance ---------------------------------------------------------------------------------------


def save_yfinance(session: Session, codes: list[str], user_id: int) -> None:
    normalized = [(raw, normalize_code(raw)) for raw in codes]
    bad = [raw for raw, code in normalized if code is None]
    if bad:
        shown = ", ".join(f'"{raw}"' for raw in bad[:50]) + (" …" if len(bad) > 50 else "")
        raise Unprocessable(MESSAGES["bad_codes"].format(codes=shown), field="codes")
    row = repository.for_update(session, user_id)
    row.yfinance_codes = list(dict.fromkeys(code for _, code in normalized if code))


# -- switching --------------------------------------------------------------------------------------


def prepare_activation(
    session: Session, settings: Settings, source: str, confirm: bool, user_id: int
) -> bool:
    """Make ``source`` the active one; True when the stored data is of the other kind (demo vs
    real) and the sync must replace it. Refuses a source that cannot run (no key, no codes)."""
    if confirm is not True:
        raise Unprocessable(MESSAGES["confirm"], field="confirm")
    row = repository.get(session)
    if source == "jquants" and not jquants_key(row, settings):
        raise Unprocessable(MESSAGES["key_missing"], field="source")
    if source == "yfinance" and not yfinance_codes(row, settings):
        raise Unprocessable(MESSAGES["no_codes"], field="source")
    row = repository.for_update(session, user_id)
    row.active_source = source
    return needs_replace(session, source)


def needs_replace(session: Session, source: str) -> bool:
    kind, _ = stored_kind(session)
    return kind != "empty" and (kind == "demo") != (source == "demo")


def record_csv_import(session: Session, files: dict[str, str], user_id: int) -> None:
    row = repository.for_update(session, user_id)
    row.active_source, row.csv_files = "csv", dict(files)
