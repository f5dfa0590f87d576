from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import structlog
from typer.testing import CliRunner

from kabu_trade.cli import app
from kabu_trade.core import migrate

runner = CliRunner()


@pytest.fixture(autouse=True)
def _logs_back_to_the_real_stderr() -> Iterator[None]:
    """A command points the logs at the runner's stderr, closed after each invoke: a later test in
    this process that logs a warning would then fail with "I/O operation on closed file"."""
    config, handlers, level = structlog.get_config(), logging.root.handlers[:], logging.root.level
    yield
    structlog.configure(**config)
    logging.root.handlers[:], logging.root.level = handlers, level


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "KABU_DATA_DIR": str(tmp_path),
        "KABU_DATABASE_URL": "",
        "KABU_REDIS_URL": "",
        "KABU_DEMO_SYMBOLS": "12",
        "KABU_DEMO_START": "2024-01-04",
        "KABU_DEMO_END": "2024-03-29",
        "KABU_LOG_JSON": "false",
    }


def _clean(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if v}


def test_db_upgrade_and_current(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["db", "upgrade"], env=_clean(env))
    assert result.exit_code == 0, result.output
    assert migrate.head_revision() in result.output
    current = runner.invoke(app, ["db", "current"], env=_clean(env))
    assert f"database: {migrate.head_revision()}" in current.output
    down = runner.invoke(app, ["db", "downgrade", "base"], env=_clean(env))
    assert down.exit_code == 0 and "revision None" in down.output


def test_users_create_reads_the_password_from_stdin(env: dict[str, str]) -> None:
    ok = runner.invoke(
        app,
        ["users", "create", "alice", "--admin", "--password-stdin"],
        input="a-good-long-password\n",
        env=_clean(env),
    )
    assert ok.exit_code == 0, ok.output
    assert "Created user 'alice'" in ok.output and "admin" in ok.output
    dup = runner.invoke(
        app, ["users", "create", "alice", "--password-stdin"], input="a-good-long-password\n", env=_clean(env)
    )
    assert dup.exit_code == 1 and "already exists" in dup.output
    short = runner.invoke(
        app, ["users", "create", "bob", "--password-stdin"], input="short\n", env=_clean(env)
    )
    assert short.exit_code == 2 and "password" in short.output
    no_flag = runner.invoke(app, ["users", "create", "bob"], env=_clean(env))
    assert no_flag.exit_code == 2 and "--password-stdin" in no_flag.output


def test_sync_prints_a_summary_and_is_idempotent(env: dict[str, str]) -> None:
    first = runner.invoke(app, ["sync", "--until", "2024-03-29"], env=_clean(env))
    assert first.exit_code == 0, first.output
    assert "succeeded" in first.output and "daily bars" in first.output
    again = runner.invoke(app, ["sync", "--until", "2024-03-29"], env=_clean(env))
    assert again.exit_code == 0
    assert "0/0" in again.output  # nothing missing: no steps


def test_sync_rejects_bad_input_with_a_message(env: dict[str, str], tmp_path: Path) -> None:
    bad_date = runner.invoke(app, ["sync", "--until", "someday"], env=_clean(env))
    assert bad_date.exit_code == 2 and "--until" in bad_date.output
    bad_source = runner.invoke(app, ["sync", "--source", "stooq"], env=_clean(env))
    assert bad_source.exit_code == 1 and "stooq" in bad_source.output
    no_key = runner.invoke(app, ["sync", "--source", "jquants"], env=_clean(env))
    assert no_key.exit_code == 1 and "KABU_JQUANTS_API_KEY" in no_key.output
    csv = tmp_path / "bars.csv"
    csv.write_text("code,date,open,high,low,close,volume\n7203,2024-01-04,100,110,90,abc,1000\n")
    bad_csv = runner.invoke(app, ["sync", "--source", "csv", "--bars", str(csv)], env=_clean(env))
    assert bad_csv.exit_code == 1 and "row 2" in bad_csv.output


def test_sync_force_unlock_breaks_a_dead_holders_lease(env: dict[str, str], tmp_path: Path) -> None:
    from kabu_trade.core.db import create_db_engine, create_session_factory, session_scope
    from kabu_trade.core.locks import LeaseLock
    from kabu_trade.market.models import SyncRun
    from kabu_trade.market.sync import SYNC_LOCK

    assert runner.invoke(app, ["db", "upgrade"], env=_clean(env)).exit_code == 0
    nothing = runner.invoke(app, ["sync", "--force-unlock"], env=_clean(env))
    assert nothing.exit_code == 0 and "Nothing was locked" in nothing.output
    engine = create_db_engine(f"sqlite:///{tmp_path / 'kabu-trade.db'}")
    sessions = create_session_factory(engine)
    try:
        # What a killed sync leaves: its lease (an hour long here, as it used to be) and a running run.
        assert LeaseLock(sessions, SYNC_LOCK, 3600, holder="dead-host:4242:x").acquire()
        with session_scope(sessions) as session:
            session.add(SyncRun(source="demo", status="running"))
        blocked = runner.invoke(app, ["sync", "--until", "2024-03-29"], env=_clean(env))
        assert blocked.exit_code == 1 and "dead-host:4242:x" in blocked.output
        unlocked = runner.invoke(app, ["sync", "--force-unlock"], env=_clean(env))
        assert unlocked.exit_code == 0, unlocked.output
        assert "dead-host:4242:x" in unlocked.output and "#1" in unlocked.output
        with session_scope(sessions) as session:
            run = session.get(SyncRun, 1)
            assert run is not None and run.status == "failed" and run.finished_at is not None
            assert "unlocked by an administrator" in (run.error or "")
        assert LeaseLock(sessions, SYNC_LOCK, 60).lease() is None
    finally:
        engine.dispose()
    after = runner.invoke(app, ["sync", "--until", "2024-03-29"], env=_clean(env))
    assert after.exit_code == 0 and "succeeded" in after.output


def test_configuration_errors_are_reported_not_raised(env: dict[str, str]) -> None:
    broken = _clean({**env, "KABU_DATA_SOURCE": "stooq"})
    result = runner.invoke(app, ["db", "current"], env=broken)
    assert result.exit_code == 2 and "data_source" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_listens_at_once_and_loads_the_demo_in_the_background(env: dict[str, str]) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kabu_trade.cli", "serve", "--port", str(port)],
        env={**os.environ, **_clean(env), "KABU_LOG_JSON": "true"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        seen: list[dict[str, object]] = []
        # Polled until the first load is done or the server dies (generous bound on a loaded
        # machine; not a timed assertion). The server answers before the demo exists.
        deadline = time.monotonic() + 180
        while process.poll() is None and time.monotonic() < deadline:
            try:
                body = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).json()
            except httpx.HTTPError:
                time.sleep(0.25)
                continue
            seen.append(body)
            if body["data"]["latest_bar_date"] and not body["jobs"]["active"]:
                break
            time.sleep(0.1)
        if not seen:
            output = process.stdout.read() if process.poll() is not None and process.stdout else ""
            pytest.fail(f"server did not come up: {output or 'no answer'}")
        body = seen[-1]
        for early in seen:  # an answer while the load ran shows it (the load may also be that fast)
            if early["jobs"]["active"]:
                assert [job["first_load"] for job in early["jobs"]["active"]] == [True], early
        assert body["status"] == "ok" and body["data"]["demo"] is True
        assert body["data"]["latest_bar_date"] == "2024-03-29"
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/stocks").status_code == 401
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    # uvicorn finishes the shutdown, then re-raises SIGTERM so the exit status tells how it ended.
    assert process.returncode in (0, -signal.SIGTERM), output
    assert "Application shutdown complete" in output
    assert '"event": "setup_token"' in output and '"setup_token":' in output
    assert '"event": "shutdown"' in output
    assert output.index('"event": "first_load_queued"') < output.index('"event": "job_succeeded"')
    assert '"request_id":' in output


def test_data_status_and_set_jquants_read_the_key_from_stdin(env: dict[str, str]) -> None:
    import json

    import responses

    from tests.datasource.conftest import GOOD_KEY, MASTER, master_payload

    assert runner.invoke(app, ["db", "upgrade"], env=_clean(env)).exit_code == 0
    with responses.RequestsMock() as api:
        api.get(MASTER, json=master_payload())
        stored = runner.invoke(
            app, ["data", "set-jquants", "--plan", "light"], input=f"{GOOD_KEY}\n", env=_clean(env)
        )
        assert api.calls[0].request.headers["x-api-key"] == GOOD_KEY
    assert stored.exit_code == 0, stored.output
    status = runner.invoke(app, ["data", "status"], env=_clean(env))
    assert status.exit_code == 0 and GOOD_KEY not in status.output
    state = json.loads(status.output)
    assert state["jquants"]["configured"] is True and state["jquants"]["plan"] == "light"
    bad_plan = runner.invoke(app, ["data", "set-jquants", "--plan", "gold"], input="k\n", env=_clean(env))
    assert bad_plan.exit_code == 2
