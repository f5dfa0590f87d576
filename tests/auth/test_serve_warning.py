"""`kabu-trade serve` on a non-loopback address in development mode warns loudly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from kabu_trade.cli import app

runner = CliRunner()


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The server start is recorded instead of listening (the warning comes before it)."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    return calls


def _env(tmp_path: Path) -> dict[str, str | None]:
    # The csv source skips the first-start demo generation: only the start-up path is under test.
    return {
        "KABU_DATA_DIR": str(tmp_path),
        "KABU_DATA_SOURCE": "csv",
        "KABU_LOG_JSON": "true",
        "KABU_ENV": None,
        "KABU_SECRET_KEY": None,
        "KABU_DATABASE_URL": None,
        "KABU_REDIS_URL": None,
    }


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "kabu.example.jp"])
def test_a_reachable_development_server_warns(
    host: str, tmp_path: Path, started: list[dict[str, Any]]
) -> None:
    result = runner.invoke(app, ["serve", "--host", host], env=_env(tmp_path))
    assert result.exit_code == 0, result.output
    assert "WARNING" in result.stderr and host in result.stderr and "KABU_ENV=production" in result.stderr
    assert '"event": "exposed_development_server"' in result.output
    assert started and started[0]["host"] == host


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_is_quiet(host: str, tmp_path: Path, started: list[dict[str, Any]]) -> None:
    result = runner.invoke(app, ["serve", "--host", host], env=_env(tmp_path))
    assert result.exit_code == 0, result.output
    assert "WARNING" not in result.output and "exposed_development_server" not in result.output
    # The install's own signing key was made before the server started.
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600


def test_a_bad_key_file_stops_the_start_with_a_message(tmp_path: Path, started: list[dict[str, Any]]) -> None:
    key = tmp_path / "secret.key"
    key.write_text("x" * 64)
    key.chmod(0o644)
    result = runner.invoke(app, ["serve"], env=_env(tmp_path))
    assert result.exit_code == 2 and "chmod 600" in result.stderr
    assert not started
