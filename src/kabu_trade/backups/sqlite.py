"""SQLite: snapshots through the online backup API, restored through it in the other direction.

Snapshot: ``Connection.backup`` with ``pages=-1`` copies every page in one step under one read
transaction, so the copy is the database as of one commit even while a sync writes (WAL lets the
writer go on meanwhile). The copy is switched to a rollback journal, so it is one file.

Restore: the verified copy is written into the live database by the same API, in one step, which
SQLite performs as one write transaction on the destination: readers see the old database or the
new one, and a failure (disk full, crash) rolls back to the old one. A file rename was rejected
for this: under WAL the live database is three files, and a renamed-in main file beside the old
``-wal`` would get the old database's frames replayed onto it by the next connection; processes
holding the old file open would also go on reading a database nobody sees any more.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from kabu_trade.backups.digest import TableDigest, schema_revision, table_digests
from kabu_trade.backups.errors import BackupError

# How long to wait for a writer's lock (ms) before giving up: a sync commits in chunks.
_BUSY_TIMEOUT_SECONDS = 30


def _describe(path: Path) -> tuple[dict[str, TableDigest], str | None]:
    engine = sa.create_engine(f"sqlite:///{path}", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return table_digests(connection), schema_revision(connection)
    finally:
        engine.dispose()


def snapshot(database: Path, target: Path) -> tuple[dict[str, TableDigest], str | None]:
    """Copy DATABASE to the new file TARGET; the digests and revision describe the copy."""
    if not database.is_file():
        raise BackupError(f"there is no SQLite database at {database}")
    with (
        closing(sqlite3.connect(database, timeout=_BUSY_TIMEOUT_SECONDS)) as source,
        closing(sqlite3.connect(target)) as copy,
    ):
        try:
            source.backup(copy, pages=-1)
        except sqlite3.Error as exc:
            raise BackupError(f"SQLite could not copy {database}: {exc}") from None
        copy.execute("PRAGMA journal_mode=DELETE")
    return _describe(target)


def check(copy: Path) -> tuple[dict[str, TableDigest], str | None]:
    """Refuse a file that is not a sound SQLite database; else its digests and revision."""
    try:
        with closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as connection:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the data file is not a SQLite database ({exc}), nothing restored") from None
    if not verdict or verdict[0] != "ok":
        raise BackupError(f"the data file fails SQLite's integrity check ({verdict}), nothing restored")
    return _describe(copy)


def restore(copy: Path, database: Path) -> None:
    """Replace DATABASE's content by COPY's in one write transaction (all or nothing)."""
    database.parent.mkdir(parents=True, exist_ok=True)
    with (
        closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as source,
        closing(sqlite3.connect(database, timeout=_BUSY_TIMEOUT_SECONDS)) as live,
    ):
        try:
            source.backup(live, pages=-1)
        except sqlite3.Error as exc:
            raise BackupError(f"SQLite refused the restore ({exc}); the database is unchanged") from None
        # The app runs SQLite in WAL mode (core/db.py); the copied header says rollback journal.
        live.execute("PRAGMA journal_mode=WAL")
