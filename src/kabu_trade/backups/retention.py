"""Which backups ``prune`` keeps: the newest of each of the last 7 days and 4 weeks that have one.

The architecture (§7) keeps daily backups for 7 days and a weekly copy beside them. The rule is
restic's ``--keep-daily 7 --keep-weekly 4``: walking the backups newest first, the first one of
each calendar day is kept until 7 days are kept, and, counted separately, the first one of each
ISO week until 4 weeks are kept; a backup kept by either rule stays. Counting days that *have* a
backup (not calendar days back from today) means a host that was off for a month still keeps its
last 7 backups instead of deleting them all. Days and weeks are UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

DAILY = 7
WEEKLY = 4


@dataclass(frozen=True)
class Plan:
    keep: dict[str, list[str]] = field(default_factory=dict)  # name -> why ("daily 2026-12-01", …)
    drop: list[str] = field(default_factory=list)  # newest first


def plan(backups: Iterable[tuple[str, datetime]], *, daily: int = DAILY, weekly: int = WEEKLY) -> Plan:
    """Split (name, created_at) pairs into those kept (with the reasons) and those to delete."""
    if daily < 0 or weekly < 0:
        raise ValueError(f"daily and weekly must be >= 0, not {daily} and {weekly}")
    ordered = sorted(backups, key=lambda item: (item[1], item[0]), reverse=True)
    keep: dict[str, list[str]] = {}
    days: list[str] = []
    weeks: list[str] = []
    for name, created in ordered:
        if created.tzinfo is None:
            raise ValueError(f"{name}: created_at must carry a time zone")
        moment = created.astimezone(UTC)
        day = moment.date().isoformat()
        year, week, _ = moment.isocalendar()
        week_label = f"{year}-W{week:02d}"
        if len(days) < daily and day not in days:
            days.append(day)
            keep.setdefault(name, []).append(f"daily {day}")
        if len(weeks) < weekly and week_label not in weeks:
            weeks.append(week_label)
            keep.setdefault(name, []).append(f"weekly {week_label}")
    drop = [name for name, _ in ordered if name not in keep]
    return Plan(keep=keep, drop=drop)
