"""``kabu-trade backup create|list|restore|prune``: the database to a folder or S3, and back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Column, Table
from sqlalchemy.exc import SQLAlchemyError

from kabu_trade.backups import service
from kabu_trade.backups.errors import BackupError
from kabu_trade.backups.storage import Storage, open_storage
from kabu_trade.cli import _settings, app, err, out
from kabu_trade.core.config import Settings

backup_app = typer.Typer(
    help="Database backups: KABU_BACKUP_S3_URI (s3://bucket/prefix) if set, else KABU_BACKUP_DIR "
    "(default DATA_DIR/backups).",
    no_args_is_help=True,
)
app.add_typer(backup_app, name="backup")

LOCATION_HELP = "a folder or s3://bucket/prefix (default: KABU_BACKUP_S3_URI, else KABU_BACKUP_DIR)"
To = Annotated[str | None, typer.Option("--to", help=LOCATION_HELP)]
From = Annotated[str | None, typer.Option("--from", help=LOCATION_HELP)]


@contextmanager
def _refusals() -> Iterator[None]:
    """A refused or failed backup is a message and exit status 1, never a traceback."""
    try:
        yield
    except BackupError as exc:
        err.print(f"[red]Backup:[/red] {escape(exc.detail)}", soft_wrap=True)
        raise typer.Exit(1) from None
    except OSError as exc:
        err.print(f"[red]Backup:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None
    except SQLAlchemyError as exc:
        # E.g. the database refusing the connection: its own message, not a traceback.
        reason = getattr(exc, "orig", None) or exc
        err.print(f"[red]Backup: database error:[/red] {escape(str(reason))}", soft_wrap=True)
        raise typer.Exit(1) from None


def _storage(settings: Settings, location: str | None) -> Storage:
    return open_storage(location or settings.backup_location, settings.backup_s3_endpoint_url)


def _size(size: int) -> str:
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


@backup_app.command("create")
def backup_create(to: To = None) -> None:
    """Back the database up now (consistent even while a sync writes)."""
    settings = _settings()
    with _refusals():
        storage = _storage(settings, to)
        manifest = service.create(settings, storage)
    out.print(
        f"Backed up {manifest.total_rows} rows in {len(manifest.tables)} tables "
        f"(schema {manifest.alembic_revision}, {_size(manifest.size)}) to "
        f"{escape(storage.describe())}: {manifest.name}",
        soft_wrap=True,
    )


@backup_app.command("list")
def backup_list(
    source: From = None,
) -> None:
    """The backups there, newest first."""
    settings = _settings()
    with _refusals():
        storage = _storage(settings, source)
        manifests, unreadable = service.list_backups(storage)
    if not manifests and not unreadable:
        out.print(f"No backups in {escape(storage.describe())}.")
        return
    # The name is what `backup restore` takes and the revision what it checks: never shortened,
    # whatever the terminal's width (on a narrow one the date wraps instead).
    longest = max((len(m.name) for m in manifests), default=4)
    revision = max((len(m.alembic_revision) for m in manifests), default=8)
    table = Table(
        Column("name", no_wrap=True, min_width=longest),
        Column("created (UTC)"),
        Column("size", justify="right", no_wrap=True),
        Column("revision", no_wrap=True, min_width=revision),
        Column("rows", justify="right"),
        title=escape(storage.describe()),
    )
    for manifest in manifests:
        created = f"{manifest.created_at:%Y-%m-%d %H:%M}"
        table.add_row(
            manifest.name,
            created,
            _size(manifest.size),
            manifest.alembic_revision,
            f"{manifest.total_rows:,}",
        )
    out.print(table)
    for name, reason in sorted(unreadable.items()):
        err.print(f"[yellow]Skipped {escape(name)}:[/yellow] {escape(reason)}", soft_wrap=True)


@backup_app.command("restore")
def backup_restore(
    name: Annotated[str, typer.Argument(help="a backup's name, as `backup list` shows it")],
    source: From = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="do not ask for confirmation")] = False,
) -> None:
    """Replace the database by a backup, all or nothing. Stop the API and the worker first."""
    from kabu_trade.core.migrate import head_revision

    settings = _settings()
    with _refusals():
        storage = _storage(settings, source)
        manifest = service.load(storage, name)
        service.check_restorable(settings, manifest)
        if not yes:
            typer.confirm(
                f"Replace the {manifest.backend} database by {name} "
                f"(made {manifest.created_at:%Y-%m-%d %H:%M} UTC, {manifest.total_rows:,} rows)? "
                "Everything written since is lost",
                abort=True,
                err=True,
            )
        service.restore(settings, storage, name)
    out.print(
        f"Restored {name}: {manifest.total_rows} rows in {len(manifest.tables)} tables, checksums verified."
    )
    if manifest.alembic_revision != head_revision():
        out.print(
            f"The backup's schema ({manifest.alembic_revision}) is older than this kabu-trade's "
            f"({head_revision()}): run `kabu-trade db upgrade`."
        )


@backup_app.command("prune")
def backup_prune(
    source: From = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="show what would be deleted, delete nothing")
    ] = False,
) -> None:
    """Keep the newest backup of each of the last KABU_BACKUP_KEEP_DAILY days (7) and
    KABU_BACKUP_KEEP_WEEKLY weeks (4) that have one; delete the others."""
    settings = _settings()
    with _refusals():
        storage = _storage(settings, source)
        plans = service.prune(
            storage, daily=settings.backup_keep_daily, weekly=settings.backup_keep_weekly, dry_run=dry_run
        )
    dropped = sum(len(plan.drop) for plan in plans.values())
    table = Table("action", "why", title=escape(storage.describe()))
    table.columns.insert(0, Column("name", no_wrap=True))
    for plan in plans.values():
        for name, reasons in plan.keep.items():
            table.add_row(name, "keep", ", ".join(reasons))
        for name in plan.drop:
            table.add_row(name, "would delete" if dry_run else "deleted", "older than the retention")
    if table.row_count:
        out.print(table)
    verb = "Would delete" if dry_run else "Deleted"
    out.print(f"{verb} {dropped} backup(s); kept {sum(len(plan.keep) for plan in plans.values())}.")
