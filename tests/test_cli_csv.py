"""The CSV import from the shell: the committed example files import as they are (so the
documentation cannot rot), a re-import updates the listing, and the summary shows the file's period."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from kabu_trade.cli import app

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A private embedded (SQLite) data directory, whatever the environment says."""
    return {
        "KABU_DATA_DIR": str(tmp_path / "data"),
        "KABU_DATABASE_URL": "",
        "KABU_REDIS_URL": "",
        "KABU_DATA_SOURCE": "csv",
        "KABU_LOG_JSON": "false",
        "KABU_LOG_LEVEL": "WARNING",
    }


def _import(env: dict[str, str], stocks: Path = EXAMPLES / "stocks.csv") -> str:
    args = ["sync", "--source", "csv", "--bars", str(EXAMPLES / "prices.csv")]
    args += ["--fundamentals", str(EXAMPLES / "fundamentals.csv"), "--stocks", str(stocks)]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _stored(env: dict[str, str]) -> dict[str, tuple[str, str | None]]:
    from kabu_trade.core.config import Settings
    from kabu_trade.core.context import build_context
    from kabu_trade.core.db import session_scope
    from kabu_trade.market.models import Stock

    context = build_context(Settings(data_dir=Path(env["KABU_DATA_DIR"])))
    try:
        with session_scope(context.sessions) as session:
            rows = session.execute(select(Stock.code, Stock.name, Stock.market)).all()
            return {code: (name, market) for code, name, market in rows}
    finally:
        context.close()


def test_every_example_file_imports_and_the_summary_shows_the_files_period(env: dict[str, str]) -> None:
    output = _import(env)
    assert "succeeded" in output
    assert "2024-01-04 … 2024-01-11" in output, output
    stored = _stored(env)
    assert stored == {
        "0001": ("見本精機", "prime"),
        "0002": ("見本食品", "standard"),
        "0003": ("見本ソフト", "growth"),
    }


def test_a_reimport_with_stocks_updates_names_and_markets(env: dict[str, str], tmp_path: Path) -> None:
    _import(env)
    renamed = tmp_path / "stocks.csv"
    text = (EXAMPLES / "stocks.csv").read_text(encoding="utf-8")
    renamed.write_text(
        text.replace("見本食品,ミホンショクヒン", "見本フーズ,ミホンフーズ").replace(
            "5250,情報・通信業,growth", "5250,情報・通信業,prime"
        ),
        encoding="utf-8",
    )
    again = _import(env, renamed)
    stored = _stored(env)
    assert stored["0002"] == ("見本フーズ", "standard")
    assert stored["0003"] == ("見本ソフト", "prime")
    # Nothing new in the prices, but the file's period is still what the summary shows.
    assert "2024-01-04 … 2024-01-11" in again, again


def test_sync_help_documents_the_csv_columns_and_examples() -> None:
    result = runner.invoke(app, ["sync", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for words in ("examples/prices.csv", "examples/fundamentals.csv", "examples/stocks.csv"):
        assert words in result.output
    for column in ("disclosed_date", "period_type", "adj_factor", "lot_size", "sector_code"):
        assert column in result.output
