"""Named leases in the database, so that a job runs in one process at a time across every host.

A lease expires by itself (a crashed holder cannot block the job forever) and is renewed by its
holder while it works.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import String, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from kabu_trade.core.db import Base, UTCDateTime, session_scope, utcnow


class JobLock(Base):
    """A named lease: the daily sync runs in one process at a time, across every API process."""

    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


def new_holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class LeaseLock:
    def __init__(self, sessions: sessionmaker[Session], name: str, seconds: int, holder: str | None = None):
        self.sessions = sessions
        self.name = name
        self.seconds = seconds
        self.holder = holder or new_holder_id()

    def acquire(self) -> bool:
        now = utcnow()
        expires = now + timedelta(seconds=self.seconds)
        try:
            with session_scope(self.sessions) as session:
                session.add(JobLock(name=self.name, holder=self.holder, acquired_at=now, expires_at=expires))
            return True
        except IntegrityError:
            pass
        # The row exists: take it over only if its lease has run out (one UPDATE, so one winner).
        with session_scope(self.sessions) as session:
            result = session.execute(
                update(JobLock)
                .where(JobLock.name == self.name, JobLock.expires_at < now)
                .values(holder=self.holder, acquired_at=now, expires_at=expires)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def renew(self) -> None:
        with session_scope(self.sessions) as session:
            session.execute(
                update(JobLock)
                .where(JobLock.name == self.name, JobLock.holder == self.holder)
                .values(expires_at=utcnow() + timedelta(seconds=self.seconds))
            )

    def release(self) -> None:
        with session_scope(self.sessions) as session:
            session.execute(delete(JobLock).where(JobLock.name == self.name, JobLock.holder == self.holder))

    def current_holder(self) -> JobLock | None:
        """The live lease on this name, if any (an expired one no longer holds anything)."""
        with session_scope(self.sessions) as session:
            return session.scalar(
                select(JobLock).where(JobLock.name == self.name, JobLock.expires_at >= utcnow())
            )
