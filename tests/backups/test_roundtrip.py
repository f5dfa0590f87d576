"""Backup and restore through the service, on SQLite and on the real PostgreSQL: what comes back
is what was saved, table by table, and a refused restore leaves the database as it was."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from kabu_trade.backups import service
from kabu_trade.backups.errors import BackupError
from kabu_trade.backups.manifest import manifest_key, sha256_file
from kabu_trade.backups.storage import FolderStorage
from kabu_trade.core.config import Settings
from kabu_trade.core.migrate import head_revision
from tests.backups.conftest import PrivateDatabases, digests_of, execute

# A change made after the backup, that a restore must undo.
LATER_WRITES = (
    "DELETE FROM daily_bars WHERE date < '2024-02-01'",
    "UPDATE users SET is_admin = NOT is_admin",
)


def _storage(settings: Settings) -> FolderStorage:
    assert settings.backup_dir is not None
    return FolderStorage(settings.backup_dir)


def _rewrite_manifest(storage: FolderStorage, name: str, **changes: object) -> None:
    path = storage.root / manifest_key(name)
    document = json.loads(path.read_text())
    document.update(changes)
    path.write_text(json.dumps(document))


def test_round_trip_restores_every_table_exactly(
    backend: str, database_factory: Callable[..., Settings]
) -> None:
    settings = database_factory(backend)
    storage = _storage(settings)
    before = digests_of(settings)

    manifest = service.create(settings, storage)

    assert manifest.backend == backend
    assert manifest.alembic_revision == head_revision()
    assert manifest.digests() == before
    assert manifest.tables["daily_bars"].rows == 12 * 120
    assert manifest.tables["users"].rows == 1
    assert sha256_file(storage.root / manifest.data_file) == manifest.sha256
    execute(settings, *LATER_WRITES)
    assert digests_of(settings) != before

    restored = service.restore(settings, storage, manifest.name)

    assert restored == manifest
    assert digests_of(settings) == before


def test_a_corrupt_data_file_is_refused_before_the_database_is_touched(
    backend: str, database_factory: Callable[..., Settings]
) -> None:
    settings = database_factory(backend)
    storage = _storage(settings)
    manifest = service.create(settings, storage)
    execute(settings, *LATER_WRITES)
    changed = digests_of(settings)
    data = storage.root / manifest.data_file
    raw = bytearray(data.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    data.write_bytes(bytes(raw))

    with pytest.raises(BackupError, match="checksum mismatch"):
        service.restore(settings, storage, manifest.name)

    assert digests_of(settings) == changed


def test_a_foreign_file_with_a_matching_checksum_is_refused(
    backend: str, database_factory: Callable[..., Settings]
) -> None:
    """Someone's file under a manifest that vouches for it: its content is checked, not trusted."""
    settings = database_factory(backend)
    storage = _storage(settings)
    manifest = service.create(settings, storage)
    execute(settings, *LATER_WRITES)
    changed = digests_of(settings)
    data = storage.root / manifest.data_file
    data.write_bytes(b"name,price\n7203,2500\n" * 100)
    _rewrite_manifest(storage, manifest.name, size=data.stat().st_size, sha256=sha256_file(data))

    expected = "not a SQLite database" if backend == "sqlite" else "not a pg_dump archive"
    with pytest.raises(BackupError, match=expected):
        service.restore(settings, storage, manifest.name)

    assert digests_of(settings) == changed


def test_a_manifest_kabu_trade_did_not_write_is_refused(
    backend: str, database_factory: Callable[..., Settings]
) -> None:
    settings = database_factory(backend)
    storage = _storage(settings)
    manifest = service.create(settings, storage)
    (storage.root / manifest_key(manifest.name)).write_text('{"format": "tarball", "files": []}')

    with pytest.raises(BackupError, match="not a kabu-trade backup manifest"):
        service.restore(settings, storage, manifest.name)
    listed, unreadable = service.list_backups(storage)
    assert listed == []
    assert "not a kabu-trade backup manifest" in unreadable[manifest.name]


def test_a_backup_from_a_newer_schema_is_refused_with_a_clear_message(
    backend: str, database_factory: Callable[..., Settings]
) -> None:
    settings = database_factory(backend)
    storage = _storage(settings)
    manifest = service.create(settings, storage)
    execute(settings, *LATER_WRITES)
    changed = digests_of(settings)
    _rewrite_manifest(storage, manifest.name, alembic_revision="0042_portfolio", kabu_trade_version="0.9.0")

    with pytest.raises(BackupError) as refused:
        service.restore(settings, storage, manifest.name)

    message = refused.value.detail
    assert "newer schema (revision 0042_portfolio, kabu-trade 0.9.0)" in message
    assert f"newest revision {head_revision()}" in message
    assert "upgrade kabu-trade" in message
    assert digests_of(settings) == changed


def test_a_data_file_that_differs_from_its_manifest_is_not_restored(
    backend: str, database_factory: Callable[..., Settings], pg_databases: PrivateDatabases
) -> None:
    """The manifest's table checksums are checked on the restored copy before it replaces the
    database (PostgreSQL: the fresh database is dropped, nothing of it is left behind)."""
    settings = database_factory(backend)
    storage = _storage(settings)
    manifest = service.create(settings, storage)
    execute(settings, *LATER_WRITES)
    changed = digests_of(settings)
    tables = {name: table.model_dump() for name, table in manifest.tables.items()}
    tables["stocks"]["sha256"] = "0" * 64
    _rewrite_manifest(storage, manifest.name, tables=tables)

    with pytest.raises(BackupError, match="table stocks differs from the manifest's checksum"):
        service.restore(settings, storage, manifest.name)

    assert digests_of(settings) == changed
    if backend == "postgresql":
        live = settings.effective_database_url.rsplit("/", 1)[1]
        assert pg_databases.names_like(live) == [live]


def test_a_backup_of_the_other_backend_is_refused(
    database_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    from tests.conftest import _services_or_skip

    _services_or_skip()
    sqlite_settings = database_factory("sqlite")
    storage = _storage(sqlite_settings)
    manifest = service.create(sqlite_settings, storage)
    postgres_settings = database_factory("postgresql", filled=False)

    with pytest.raises(BackupError, match="is a sqlite backup and this kabu-trade uses postgresql"):
        service.restore(postgres_settings, storage, manifest.name)


def test_a_database_without_a_schema_is_not_backed_up(
    backend: str, database_factory: Callable[..., Settings]
) -> None:
    settings = database_factory(backend, filled=False)
    if backend == "sqlite":
        execute(settings, "CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    storage = _storage(settings)

    with pytest.raises(BackupError, match="no kabu-trade schema"):
        service.create(settings, storage)
    assert service.list_backups(storage) == ([], {})
