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
STATUSES = (QUEUED, RUNNING, SUCCEEDED, FAILED)


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
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (
        # At most one queued or running job of a kind: a second request for a sync while one is
        # waiting or running is that job, not another (enforced by the database, across hosts).
        Index(
            "uq_jobs_active_kind",
            "kind",
            unique=True,
            postgresql_where=text("status IN ('queued', 'running')"),
            sqlite_where=text("status IN ('queued', 'running')"),
        ),
        Index("ix_jobs_status_id", "status", "id"),
    )
