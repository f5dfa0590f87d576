"""`kabu-trade backup …` through typer's runner: messages and exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kabu_trade.backups import service
from kabu_trade.backups.manifest import manifest_key
from kabu_trade.backups.storage import FolderStorage
from kabu_trade.cli import app
from kabu_trade.core.config import Settings
from kabu_trade.core.migrate import head_revision
from tests.backups.conftest import digests_of, execute

runner = CliRunner()


@pytest.fixture
def settings(database_factory: Callable[..., Settings]) -> Settings:
    return database_factory("sqlite")


def _env(settings: Settings, **extra: str | None) -> dict[str, str | None]:
    env: dict[str, str | None] = {
        "KABU_ENV": "test",
        "KABU_DATA_DIR": str(settings.data_dir),
        "KABU_DATABASE_URL": settings.effective_database_url,
        "KABU_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "KABU_BACKUP_DIR": str(settings.backup_dir),
        "KABU_BACKUP_S3_URI": None,
        "KABU_BACKUP_S3_ENDPOINT_URL": None,
        "KABU_REDIS_URL": None,
        "COLUMNS": "200",
    }
    env.update(extra)
    return env


def _only_backup(settings: Settings) -> str:
    assert settings.backup_dir is not None
    [name] = [
        path.name.removesuffix(".manifest.json") for path in settings.backup_dir.glob("*.manifest.json")
    ]
    return name


def test_create_then_list(settings: Settings) -> None:
    created = runner.invoke(app, ["backup", "create"], env=_env(settings))

    assert created.exit_code == 0, created.output
    name = _only_backup(settings)
    assert f"to {settings.backup_dir}: {name}" in created.output
    assert "Backed up 1" in created.output  # 1,5xx rows
    listed = runner.invoke(app, ["backup", "list"], env=_env(settings))
    assert listed.exit_code == 0, listed.output
    assert name in listed.output
    assert head_revision() in listed.output


def test_list_of_an_empty_folder(settings: Settings, tmp_path: Path) -> None:
    result = runner.invoke(app, ["backup", "list", "--from", str(tmp_path / "none")], env=_env(settings))

    assert result.exit_code == 0
    assert "No backups in" in result.output


def test_create_to_another_folder(settings: Settings, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"

    result = runner.invoke(app, ["backup", "create", "--to", str(elsewhere)], env=_env(settings))

    assert result.exit_code == 0, result.output
    assert len(list(elsewhere.glob("*.manifest.json"))) == 1
    assert not (settings.backup_dir and settings.backup_dir.exists())


def test_restore_asks_first_and_a_no_changes_nothing(settings: Settings) -> None:
    assert runner.invoke(app, ["backup", "create"], env=_env(settings)).exit_code == 0
    name = _only_backup(settings)
    before = digests_of(settings)
    execute(settings, "DELETE FROM daily_bars")
    emptied = digests_of(settings)

    refused = runner.invoke(app, ["backup", "restore", name], input="n\n", env=_env(settings))

    assert refused.exit_code == 1
    assert f"Replace the sqlite database by {name}" in refused.output
    assert "Aborted" in refused.output
    assert digests_of(settings) == emptied

    accepted = runner.invoke(app, ["backup", "restore", name], input="y\n", env=_env(settings))
    assert accepted.exit_code == 0, accepted.output
    assert f"Restored {name}" in accepted.output
    assert digests_of(settings) == before


def test_restore_yes_does_not_ask(settings: Settings) -> None:
    assert runner.invoke(app, ["backup", "create"], env=_env(settings)).exit_code == 0
    execute(settings, "DELETE FROM users")

    result = runner.invoke(app, ["backup", "restore", _only_backup(settings), "--yes"], env=_env(settings))

    assert result.exit_code == 0, result.output
    assert "Replace" not in result.output
    assert digests_of(settings)["users"].rows == 1


def test_a_newer_schema_is_a_message_and_exit_1(settings: Settings) -> None:
    assert runner.invoke(app, ["backup", "create"], env=_env(settings)).exit_code == 0
    name = _only_backup(settings)
    assert settings.backup_dir is not None
    path = settings.backup_dir / manifest_key(name)
    document = json.loads(path.read_text())
    path.write_text(json.dumps({**document, "alembic_revision": "0099_future"}))

    result = runner.invoke(app, ["backup", "restore", name, "--yes"], env=_env(settings))

    assert result.exit_code == 1
    assert "comes from a newer schema (revision 0099_future" in result.output
    assert "Traceback" not in result.output


def test_a_corrupt_backup_is_a_message_and_exit_1(settings: Settings) -> None:
    assert runner.invoke(app, ["backup", "create"], env=_env(settings)).exit_code == 0
    name = _only_backup(settings)
    assert settings.backup_dir is not None
    data = settings.backup_dir / f"{name}.sqlite3"
    data.write_bytes(data.read_bytes()[:-4096])

    result = runner.invoke(app, ["backup", "restore", name, "--yes"], env=_env(settings))

    assert result.exit_code == 1
    assert "corrupt or incomplete, nothing restored" in result.output


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("latest", "'latest' is not a backup name"),
        (
            "kabu-trade-sqlite-20260101T000000000000Z",
            "there is no backup kabu-trade-sqlite-20260101T000000000000Z",
        ),
    ],
)
def test_unknown_backups_are_a_message_and_exit_1(settings: Settings, name: str, message: str) -> None:
    result = runner.invoke(app, ["backup", "restore", name, "--yes"], env=_env(settings))

    assert result.exit_code == 1
    assert message in result.output


def test_a_bad_s3_uri_is_a_configuration_error(settings: Settings) -> None:
    result = runner.invoke(app, ["backup", "list"], env=_env(settings, KABU_BACKUP_S3_URI="https://bucket/x"))

    assert result.exit_code == 2
    assert "is not an S3 location such as s3://bucket/prefix" in result.output


def test_prune_dry_run_then_prune(settings: Settings) -> None:
    assert settings.backup_dir is not None
    storage = FolderStorage(settings.backup_dir)
    start = datetime(2026, 11, 2, 3, tzinfo=UTC)
    made = [service.create(settings, storage, now=start + timedelta(days=day)) for day in range(9)]

    dry = runner.invoke(app, ["backup", "prune", "--dry-run"], env=_env(settings))

    assert dry.exit_code == 0, dry.output
    # Daily: days 8..2 (Nov 10..4); weekly: the newest of W46 and W45, days 8 and 6.
    assert "Would delete 2 backup(s); kept 7." in dry.output
    assert f"{made[1].name} │ would delete" in dry.output
    assert f"{made[0].name} │ would delete" in dry.output
    assert len(list(settings.backup_dir.glob("*.manifest.json"))) == 9

    done = runner.invoke(app, ["backup", "prune"], env=_env(settings, KABU_BACKUP_KEEP_DAILY="2"))
    assert done.exit_code == 0, done.output
    # Daily: days 8, 7; weekly: 8 (W46), 6 (W45).
    assert "Deleted 6 backup(s); kept 3." in done.output
    left = sorted(path.name for path in settings.backup_dir.iterdir())
    assert left == sorted(
        f"{made[day].name}{suffix}" for day in (6, 7, 8) for suffix in (".manifest.json", ".sqlite3")
    )


def test_an_unreachable_database_is_a_message_without_the_password(settings: Settings) -> None:
    url = "postgresql+psycopg://kabu:pa55-w0rd-x@127.0.0.1:1/kabu"

    result = runner.invoke(app, ["backup", "create"], env=_env(settings, KABU_DATABASE_URL=url))

    assert result.exit_code == 1
    assert "Backup: PostgreSQL:" in result.output
    assert "127.0.0.1" in result.output
    assert "pa55-w0rd-x" not in result.output
    assert "Traceback" not in result.output
