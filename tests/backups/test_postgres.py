"""PostgreSQL specifics: the swap ends the sessions still open on the database, and the
password reaches pg_dump/pg_restore through the environment only."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from kabu_trade.backups import postgres, service
from kabu_trade.backups.storage import FolderStorage
from kabu_trade.core.config import Settings
from tests.backups.conftest import digests_of, execute
from tests.conftest import _services_or_skip


@pytest.fixture
def pg(database_factory: Callable[..., Settings]) -> Settings:
    _services_or_skip()
    return database_factory("postgresql")


def test_sessions_left_open_are_ended_and_see_the_restored_database_after(pg: Settings) -> None:
    assert pg.backup_dir is not None
    storage = FolderStorage(pg.backup_dir)
    manifest = service.create(pg, storage)
    execute(pg, "DELETE FROM users")
    # An API process that was not stopped: a pooled connection idle on the database.
    engine = sa.create_engine(pg.effective_database_url, pool_size=1, pool_pre_ping=True)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM users")).scalar_one() == 0
    try:
        service.restore(pg, storage, manifest.name)

        # pre-ping finds the ended session and reconnects: to the restored database.
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM users")).scalar_one() == 1
    finally:
        engine.dispose()
    assert digests_of(pg) == manifest.digests()


def test_the_password_never_goes_on_a_command_line(pg: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The local server trusts 127.0.0.1, so a password is accepted and ignored: the calls are
    real; the spy only records what each child process was given."""
    url = make_url(pg.effective_database_url).set(password="s3cret-Pa55")
    settings = pg.model_copy(update={"database_url": url.render_as_string(hide_password=False)})
    calls: list[tuple[list[str], dict[str, str]]] = []
    real_run = subprocess.run

    def spy(command: list[str], **options: Any) -> Any:
        calls.append((list(command), dict(options.get("env") or {})))
        return real_run(command, **options)

    monkeypatch.setattr(postgres.subprocess, "run", spy)
    assert settings.backup_dir is not None
    storage = FolderStorage(settings.backup_dir)

    manifest = service.create(settings, storage)
    service.restore(settings, storage, manifest.name)

    programs = [command[0].rsplit("/", 1)[-1] for command, _ in calls]
    assert programs == ["pg_dump", "pg_restore", "pg_restore"]  # dump; --list; restore
    for command, _ in calls:
        assert not any("s3cret" in part for part in command), command
        assert not any("postgresql://" in part for part in command), command
    assert calls[0][1]["PGPASSWORD"] == "s3cret-Pa55"
    assert calls[2][1]["PGPASSWORD"] == "s3cret-Pa55"
