"""The job table: long work (sync, metrics refresh, later backtests) as rows a worker claims.

A row is the whole story of one job: what was asked (kind, params, by whom), who runs it (the
worker's host:pid), how far it got (progress), and how it ended (result or error). The API only
inserts rows and reads them; ``kabu-trade worker`` (or, embedded, a thread of the API process)
claims and runs them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from kabu_trade.core.db import Base, JSONDoc, UTCDateTime, utcnow

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
ACTIVE_STATUSES = (QUEUED, RUNNING)
MAX_ATTEMPTS = 3
STATUSES = (QUEUED, RUNNING, SUCCEEDED, FAILED)
BACKTEST = "backtest"  # many may be queued at once (see uq_jobs_active_kind)
ACTIVE_UNIQUE_WHERE = "status IN ('queued', 'running') AND kind <> 'backtest'"


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=QUEUED)
    params: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    requested_by: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Renewed by the running worker; a running job whose heartbeat is older than the lease was
    # left by a worker that died, and is recorded as failed.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    progress_label: Mapped[str] = mapped_column(String(200), default="")
    # When the current phase began (its total changed) and how far it was then: the rate since
    # then gives the phase's remaining time (``eta_seconds``).
    progress_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    progress_base: Mapped[int] = mapped_column(Integer, default=0)
    # 1 for the first run; a sync whose worker died is queued again (it resumes from the chunks it
    # committed) up to MAX_ATTEMPTS times.
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)

    @property
    def eta_seconds(self) -> float | None:
        """Seconds left in the current phase at the rate so far; None until there is progress."""
        done, base, total = self.progress_done, self.progress_base or 0, self.progress_total
        if self.status != RUNNING or self.progress_since is None or done <= base or total <= done:
            return 0.0 if self.status == RUNNING and total and done >= total else None
        elapsed = (utcnow() - self.progress_since).total_seconds()
        return round(max(elapsed, 0.0) / (done - base) * (total - done), 1)

    __table_args__ = (
        # At most one queued or running job of a kind: a second request for a sync while one is
        # waiting or running is that job, not another (enforced by the database, across hosts).
        # Backtests are the exception: each user's runs are jobs of their own (``backtests``).
        Index(
            "uq_jobs_active_kind",
            "kind",
            unique=True,
            postgresql_where=text(ACTIVE_UNIQUE_WHERE),
            sqlite_where=text(ACTIVE_UNIQUE_WHERE),
        ),
        Index("ix_jobs_status_id", "status", "id"),
    )
