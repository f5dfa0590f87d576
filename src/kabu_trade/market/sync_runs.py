"""Sync runs whose process died: how to tell, how to record it, and the administrator's unlock.

Only the holder of the sync lease creates and finishes runs, so a run still marked "running" while
no live lease exists belongs to a process that stopped (killed, out of memory, host lost). Such a
run is reported as failed at once (health, run list) and recorded as failed, with why, by the next
sync, the scheduler or an administrator's unlock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from kabu_trade.core.db import session_scope, utcnow
from kabu_trade.core.locks import JobLock, Lease, break_lease
from kabu_trade.market.models import SyncRun

SYNC_LOCK = "market-sync"
UNLOCKED = "unlocked by an administrator"


def read_sync_lease(session: Session) -> Lease | None:
    row = session.get(JobLock, SYNC_LOCK)
    return Lease.of(row) if row is not None else None


def dead_run_reason(lease: Lease | None) -> str:
    if lease is None:
        return "the process running this sync stopped (it no longer held the sync lease)"
    return f"the process running this sync stopped ({lease.describe()})"


def is_stale(run: SyncRun, lease: Lease | None, now: datetime) -> bool:
    return run.status == "running" and (lease is None or lease.expired(now))


def stale_fields(run: SyncRun, lease: Lease | None, now: datetime) -> dict[str, Any]:
    """How to report a run whose process died before anyone recorded it: failed, and why."""
    if not is_stale(run, lease, now):
        return {"stale": False}
    return {"status": "failed", "error": dead_run_reason(lease), "stale": True}


def lease_status(lease: Lease | None, now: datetime) -> dict[str, Any] | None:
    if lease is None:
        return None
    return {
        "holder": lease.holder,
        "acquired_at": lease.acquired_at,
        "expires_at": lease.expires_at,
        "expired": lease.expired(now),
    }


def running_run_ids(sessions: sessionmaker[Session]) -> list[int]:
    with session_scope(sessions) as session:
        return list(session.scalars(select(SyncRun.id).where(SyncRun.status == "running")).all())


def fail_runs(sessions: sessionmaker[Session], ids: list[int], reason: str) -> list[int]:
    """Mark these runs failed with ``reason`` — those still "running", and only those."""
    if not ids:
        return []
    with session_scope(sessions) as session:
        still = list(
            session.scalars(select(SyncRun.id).where(SyncRun.id.in_(ids), SyncRun.status == "running")).all()
        )
        if still:
            session.execute(
                update(SyncRun)
                .where(SyncRun.id.in_(still), SyncRun.status == "running")
                .values(status="failed", error=reason, finished_at=utcnow())
            )
        return still


def recover_dead_runs(sessions: sessionmaker[Session]) -> list[int]:
    """Record as failed the runs left "running" by a sync whose lease expired or vanished.

    The runs are read before the lease: a sync that starts in between holds a live lease by then,
    and its own run is not among those read, so a live run is never marked failed."""
    ids = running_run_ids(sessions)
    if not ids:
        return []
    with session_scope(sessions) as session:
        lease = read_sync_lease(session)
    if lease is not None and not lease.expired(utcnow()):
        return []
    return fail_runs(sessions, ids, dead_run_reason(lease))


@dataclass
class Unlocked:
    lease: Lease | None
    runs: list[int] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return self.lease is not None or bool(self.runs)

    def describe(self) -> str:
        if not self.anything:
            return "Nothing was locked: no sync lease was held and no run was marked running."
        parts = []
        if self.lease is not None:
            state = "expired" if self.lease.expired(utcnow()) else "live"
            parts.append(
                f"Broke the sync lease of {self.lease.holder} ({state}, expiring "
                f"{self.lease.expires_at:%Y-%m-%d %H:%M:%S} UTC)."
            )
        if self.runs:
            ids = ", ".join(f"#{i}" for i in self.runs)
            parts.append(f"Marked run {ids} failed: {UNLOCKED}.")
        return " ".join(parts)


def force_unlock(sessions: sessionmaker[Session]) -> Unlocked:
    """An administrator's action: break the sync lease whoever holds it and fail its running run.

    A holder still alive finds its lease gone at its next heartbeat or write and stops writing."""
    ids = running_run_ids(sessions)
    lease = break_lease(sessions, SYNC_LOCK)
    reason = UNLOCKED if lease is None else f"{UNLOCKED} (lease held by {lease.holder})"
    return Unlocked(lease, fail_runs(sessions, ids, reason))
