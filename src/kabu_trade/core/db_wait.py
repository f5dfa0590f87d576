"""Wait for a database server at start, then give up with a message that names it.

A container stack starts the API, the worker and the migration at the same moment as (or before)
the database: PostgreSQL still starting, RDS rebooting, a security group not yet open. Each command
that needs the database first waits for it here, retrying with exponential backoff for a bounded
time (``KABU_DB_CONNECT_TIMEOUT_SECONDS``), then stops with a clear error naming the host (never
the password) so that the orchestrator's restart policy, not a traceback, takes over.
The embedded SQLite file needs no wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_before_delay,
    wait_exponential,
)

# One attempt may not outlast this (an address that drops packets would otherwise hang in the
# kernel's TCP timeout, minutes, instead of being retried).
ATTEMPT_TIMEOUT_SECONDS = 5
# Backoff between attempts: 0.25 s, 0.5 s, 1 s, 2 s, then every 4 s until the deadline.
FIRST_WAIT_SECONDS = 0.25
MAX_WAIT_SECONDS = 4.0


class DatabaseUnreachable(Exception):
    """The database did not answer within the configured time."""


def describe(url: URL) -> str:
    """host:port/database of a URL, without user or password."""
    where = url.host or "localhost"
    if url.port:
        where += f":{url.port}"
    return f"{where}/{url.database}" if url.database else where


def wait_for_database(url: str, timeout_seconds: float, on_wait: Callable[[str], None] | None = None) -> int:
    """Connect (and ``SELECT 1``) until the server answers; return the number of attempts.

    ``on_wait`` is told once, after the first failed attempt, that (and for what) the command
    waits. Raises ``DatabaseUnreachable`` after ``timeout_seconds`` (0: a single attempt).
    SQLite returns at once: the file is made on first use.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return 0
    deadline = max(timeout_seconds, 0.0)
    per_attempt = max(1, min(ATTEMPT_TIMEOUT_SECONDS, int(deadline) or 1))
    connect_args = {"connect_timeout": per_attempt} if parsed.get_backend_name() == "postgresql" else {}
    # A throw-away engine without a pool: the probe leaves no connection behind.
    probe = create_engine(parsed, poolclass=NullPool, connect_args=connect_args)
    started = time.monotonic()
    attempts = 0

    def announce(state: RetryCallState) -> None:
        if on_wait is not None and state.attempt_number == 1:
            on_wait(
                f"The database at {describe(parsed)} does not answer yet; retrying for up to "
                f"{deadline:.0f} s (KABU_DB_CONNECT_TIMEOUT_SECONDS)."
            )

    try:
        for attempt in Retrying(
            retry=retry_if_exception_type(DBAPIError),
            # Never starts an attempt that could end after the deadline: the bound holds.
            stop=stop_before_delay(deadline),
            wait=wait_exponential(multiplier=FIRST_WAIT_SECONDS, max=MAX_WAIT_SECONDS),
            before_sleep=announce,
            reraise=True,
        ):
            with attempt:
                attempts = attempt.retry_state.attempt_number
                with probe.connect() as connection:
                    connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        waited = time.monotonic() - started
        raise DatabaseUnreachable(
            f"The database at {describe(parsed)} did not answer after {attempts} attempt(s) in "
            f"{waited:.0f} s ({_reason(exc, parsed)}). Check KABU_DATABASE_URL and that the server "
            "is running and reachable; KABU_DB_CONNECT_TIMEOUT_SECONDS sets how long to wait."
        ) from None
    finally:
        probe.dispose()
    return attempts


def _reason(exc: DBAPIError, url: URL) -> str:
    """The driver's own words about the failure, on one line, the password masked if it appears."""
    lines = [line.strip() for line in str(exc.orig).splitlines() if line.strip()]
    reason = "; ".join(lines) if lines else type(exc.orig).__name__
    if url.password:
        reason = reason.replace(str(url.password), "***")
    return reason
