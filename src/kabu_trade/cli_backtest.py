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


@app.command("backtest")
def backtest(
    policy: Annotated[int, typer.Option("--policy", help="policy id (kabu-trade policies list)")],
    start: Annotated[str, typer.Option("--from", help="first session, YYYY-MM-DD")],
    end: Annotated[str, typer.Option("--to", help="last session, YYYY-MM-DD")],
    version: Annotated[
        int | None, typer.Option("--version", help="the policy as it was at this version")
    ] = None,
    cash: Annotated[float, typer.Option(help="starting cash in yen")] = 10_000_000.0,
    cost: Annotated[str, typer.Option(help="zero, sbi, rakuten or pct:0.1,min:100")] = "zero",
    slippage_bps: Annotated[
        float, typer.Option("--slippage-bps", help="slippage per fill, basis points")
    ] = 0.0,
    max_positions: Annotated[int, typer.Option("--max-positions", help="positions held at once")] = 10,
    sizing: Annotated[
        str, typer.Option(help="equal (equal weight) or risk (stop distance × risk budget)")
    ] = "equal",
    min_match: Annotated[
        float, typer.Option("--min-match", help="match score an entry needs (0–100)")
    ] = 60.0,
    min_recommendation: Annotated[
        str, typer.Option("--min-recommendation", help="strong_buy, buy or neutral")
    ] = "buy",
    as_json: Annotated[
        bool, typer.Option("--json", help="print the whole result as one JSON object")
    ] = False,
    trades_csv: Annotated[
        Path | None, typer.Option("--csv", help="write every trade to this CSV file")
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="act as this user (default: the only one)")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="ja or en (the exit reasons)")] = "ja",
    check_lookahead: Annotated[
        bool,
        typer.Option(
            "--check-lookahead",
            help="also rerun it on data cut at several sessions and started later: any signal, decision "
            "or trade that differs is listed and the command exits 1",
        ),
    ] = False,
) -> None:
    """Backtest a policy over the stored market: decisions at each close, fills at the next open."""
    from datetime import date

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from kabu_trade.backtests.service import BacktestParams, run_backtest
    from kabu_trade.cli_research import _as_user

    days: list[date] = []
    for flag, text in (("--from", start), ("--to", end)):
        try:
            days.append(date.fromisoformat(text))
        except ValueError:
            raise _fail(flag, f"{text!r} is not a date (YYYY-MM-DD)") from None
    params = BacktestParams(
        policy_id=policy,
        start=days[0],
        end=days[1],
        version=version,
        cash=cash,
        cost=cost,
        slippage_bps=slippage_bps,
        max_positions=max_positions,
        sizing=sizing,
        min_match_score=min_match,
        min_recommendation=min_recommendation,
        check_lookahead=check_lookahead,
    )
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=as_json) as bar:
        task = bar.add_task("backtest", total=1.0)

        def progress(fraction: float, message: str) -> None:
            bar.update(task, completed=fraction, description=message)

        with _as_user(user) as (_context, session, owner):
            result = run_backtest(
                session, owner.id, params, lang="en" if lang == "en" else "ja", progress=progress
            )
    if trades_csv is not None:
        import pandas as pd

        pd.DataFrame(result["trades"]).to_csv(trades_csv, index=False)
        err.print(f"wrote {len(result['trades'])} trades to {trades_csv}")
    differences = result["lookahead"]["differences"]
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        _print_backtest(result)
        if check_lookahead:
            _print_lookahead(result["lookahead"])
    if differences:
        raise typer.Exit(1)


def _print_lookahead(check: dict[str, Any]) -> None:
    warm = check["warm_up"]
    later = (
        f"a start on {warm['start']} loading from {warm['loaded_from']}"
        if warm["start"]
        else "no later start (the period is within the first warm-up)"
    )
    cuts = ", ".join(check["cuts"]) or "none (no session to cut at)"
    differences = check["differences"]
    if not differences:
        out.print(
            f"[green]No look-ahead:[/green] cut at {cuts} and {later}: every signal and decision the same."
        )
        return
    err.print(f"[red]Look-ahead check: {len(differences)} differences[/red] (cuts {cuts}; {later})")
    for difference in differences[:50]:
        err.print(f"  {escape(difference['text'])}", soft_wrap=True)
    if len(differences) > 50:
        err.print(f"  … and {len(differences) - 50} more (--json lists them all)")


def _print_backtest(result: dict[str, Any]) -> None:
    s = result["summary"]

    def number(key: str, digits: int = 2, suffix: str = "") -> str:
        value = s.get(key)
        return "-" if value is None else f"{value:,.{digits}f}{suffix}"

    p = result["policy"]
    table = Table(
        title=f"{p['name']} v{p['version']} · {s['start']} → {s['end']} · {result['universe']} stocks"
    )
    table.add_column("figure")
    table.add_column("value", justify="right")
    rows = [
        ("final equity", number("final_equity", 0)),
        ("return", number("return_pct", suffix=" %")),
        (f"benchmark ({result['benchmark']})", number("benchmark_return_pct", suffix=" %")),
        ("CAGR", number("cagr_pct", suffix=" %")),
        ("volatility", number("volatility_pct", suffix=" %")),
        ("Sharpe / Sortino", f"{number('sharpe')} / {number('sortino')}"),
        (
            "max drawdown",
            f"{number('max_drawdown_pct', suffix=' %')} ({s['max_drawdown_sessions']} sessions)",
        ),
        ("Calmar", number("calmar")),
        ("trades", str(s["trades"])),
        ("win rate", number("win_rate_pct", suffix=" %")),
        ("profit factor", number("profit_factor")),
        ("expectancy", f"{number('expectancy_yen', 0)} yen ({number('expectancy_pct', suffix=' %')})"),
        ("average holding", number("avg_holding_sessions", 1, " sessions")),
        ("exposure", number("exposure_pct", suffix=" %")),
        ("turnover", number("turnover", suffix=" ×/year")),
        ("beta / alpha", f"{number('beta')} / {number('alpha_pct', suffix=' %')}"),
        ("commissions", number("commissions", 0)),
        ("open at the end", str(s["open_positions"])),
    ]
    for name, value in rows:
        table.add_row(name, value)
    out.print(table)
    reasons: dict[str, int] = {}
    for trade in result["trades"]:
        reasons[trade["reason_text"]] = reasons.get(trade["reason_text"], 0) + 1
    if reasons:
        exits = Table(title="exits")
        exits.add_column("reason")
        exits.add_column("trades", justify="right")
        for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
            exits.add_row(escape(reason), str(count))
        out.print(exits)
