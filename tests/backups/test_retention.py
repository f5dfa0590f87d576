"""The retention rule of `backup prune` as a pure function, on hand-built dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kabu_trade.backups.retention import plan


def at(day: str, hour: int = 3) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def daily_from(first: str, count: int) -> list[tuple[str, datetime]]:
    start = at(first)
    return [(f"b{n:02d}", start + timedelta(days=n)) for n in range(count)]


def test_seven_days_and_four_weeks_of_daily_backups() -> None:
    # 2026-10-05 is a Monday; 40 daily backups run to Friday 2026-11-13 (ISO week 46).
    backups = daily_from("2026-10-05", 40)

    result = plan(backups)

    daily = {f"b{n:02d}" for n in range(33, 40)}  # Nov 7 .. Nov 13
    # Newest of each ISO week, newest weeks first: W46 (b39), W45 (Sun Nov 8 = b34),
    # W44 (Sun Nov 1 = b27), W43 (Sun Oct 25 = b20).
    weekly = {"b39", "b34", "b27", "b20"}
    assert set(result.keep) == daily | weekly
    assert result.keep["b39"] == ["daily 2026-11-13", "weekly 2026-W46"]
    assert result.keep["b27"] == ["weekly 2026-W44"]
    assert result.drop == [f"b{n:02d}" for n in range(39, -1, -1) if f"b{n:02d}" not in daily | weekly]


def test_several_backups_a_day_keep_the_newest_of_the_day() -> None:
    backups = [
        ("morning", at("2026-12-01", 1)),
        ("evening", at("2026-12-01", 20)),
        ("noon", at("2026-12-01", 12)),
        ("yesterday", at("2026-11-30", 12)),
    ]

    result = plan(backups, daily=7, weekly=0)

    assert result.keep == {"evening": ["daily 2026-12-01"], "yesterday": ["daily 2026-11-30"]}
    assert result.drop == ["noon", "morning"]


def test_days_are_counted_in_utc() -> None:
    tokyo = timezone(timedelta(hours=9))
    # 08:00 in Tokyo on Dec 2 is 23:00 UTC on Dec 1: the same UTC day as the other one.
    backups = [("a", datetime(2026, 12, 2, 8, 0, tzinfo=tokyo)), ("b", at("2026-12-01", 22))]

    assert plan(backups, daily=7, weekly=0).keep == {"a": ["daily 2026-12-01"]}


def test_a_gap_keeps_the_last_seven_backups_whatever_their_age() -> None:
    """A host that was off for months must not lose its last backups to the next prune."""
    backups = daily_from("2025-01-06", 10)

    result = plan(backups, daily=7, weekly=0)

    assert sorted(result.keep) == [f"b{n:02d}" for n in range(3, 10)]


def test_the_newest_backup_is_always_kept() -> None:
    assert plan([("only", at("2026-01-01"))], daily=1, weekly=0).keep == {"only": ["daily 2026-01-01"]}
    assert plan([], daily=7, weekly=4).keep == {}


def test_iso_weeks_across_a_new_year() -> None:
    # 2026-12-31 (Thu) and 2027-01-03 (Sun) are both ISO week 2026-W53; 2027-01-04 is 2027-W01.
    backups = [("thu", at("2026-12-31")), ("sun", at("2027-01-03")), ("mon", at("2027-01-04"))]

    result = plan(backups, daily=0, weekly=4)

    assert result.keep == {"mon": ["weekly 2027-W01"], "sun": ["weekly 2026-W53"]}
    assert result.drop == ["thu"]


@pytest.mark.parametrize(("daily", "weekly"), [(-1, 4), (7, -2)])
def test_negative_counts_are_refused(daily: int, weekly: int) -> None:
    with pytest.raises(ValueError, match="must be >= 0"):
        plan([], daily=daily, weekly=weekly)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="b: created_at must carry a time zone"):
        plan([("b", datetime(2026, 12, 1))])
