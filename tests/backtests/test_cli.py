"""``kabu-trade backtest``: the summary table, --json, --csv, and bad input with a non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from kabu_trade.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A synced demo database (SQLite) with one user and the momentum preset."""
    folder = tmp_path_factory.mktemp("backtest-cli")
    values = {
        "KABU_DATA_DIR": str(folder),
        "KABU_DEMO_SYMBOLS": "12",
        "KABU_DEMO_START": "2023-01-04",
        "KABU_DEMO_END": "2024-06-28",
        "KABU_LOG_JSON": "false",
        "KABU_LOG_LEVEL": "WARNING",
    }
    assert runner.invoke(app, ["sync", "--until", "2024-06-28"], env=values).exit_code == 0
    made = runner.invoke(
        app, ["users", "create", "solo", "--password-stdin"], input="a-long-password\n", env=values
    )
    assert made.exit_code == 0, made.output
    created = runner.invoke(app, ["policies", "from-preset", "momentum"], env=values)
    assert created.exit_code == 0, created.output
    values["POLICY_ID"] = created.output.split("#")[1].split()[0]
    return values


def _backtest(env: dict[str, str], *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["backtest", *args], env=env)


def test_summary_table_json_and_trades_csv(env: dict[str, str], tmp_path: Path) -> None:
    period = ["--policy", env["POLICY_ID"], "--from", "2024-01-04", "--to", "2024-06-28", "--min-match", "40"]
    shown = _backtest(env, *period, "--cost", "sbi", "--lang", "en")
    assert shown.exit_code == 0, shown.output
    for label in ("final equity", "equal-weight universe", "max drawdown", "win rate", "Sharpe"):
        assert label in shown.output
    trades = tmp_path / "trades.csv"
    done = _backtest(
        env, *period, "--json", "--csv", str(trades), "--cost", "pct:0.1,min:100", "--sizing", "risk"
    )
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    assert result["params"]["cost"] == "pct:0.1,min:100" and result["params"]["sizing"] == "risk"
    assert result["summary"]["trades"] == len(result["trades"])
    frame = pd.read_csv(trades)
    assert len(frame) == len(result["trades"]) and "reason_text" in frame.columns


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--policy", "999", "--from", "2024-01-04", "--to", "2024-06-28"], "not found"),
        (["--from", "2024-06-28", "--to", "2024-01-04"], "from"),
        (["--from", "2030-01-01", "--to", "2030-06-28"], "No market data"),
        (["--from", "2024-01-04", "--to", "2024-06-28", "--cost", "pct:50"], "cost"),
        (["--from", "yesterday", "--to", "2024-06-28"], "--from"),
    ],
)
def test_bad_input_is_a_message_and_a_non_zero_exit(
    env: dict[str, str], args: list[str], message: str
) -> None:
    if "--policy" not in args:
        args = ["--policy", env["POLICY_ID"], *args]
    result = _backtest(env, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_check_lookahead_passes_and_a_leak_exits_1(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    period = ["--policy", env["POLICY_ID"], "--from", "2024-01-04", "--to", "2024-05-31", "--min-match", "40"]
    shown = _backtest(env, *period, "--check-lookahead", "--lang", "en")
    assert shown.exit_code == 0, shown.output
    assert "No look-ahead" in shown.output
    done = _backtest(env, *period, "--check-lookahead", "--json")
    assert done.exit_code == 0, done.output
    check = json.loads(done.stdout)["lookahead"]
    assert check["checked"] is True and check["differences"] == []
    assert check["cuts"][-1] == "2024-05-31"  # data follows the period: its last session is a cut
    assert json.loads(_backtest(env, *period, "--json").stdout)["lookahead"]["checked"] is False

    # A metric read one session early is look-ahead: named with its date and stock, exit 1.
    import numpy as np

    from kabu_trade.backtests import service
    from kabu_trade.engine.panel import Panel

    build = service.build_panel

    def leaking(bars, source):  # type: ignore[no-untyped-def]
        panel = build(bars, source)
        early = np.full(panel.shape, np.nan)
        early[:-1] = panel.columns["sma_25"][1:]
        return Panel(panel.dates, panel.symbols, {**panel.columns, "sma_25": early})

    monkeypatch.setattr(service, "build_panel", leaking)
    leaked = _backtest(env, *period, "--check-lookahead", "--lang", "en")
    assert leaked.exit_code == 1
    assert "metric sma_25 differs on" in leaked.output and "Traceback" not in leaked.output
