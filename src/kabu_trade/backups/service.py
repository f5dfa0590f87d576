"""Create, list, restore and prune backups of the database the settings point at."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import make_url

from kabu_trade import __version__
from kabu_trade.backups import postgres, retention, sqlite
from kabu_trade.backups.errors import BackupError, NotStored
from kabu_trade.backups.manifest import (
    DATA_SUFFIX,
    FORMAT,
    FORMAT_VERSION,
    NAME_PATTERN,
    Backend,
    Manifest,
    TableEntry,
    describe_mismatch,
    manifest_key,
    new_name,
    parse,
    sha256_file,
    verify_file,
)
from kabu_trade.backups.storage import Storage
from kabu_trade.core.config import Settings
from kabu_trade.core.migrate import MIGRATIONS_DIR


@dataclass(frozen=True)
class Database:
    """The database of the settings, as the backup code needs it."""

    backend: Backend
    url: str
    path: Path | None  # SQLite's file

    @classmethod
    def of(cls, settings: Settings) -> Database:
        url = make_url(settings.effective_database_url)
        if url.get_backend_name() == "sqlite":
            if not url.database or url.database == ":memory:":
                raise BackupError("an in-memory SQLite database cannot be backed up or restored")
            return cls("sqlite", settings.effective_database_url, Path(url.database).resolve())
        if url.get_backend_name() == "postgresql":
            return cls("postgresql", settings.effective_database_url, None)
        raise BackupError(f"backups support SQLite and PostgreSQL, not {url.get_backend_name()}")


def create(settings: Settings, storage: Storage, *, now: datetime | None = None) -> Manifest:
    """Snapshot the database into STORAGE: the data file first, then its manifest."""
    database = Database.of(settings)
    created_at = now or datetime.now(UTC)
    name = new_name(database.backend, created_at)
    data_file = name + DATA_SUFFIX[database.backend]
    with tempfile.TemporaryDirectory(prefix="kabu-backup-") as folder:
        data = Path(folder) / data_file
        if database.path is not None:
            digests, revision = sqlite.snapshot(database.path, data)
        else:
            digests, revision = postgres.dump(database.url, data)
        if revision is None:
            raise BackupError("the database has no kabu-trade schema yet (run `kabu-trade db upgrade`)")
        manifest = Manifest(
            format=FORMAT,
            format_version=FORMAT_VERSION,
            name=name,
            kabu_trade_version=__version__,
            alembic_revision=revision,
            backend=database.backend,
            created_at=created_at,
            data_file=data_file,
            size=data.stat().st_size,
            sha256=sha256_file(data),
            tables={table: TableEntry(rows=d.rows, sha256=d.sha256) for table, d in digests.items()},
        )
        storage.put_file(data, data_file)
    storage.put_bytes(manifest.to_json(), manifest_key(name))
    return manifest


def load(storage: Storage, name: str) -> Manifest:
    if not NAME_PATTERN.match(name):
        raise BackupError(
            f"{name!r} is not a backup name (kabu-trade-<backend>-<time>, as `backup list` shows them)",
            field="name",
        )
    try:
        raw = storage.get_bytes(manifest_key(name))
    except NotStored:
        raise NotStored(f"there is no backup {name} in {storage.describe()}", field="name") from None
    return parse(raw, name)


def list_backups(storage: Storage) -> tuple[list[Manifest], dict[str, str]]:
    """The readable manifests, newest first, and the unreadable ones with the reason."""
    manifests, unreadable = [], {}
    for name in storage.manifest_names():
        try:
            manifests.append(load(storage, name))
        except BackupError as exc:
            unreadable[name] = exc.detail
    manifests.sort(key=lambda manifest: manifest.created_at, reverse=True)
    return manifests, unreadable


def _require_known_revision(manifest: Manifest) -> None:
    scripts = ScriptDirectory(str(MIGRATIONS_DIR))
    try:
        known = scripts.get_revision(manifest.alembic_revision) is not None
    except CommandError:
        known = False
    if not known:
        raise BackupError(
            f"{manifest.name} comes from a newer schema (revision {manifest.alembic_revision}, "
            f"kabu-trade {manifest.kabu_trade_version}) than this kabu-trade {__version__} knows "
            f"(newest revision {scripts.get_current_head()}): upgrade kabu-trade, then restore. "
            "Nothing restored."
        )


def check_restorable(settings: Settings, manifest: Manifest) -> Database:
    """Refusals that need no download: another backend, a schema newer than this code."""
    database = Database.of(settings)
    if manifest.backend != database.backend:
        raise BackupError(
            f"{manifest.name} is a {manifest.backend} backup and this kabu-trade uses {database.backend}: "
            "nothing restored"
        )
    _require_known_revision(manifest)
    return database


def restore(settings: Settings, storage: Storage, name: str) -> Manifest:
    """Replace the database by backup NAME, all or nothing; every check runs before it is touched."""
    manifest = load(storage, name)
    database = check_restorable(settings, manifest)
    with tempfile.TemporaryDirectory(prefix="kabu-restore-") as folder:
        copy = Path(folder) / manifest.data_file
        storage.get_file(manifest.data_file, copy)
        verify_file(copy, manifest)
        if database.path is not None:
            digests, revision = sqlite.check(copy)
            problem = describe_mismatch(manifest.digests(), digests)
            if problem is None and revision != manifest.alembic_revision:
                problem = f"schema revision {revision}, the manifest says {manifest.alembic_revision}"
            if problem:
                raise BackupError(
                    f"{name}: the data file does not match its manifest ({problem}), nothing restored"
                )
            sqlite.restore(copy, database.path)
        else:
            postgres.check(copy)
            postgres.restore(copy, database.url, manifest.digests(), manifest.alembic_revision)
    return manifest


def prune(storage: Storage, *, daily: int, weekly: int, dry_run: bool) -> dict[str, retention.Plan]:
    """Apply the retention rule to each backend's backups separately; delete unless DRY_RUN.

    A manifest is deleted before its data file: an interrupted prune leaves a data file that is
    no longer listed, never a listed backup without its data. Unreadable manifests are left alone.
    """
    manifests, _ = list_backups(storage)
    plans: dict[str, retention.Plan] = {}
    for backend in sorted({manifest.backend for manifest in manifests}):
        mine = [manifest for manifest in manifests if manifest.backend == backend]
        plans[backend] = retention.plan(
            [(manifest.name, manifest.created_at) for manifest in mine], daily=daily, weekly=weekly
        )
        if not dry_run and plans[backend].drop:
            gone = set(plans[backend].drop)
            storage.delete([manifest_key(name) for name in plans[backend].drop])
            storage.delete([manifest.data_file for manifest in mine if manifest.name in gone])
    return plans
