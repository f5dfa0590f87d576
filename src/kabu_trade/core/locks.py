"""Named leases in the database, so that a job runs in one process at a time across every host.

A lease is short (a minute by default) and a ``Heartbeat`` thread renews it while the job works,
so a holder that dies — killed, out of memory, host lost — frees the job within one lease length,
while a live one keeps it however long a single provider call takes.

A holder must also never write once its lease is gone (taken over after an expiry, or broken by
an administrator): ``fence`` renews the lease *inside* each of the job's write transactions and
refuses when the lease is no longer its own. On PostgreSQL the row lock that UPDATE takes lasts
until the write commits, so a takeover waits for it; SQLite has one writer at a time anyway.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import String, delete, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from kabu_trade.core.db import Base, UTCDateTime, session_scope, utcnow
from kabu_trade.core.errors import Conflict

log = structlog.get_logger(__name__)
Clock = Callable[[], datetime]


class JobLock(Base):
    """A named lease: the daily sync runs in one process at a time, across every API process."""

    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class Lease:
    """A snapshot of a lease row, safe to keep after its session closed."""

    name: str
    holder: str
    acquired_at: datetime
    expires_at: datetime

    @classmethod
    def of(cls, row: JobLock) -> Lease:
        return cls(row.name, row.holder, row.acquired_at, row.expires_at)

    def expired(self, now: datetime) -> bool:
        return self.expires_at < now

    def describe(self) -> str:
        return f"lease held by {self.holder} expired at {self.expires_at:%Y-%m-%d %H:%M:%S} UTC"


class LeaseLost(Conflict):
    """The job's lease is no longer its own: it must stop writing."""


def new_holder_id() -> str:
    """HOST:PID:random — the host and process an operator looks for; the suffix tells restarts apart."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class LeaseLock:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        name: str,
        seconds: float,
        holder: str | None = None,
        *,
        clock: Clock = utcnow,
    ):
        self.sessions = sessions
        self.name = name
        self.seconds = seconds
        self.holder = holder or new_holder_id()
        self.clock = clock
        # The expired lease this holder took over on acquire, if any: whose job died, and when.
        self.taken_over: Lease | None = None

    def acquire(self) -> bool:
        now = self.clock()
        expires = now + timedelta(seconds=self.seconds)
        self.taken_over = None
        try:
            with session_scope(self.sessions) as session:
                session.add(JobLock(name=self.name, holder=self.holder, acquired_at=now, expires_at=expires))
            return True
        except IntegrityError:
            pass
        previous = self.lease()
        if previous is None or not previous.expired(now):
            return False  # held (or released this instant: the caller may simply try again)
        # Take over only the expired lease just read (one UPDATE, so one winner).
        with session_scope(self.sessions) as session:
            result = session.execute(
                update(JobLock)
                .where(
                    JobLock.name == self.name,
                    JobLock.holder == previous.holder,
                    JobLock.expires_at < now,
                )
                .values(holder=self.holder, acquired_at=now, expires_at=expires)
            )
            won = bool(result.rowcount)  # type: ignore[attr-defined]
        if won:
            self.taken_over = previous
        return won

    def renew(self) -> datetime | None:
        """Extend the lease; the new expiry, or None when the lease is no longer this holder's."""
        with session_scope(self.sessions) as session:
            return self._extend(session)

    def fence(self, session: Session) -> None:
        """Renew inside the caller's write transaction, or raise ``LeaseLost`` (which rolls it back)."""
        if self._extend(session) is None:
            raise LeaseLost(self.lost_reason())

    def _extend(self, session: Session) -> datetime | None:
        expires = self.clock() + timedelta(seconds=self.seconds)
        result = session.execute(
            update(JobLock)
            .where(JobLock.name == self.name, JobLock.holder == self.holder)
            .values(expires_at=expires)
        )
        return expires if result.rowcount else None  # type: ignore[attr-defined]

    def lost_reason(self) -> str:
        current = self.lease()
        if current is None:
            who = "it was broken (kabu-trade sync --force-unlock?)"
        else:
            who = f"{current.holder} took it over"
        return f"The lease {self.name!r} of {self.holder} was lost: {who}; stopped before writing more."

    def release(self) -> None:
        with session_scope(self.sessions) as session:
            session.execute(delete(JobLock).where(JobLock.name == self.name, JobLock.holder == self.holder))

    def lease(self) -> Lease | None:
        """The lease row on this name, live or expired."""
        with session_scope(self.sessions) as session:
            row = session.get(JobLock, self.name)
            return Lease.of(row) if row is not None else None

    def current_holder(self) -> JobLock | None:
        """The live lease on this name, if any (an expired one no longer holds anything)."""
        with session_scope(self.sessions) as session:
            return session.scalar(
                select(JobLock).where(JobLock.name == self.name, JobLock.expires_at >= self.clock())
            )


def break_lease(sessions: sessionmaker[Session], name: str) -> Lease | None:
    """An administrator's action: delete the lease whoever holds it; the lease broken, if any.

    Its holder, if still alive, finds out at its next heartbeat or write and stops."""
    with session_scope(sessions) as session:
        row = session.get(JobLock, name)
        if row is None:
            return None
        lease = Lease.of(row)
        session.execute(delete(JobLock).where(JobLock.name == name, JobLock.holder == lease.holder))
        return lease


class Heartbeat:
    """Renews a lease every ``every`` seconds on a daemon thread, each time in a short session of
    its own, so a long provider call in the job cannot let the lease run out.

    When the lease turns out lost (taken over or broken), or cannot be renewed before it expires
    (database away), ``lost`` says why and ``check()`` raises ``LeaseLost`` at the job's next step.
    """

    def __init__(self, lock: LeaseLock, every: float) -> None:
        self.lock = lock
        self.every = every
        self.lost: str | None = None
        self.renewals = 0
        self._stop = threading.Event()
        self._changed = threading.Condition()
        self._expires = lock.clock() + timedelta(seconds=lock.seconds)
        self._thread = threading.Thread(target=self._run, name=f"lease-{lock.name}", daemon=True)

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def check(self) -> None:
        if self.lost is not None:
            raise LeaseLost(self.lost)

    def wait_for(self, predicate: Callable[[Heartbeat], bool], timeout: float) -> bool:
        """Block until ``predicate(self)`` holds after a beat (for tests and diagnostics)."""
        with self._changed:
            return self._changed.wait_for(lambda: predicate(self), timeout)

    def _run(self) -> None:
        while not self._stop.wait(self.every) and self.lost is None:
            try:
                self._beat()
            except Exception:  # never let the thread die silently: the next beat tries again
                log.exception("lease_heartbeat_error", lease=self.lock.name)

    def _beat(self) -> None:
        try:
            expires = self.lock.renew()
        except SQLAlchemyError as exc:
            if self.lock.clock() >= self._expires:
                self._set_lost(
                    f"The lease {self.lock.name!r} of {self.lock.holder} expired while the database "
                    f"could not be reached ({type(exc).__name__}); stopped before writing more."
                )
            log.warning("lease_renew_failed", lease=self.lock.name, error=type(exc).__name__)
            return
        if expires is None:
            self._set_lost(self.lock.lost_reason())
            return
        with self._changed:
            self._expires = expires
            self.renewals += 1
            self._changed.notify_all()

    def _set_lost(self, reason: str) -> None:
        with self._changed:  # the state first: a failing log handler must not hide the loss
            self.lost = reason
            self._changed.notify_all()
        log.error("lease_lost", lease=self.lock.name, holder=self.lock.holder, reason=reason)
