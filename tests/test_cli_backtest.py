"""``kabu-trade backtest-parity``: the JSON contract, the table, and bad input without a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import Result
from typer.testing import CliRunner

from kabu_trade.cli import app

runner = CliRunner()
CONTRACT_KEYS = {"trades", "return_pct", "win_rate_pct", "max_drawdown_pct", "exposure_pct", "final_equity"}


@pytest.fixture(scope="module")
def goog_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """backtesting.py's bundled GOOG bars as the contract's CSV."""
    from backtesting.test import GOOG

    path = tmp_path_factory.mktemp("parity") / "goog.csv"
    GOOG.rename_axis("Date").reset_index().to_csv(path, index=False)
    return path


def _parity(*args: str) -> Result:
    return runner.invoke(app, ["backtest-parity", *args])


def test_json_carries_the_contract_and_matches_backtesting_py(goog_csv: Path) -> None:
    done = _parity("--csv", str(goog_csv), "--fast", "10", "--slow", "20", "--cash", "10000",
                   "--commission", "0.002", "--json")  # fmt: skip
    assert done.exit_code == 0, done.output
    figures = json.loads(done.output)
    assert figures.keys() >= CONTRACT_KEYS
    # backtesting.py's figures for the same run (tests/engine/test_parity.py checks them live).
    assert figures["trades"] == 47
    assert figures["final_equity"] == pytest.approx(62_562.31456, rel=1e-9)
    assert figures["return_pct"] == pytest.approx(525.6231456, rel=1e-9)
    assert figures["win_rate_pct"] == pytest.approx(61.702127659574465, rel=1e-9)
    assert figures["max_drawdown_pct"] == pytest.approx(-20.01734114371039, rel=1e-9)
    assert figures["exposure_pct"] == pytest.approx(59.543761638733706, rel=1e-9)


def test_without_json_a_table(goog_csv: Path) -> None:
    done = _parity("--csv", str(goog_csv), "--fast", "5", "--slow", "30")
    assert done.exit_code == 0, done.output
    assert "final equity" in done.output and "max drawdown" in done.output


def test_rows_out_of_order_are_sorted_by_date(goog_csv: Path, tmp_path: Path) -> None:
    shuffled = tmp_path / "shuffled.csv"
    pd.read_csv(goog_csv).sample(frac=1.0, random_state=1).to_csv(shuffled, index=False)
    runs = [json.loads(_parity("--csv", str(p), "--json").output) for p in (goog_csv, shuffled)]
    assert runs[0]["final_equity"] == runs[1]["final_equity"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--csv", "/nonexistent/bars.csv"], "Error (--csv): no such file"),
        (["--fast", "20", "--slow", "10"], "Error (--slow): must be greater than fast"),
        (["--fast", "10", "--slow", "10"], "Error (--slow)"),
        (["--fast", "0"], "Error (--fast)"),
        (["--cash", "-100"], "Error (--cash): must be a positive amount"),
        (["--commission", "0.5"], "Error (--commission)"),
    ],
)
def test_bad_arguments_exit_non_zero_with_a_message(goog_csv: Path, args: list[str], says: str) -> None:
    if "--csv" not in args:
        args = ["--csv", str(goog_csv), *args]
    done = _parity(*args)
    assert done.exit_code == 2
    assert says in " ".join(done.output.split())
    assert "Traceback" not in done.output
    assert isinstance(done.exception, SystemExit)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("Date,Open,High\n2024-01-04,1,2\n", "missing column(s) Low, Close, Volume"),
        ("", "cannot read"),
        ("Date,Open,High,Low,Close,Volume\n2024-01-04,x,2,1,1,5\n2024-01-05,1,2,1,1,5\n", "unreadable"),
        ("Date,Open,High,Low,Close,Volume\n2024-01-04,1,2,1,,5\n2024-01-05,1,2,1,1,5\n", "positive number"),
        ("Date,Open,High,Low,Close,Volume\n2024-01-04,1,2,1,1,5\n", "at least two bars"),
    ],
)
def test_bad_files_exit_non_zero_with_a_message(tmp_path: Path, content: str, says: str) -> None:
    path = tmp_path / "bars.csv"
    path.write_text(content)
    done = _parity("--csv", str(path), "--json")
    assert done.exit_code == 2, done.output
    assert says in " ".join(done.output.split())
    assert isinstance(done.exception, SystemExit)
