"""A backup taken while another connection writes holds whole transactions only.

The writer adds one bar for *every* stock of a new day per transaction, so in any consistent view
all stocks have the same number of bars. The backup is restored into another database and
checked there, and the manifest must describe exactly that content.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from kabu_trade.backups import service
from kabu_trade.backups.storage import FolderStorage
from kabu_trade.core.config import Settings
from tests.backups.conftest import digests_of

INSERT_BAR = sa.text(
    "INSERT INTO daily_bars (code, date, open, high, low, close, volume, turnover, adj_factor) "
    "VALUES (:code, :date, 100, 101, 99, 100, 1000, 100000, 1.0)"
)
FIRST_DAY = date(2025, 1, 6)


def _codes(engine: sa.Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(sa.text("SELECT code FROM stocks ORDER BY code")).scalars())


def _write_day(connection: sa.Connection, codes: list[str], day: date) -> None:
    for code in codes:
        connection.execute(INSERT_BAR, {"code": code, "date": day})


def _bars_per_stock(settings: Settings) -> set[int]:
    engine = sa.create_engine(settings.effective_database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            counts = connection.execute(sa.text("SELECT count(*) FROM daily_bars GROUP BY code")).scalars()
            return set(counts)
    finally:
        engine.dispose()


def test_a_backup_during_writes_holds_whole_transactions_only(
    backend: str, database_factory: Callable[..., Settings]
) -> None:
    """The writer (another thread, its own connection) commits three days, then stays in the
    middle of the fourth, half of its stocks written, for as long as the backup runs; then it
    finishes that day and writes two more. The backup must hold exactly the three days."""
    settings = database_factory(backend)
    assert settings.backup_dir is not None
    storage = FolderStorage(settings.backup_dir)
    engine = sa.create_engine(settings.effective_database_url, poolclass=NullPool)
    codes = _codes(engine)
    before = _bars_per_stock(settings)
    mid_transaction = threading.Event()
    backup_done = threading.Event()
    failures: list[BaseException] = []

    def write() -> None:
        try:
            days = [FIRST_DAY + timedelta(days=offset) for offset in range(6)]
            for day in days[:3]:
                with engine.begin() as connection:
                    _write_day(connection, codes, day)
            with engine.begin() as connection:
                _write_day(connection, codes[: len(codes) // 2], days[3])
                mid_transaction.set()
                # WAL (and PostgreSQL's MVCC) let the backup read while this transaction is open.
                assert backup_done.wait(timeout=120)
                _write_day(connection, codes[len(codes) // 2 :], days[3])
            for day in days[4:]:
                with engine.begin() as connection:
                    _write_day(connection, codes, day)
        except BaseException as exc:  # reported by the test, not lost in the thread
            failures.append(exc)
            mid_transaction.set()

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    assert mid_transaction.wait(timeout=120)
    try:
        manifest = service.create(settings, storage)
    finally:
        backup_done.set()
        writer.join(timeout=120)
    engine.dispose()
    assert not failures, failures
    assert before == {120}
    assert _bars_per_stock(settings) == {126}

    copy = database_factory(backend, filled=False)
    service.restore(copy, storage, manifest.name)

    assert _bars_per_stock(copy) == {123}
    assert manifest.tables["daily_bars"].rows == 123 * len(codes)
    assert digests_of(copy) == manifest.digests()
