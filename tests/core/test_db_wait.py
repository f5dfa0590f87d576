"""A database that does not answer at start: bounded retries, then exit 1 naming the host only."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from kabu_trade.cli import app
from kabu_trade.core.db_wait import DatabaseUnreachable, describe, wait_for_database
from tests.conftest import REQUIRE_SERVICES


def _closed_port() -> int:
    """A port nothing listens on: bound, then released (the kernel refuses connections to it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("command", [["db", "upgrade"], ["serve", "--port", "18009"]])
def test_a_closed_database_port_exits_1_naming_the_host_not_the_password(
    command: list[str], tmp_path: Path
) -> None:
    port = _closed_port()
    env = {
        "KABU_DATA_DIR": str(tmp_path),
        "KABU_DATABASE_URL": f"postgresql+psycopg://kabu:s3cret-pw@127.0.0.1:{port}/kabu_trade",
        "KABU_DB_CONNECT_TIMEOUT_SECONDS": "1",
        "KABU_LOG_JSON": "false",
    }
    result = CliRunner().invoke(app, command, env=env)
    assert result.exit_code == 1, result.output
    message = " ".join(result.output.split())
    assert f"The database at 127.0.0.1:{port}/kabu_trade did not answer" in message
    assert "KABU_DB_CONNECT_TIMEOUT_SECONDS" in message
    # Said once while waiting, then the verdict.
    assert message.count(f"127.0.0.1:{port}/kabu_trade does not answer yet; retrying for up to 1 s") == 1
    assert "s3cret-pw" not in result.output
    assert "Traceback" not in result.output
    # Retried, not given up at the first refusal.
    attempts = int(message.split(" attempt(s)")[0].rsplit(" ", 1)[1])
    assert attempts >= 2


def test_a_zero_wait_makes_one_attempt_and_does_not_announce_a_wait() -> None:
    url = f"postgresql+psycopg://kabu:pw@127.0.0.1:{_closed_port()}/kabu"
    told: list[str] = []
    with pytest.raises(DatabaseUnreachable, match=r"after 1 attempt\(s\)"):
        wait_for_database(url, 0, on_wait=told.append)
    assert told == []


def test_a_server_that_answers_is_reached_at_the_first_attempt() -> None:
    """The PostgreSQL of the test machine (127.0.0.1:5432, user postgres), when it runs."""
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    try:
        attempts = wait_for_database(url, 0)
    except DatabaseUnreachable:
        if REQUIRE_SERVICES:  # CI: the path must run, not vanish in a skip
            pytest.fail("no PostgreSQL on 127.0.0.1:5432, and CI needs it", pytrace=False)
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    assert attempts == 1


def test_sqlite_needs_no_wait(tmp_path: Path) -> None:
    assert wait_for_database(f"sqlite:///{tmp_path / 'new.db'}", 0) == 0


def test_describe_leaves_the_credentials_out() -> None:
    url = make_url("postgresql+psycopg://user:pw@db.example:6543/kabu")
    assert describe(url) == "db.example:6543/kabu"
