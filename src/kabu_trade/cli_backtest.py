"""``kabu-trade backtest-parity``: the SMA cross through the backtest simulation, from a CSV.

No database: the bars come from the file, the figures from ``kabu_trade.engine.backtest`` — the
same simulation policy backtests run — so that anyone can check them against backtesting.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from kabu_trade.cli import app, err, out


def _fail(field: str, message: str) -> typer.Exit:
    err.print(f"[red]Error ({escape(field)}):[/red] {escape(message)}", soft_wrap=True)
    return typer.Exit(2)


@app.command("backtest-parity")
def backtest_parity(
    csv: Annotated[
        Path, typer.Option("--csv", help="OHLCV file with the columns Date, Open, High, Low, Close, Volume")
    ],
    fast: Annotated[int, typer.Option(help="the fast SMA's sessions")] = 10,
    slow: Annotated[int, typer.Option(help="the slow SMA's sessions (more than --fast)")] = 20,
    cash: Annotated[float, typer.Option(help="starting cash")] = 10_000.0,
    commission: Annotated[float, typer.Option(help="proportional commission per side (0.001 = 0.1 %)")] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="print the figures as one JSON object")] = False,
) -> None:
    """Backtest the SMA cross on one symbol as backtesting.py does (parity mode).

    Long only, whole shares, all the cash in each entry, fills at the next open, the commission on
    each side, buy when the fast SMA crosses above the slow one and sell when it crosses below;
    what is still open is sold at the last session's open."""
    import pandas as pd

    from kabu_trade.engine.backtest import EngineInputError
    from kabu_trade.engine.backtest.parity import check_parameters, ohlcv_frame, run_sma_cross

    try:
        check_parameters(fast, slow, cash, commission)
    except EngineInputError as exc:
        raise _fail(f"--{exc.field}", exc.message) from None
    if not csv.is_file():
        raise _fail("--csv", f"no such file: {csv}")
    try:
        frame = pd.read_csv(csv)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise _fail("--csv", f"cannot read {csv} as CSV: {exc}") from None
    try:
        result, summary = run_sma_cross(ohlcv_frame(frame), fast, slow, cash, commission)
    except EngineInputError as exc:
        field = "--csv" if exc.field == "csv" else f"--{exc.field}"
        raise _fail(field, exc.message) from None
    report: dict[str, Any] = {
        **summary,
        "parameters": {"fast": fast, "slow": slow, "cash": cash, "commission": commission, "csv": str(csv)},
    }
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    _print_table(report, len(result.trades))


def _print_table(report: dict[str, Any], trades: int) -> None:
    def number(key: str, digits: int = 2, suffix: str = "") -> str:
        value = report.get(key)
        return "-" if value is None else f"{value:,.{digits}f}{suffix}"

    p = report["parameters"]
    table = Table(title=f"SMA {p['fast']}/{p['slow']} cross · {report['start']} → {report['end']}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    rows = [
        ("trades", str(trades)),
        ("final equity", number("final_equity")),
        ("return", number("return_pct", suffix=" %")),
        ("CAGR", number("cagr_pct", suffix=" %")),
        ("win rate", number("win_rate_pct", suffix=" %")),
        ("max drawdown", number("max_drawdown_pct", suffix=" %")),
        ("max drawdown length", f"{report['max_drawdown_sessions']} sessions"),
        ("exposure", number("exposure_pct", suffix=" %")),
        ("Sharpe", number("sharpe")),
        ("profit factor", number("profit_factor")),
        ("commissions", number("commissions")),
    ]
    for name, value in rows:
        table.add_row(name, value)
    out.print(table)
