"""The ``kabu-trade`` command: serve, migrate, sync market data, run jobs, manage users."""

from __future__ import annotations

import ipaddress
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kabu_trade.core import capacity
from kabu_trade.core.config import Settings
from kabu_trade.core.context import AppContext, build_context
from kabu_trade.core.errors import AppError

app = typer.Typer(help="kabu-trade: policy-driven research on Japanese equities.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
users_app = typer.Typer(help="Accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")

out = Console()
err = Console(stderr=True)


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        err.print(f"[red]Configuration error[/red] ({where}): {first['msg']}")
        raise typer.Exit(2) from None


@contextmanager
def _context() -> Iterator[AppContext]:
    """A context for one command; an AppError becomes a message and exit code 1, not a traceback."""
    from kabu_trade.core.logging import configure_logging

    settings = _settings()
    # The command prints its own summary: log warnings and errors only, unless asked for more.
    configure_logging(settings.log_level if "KABU_LOG_LEVEL" in os.environ else "WARNING", settings.log_json)
    _wait_for_database(settings)
    context = build_context(settings)
    try:
        yield context
    except AppError as exc:
        where = f" ({exc.field})" if exc.field else ""
        err.print(f"[red]Error{where}:[/red] {exc.detail}")
        raise typer.Exit(1) from None
    finally:
        context.close()


def _wait_for_database(settings: Settings) -> None:
    """A database server that is not up yet is waited for (bounded), then a clear exit 1."""
    from rich.markup import escape

    from kabu_trade.core.db_wait import DatabaseUnreachable, wait_for_database

    try:
        wait_for_database(
            settings.effective_database_url,
            settings.db_connect_timeout_seconds,
            on_wait=lambda message: err.print(f"[yellow]{escape(message)}[/yellow]", soft_wrap=True),
        )
    except DatabaseUnreachable as exc:
        err.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        raise typer.Exit(1) from None


# --- serve --------------------------------------------------------------------------------------


def _check_connection_budget(context: AppContext, workers: int) -> None:
    """Warn when this host's processes alone would need more connections than the server allows."""
    if context.engine.dialect.name != "postgresql":
        return
    with context.engine.connect() as connection:
        max_connections = int(connection.exec_driver_sql("SHOW max_connections").scalar_one())
    plan = capacity.budget(workers, context.settings.threads, max_connections)
    if not plan.fits:
        advice = "lower KABU_WORKERS or KABU_THREADS"
        err.print(f"[yellow]Database connections: {plan.explain()}: {advice}.[/yellow]")
    else:
        out.print(f"Database connections: {plan.explain()}.")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    workers: Annotated[
        int | None, typer.Option(min=1, help="processes (PostgreSQL + Redis only); default KABU_WORKERS")
    ] = None,
) -> None:
    """Serve the API (and the web app); embedded, it migrates itself and runs jobs in process."""
    import uvicorn

    from kabu_trade.core.logging import configure_logging
    from kabu_trade.main import SchemaNotReady, prepare_database

    settings = _settings()
    configure_logging(settings.log_level, settings.log_json)
    _warn_if_exposed(host, settings)
    try:
        # Made (or checked) once here, before any worker starts, so all sign with the same key.
        settings.signing_key()
    except (OSError, ValueError) as exc:
        err.print(f"[red]Signing key: {exc}[/red]")
        raise typer.Exit(2) from None
    workers = workers or settings.workers
    if workers > 1 and settings.is_embedded_database:
        err.print("[red]--workers > 1 needs KABU_DATABASE_URL (PostgreSQL) and KABU_REDIS_URL.[/red]")
        raise typer.Exit(2)
    with _context() as context:
        try:
            prepare_database(context)
        except SchemaNotReady as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
        _check_connection_budget(context, workers)
        if settings.data_source == "demo" and _is_empty(context):
            where = "in the background" if settings.runs_jobs_in_process else "by `kabu-trade worker`"
            out.print(f"First start: the offline demo universe (fictional companies) is generated {where}.")
    out.print(f"kabu-trade on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(
        "kabu_trade.main:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        # Our own access line (core/logging.py) records every request with its id and time.
        access_log=False,
        timeout_graceful_shutdown=20,
        proxy_headers=True,
    )


def _is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def _warn_if_exposed(host: str, settings: Settings) -> None:
    """Development settings are for one person's machine: say so loudly when others can connect."""
    if settings.env != "development" or _is_loopback(host):
        return
    import structlog

    message = (
        f"Listening on {host} in development mode: other machines can reach this server. Development "
        "mode is not hardened for that (API docs are public, the signing key lives in the data "
        "directory). Set KABU_ENV=production and KABU_SECRET_KEY, or serve on 127.0.0.1."
    )
    err.print(f"[bold red]WARNING:[/bold red] {message}")
    structlog.get_logger("kabu_trade.cli").warning("exposed_development_server", host=host, message=message)


def _is_empty(context: AppContext) -> bool:
    from kabu_trade.core.db import session_scope
    from kabu_trade.market import repository

    with session_scope(context.sessions) as session:
        return repository.latest_bar_date(session) is None


# --- db -----------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Migrate the schema up to REVISION (default: the newest)."""
    from kabu_trade.core import migrate

    with _context() as context:
        migrate.upgrade(context.engine, revision)
        out.print(f"Database at revision {migrate.current_revision(context.engine)}.")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="target, e.g. -1 or base")]) -> None:
    """Migrate the schema down to REVISION."""
    from kabu_trade.core import migrate

    with _context() as context:
        migrate.downgrade(context.engine, revision)
        out.print(f"Database at revision {migrate.current_revision(context.engine)}.")


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision of the database and of the code."""
    from kabu_trade.core import migrate

    with _context() as context:
        out.print(f"database: {migrate.current_revision(context.engine)}  code: {migrate.head_revision()}")


# --- sync ---------------------------------------------------------------------------------------


@app.command()
def sync(
    source: Annotated[
        str | None, typer.Option(help="demo | csv | jquants | yfinance (default: KABU_DATA_SOURCE)")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="last date to fetch, YYYY-MM-DD (default: last close)")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="delete demo data before loading real data (or the reverse)")
    ] = False,
    bars: Annotated[
        Path | None, typer.Option(help="csv source: daily bars file", exists=True, dir_okay=False)
    ] = None,
    fundamentals: Annotated[
        Path | None, typer.Option(help="csv source: fundamentals file", exists=True, dir_okay=False)
    ] = None,
    stocks: Annotated[
        Path | None, typer.Option(help="csv source: stocks file", exists=True, dir_okay=False)
    ] = None,
    force_unlock: Annotated[
        bool,
        typer.Option(
            "--force-unlock",
            help="administrators: break the sync lease whoever holds it, fail its run, and stop (no sync)",
        ),
    ] = False,
) -> None:
    """Fetch what is missing from the data source: incremental, idempotent and resumable.

    CSV files (--source csv): UTF-8 or Shift_JIS, comma-separated, one header row; English or the
    usual Japanese headers (日付, 始値, 銘柄コード …). Codes are 4 characters (7203, 130A); dates
    YYYY-MM-DD or YYYY/MM/DD. A file with any bad row imports nothing and lists the rows.

    \b
    --bars (required)  code,date,open,high,low,close,volume[,turnover,adj_factor]
        one row per stock and TSE trading day, prices as traded; adj_factor is the split factor
        taking effect that day (0.5 on the ex-date of a 1:2 split, else 1.0).
        Example: examples/prices.csv
    --fundamentals     code,disclosed_date,period_type,period_end[,sales,operating_profit,
        net_income,eps,forecast_eps,bps,dps,forecast_dps,equity,total_assets,
        shares_outstanding]; period_type 1Q|2Q|3Q|FY, amounts in yen.
        Example: examples/fundamentals.csv
    --stocks           code,name[,name_kana,name_en,sector_code,sector_name,market,lot_size]
        market prime|standard|growth|other (or プライム…); re-importing updates names and markets.
        Example: examples/stocks.csv
    """
    end = _parse_date(until, "--until") if until else None
    with _context() as context:
        _require_schema(context)
        if force_unlock:
            _force_unlock(context)
            return
        _run_sync(
            context,
            source,
            replace=replace,
            until=end,
            csv_files={"csv_bars": bars, "csv_fundamentals": fundamentals, "csv_stocks": stocks},
        )


def _force_unlock(context: AppContext) -> None:
    from kabu_trade.market.sync_runs import force_unlock

    unlocked = force_unlock(context.sessions)
    out.print(unlocked.describe())
    if unlocked.lease is not None:
        out.print("A sync still running there stops at its next heartbeat or write, without writing more.")


def _parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        err.print(f"[red]{option}: {value!r} is not a date (YYYY-MM-DD).[/red]")
        raise typer.Exit(2) from None


def _require_schema(context: AppContext) -> None:
    from kabu_trade.main import SchemaNotReady, prepare_database

    try:
        prepare_database(context)
    except SchemaNotReady as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None


def _run_sync(
    context: AppContext,
    source: str | None,
    *,
    replace: bool,
    csv_files: dict[str, Any],
    until: date | None = None,
) -> None:
    """A sync job run here in the foreground (recorded in the job table like a worker's)."""
    from kabu_trade.jobs.kinds import SYNC
    from kabu_trade.jobs.service import run_in_foreground

    params: dict[str, Any] = {"source": source, "replace": replace}
    params["until"] = until.isoformat() if until else None
    params.update({name: str(path) for name, path in csv_files.items() if path})
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[label]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=False) as progress:
        task = progress.add_task(f"sync {source or context.settings.data_source}", total=None, label="")

        def update(done: int, total: int, label: str) -> None:
            progress.update(task, completed=done, total=total, label=label)

        result = run_in_foreground(context, SYNC, params, progress=update)
    table = Table(title=f"Sync {result['source']} #{result['run_id']}: {result['status']}", show_header=False)
    nothing_new = not (result["stocks"] or result["bars"] or result["fundamentals"] or result["index_bars"])
    bars_file = csv_files.get("csv_bars")
    if bars_file:
        from kabu_trade.market.providers.csv_files import file_period

        # What the investor's file covers: the sessions fetched below are only what was missing.
        period = file_period(bars_file)
        table.add_row("file period", f"{period[0]} … {period[1]}" if period else "-")
    for label, value in (
        ("sessions fetched", f"{result['from_date'] or '-'} … {result['to_date'] or '-'}"),
        ("stocks", result["stocks"]),
        ("daily bars", result["bars"]),
        ("disclosures", result["fundamentals"]),
        ("index bars", result["index_bars"]),
        ("metrics recomputed", result["metrics"] if result["ran"] else "no (nothing new)"),
        ("watchlist evaluations", result["watchlist_evaluations"]),
        ("steps", f"{result['steps_done']}/{result['steps_total']}"),
    ):
        table.add_row(label, str(value))
    out.print(table)
    if nothing_new:
        out.print("0 new: the database was already up to date.")


# --- users --------------------------------------------------------------------------------------


@users_app.command("create")
def users_create(
    name: Annotated[str, typer.Argument(help="user name: 3–64 letters, digits, _ . -")],
    admin: Annotated[bool, typer.Option("--admin", help="may manage users and start syncs")] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input")
    ] = False,
) -> None:
    """Create an account. The password comes from standard input, never from the command line."""
    from kabu_trade.auth import service
    from kabu_trade.auth.schemas import UserCreate
    from kabu_trade.core.db import session_scope

    if not password_stdin:
        err.print(
            "[red]Pass --password-stdin and pipe the password in (it never goes on the command line).[/red]"
        )
        raise typer.Exit(2)
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        body = UserCreate(username=name, password=password, is_admin=admin)
    except ValidationError as exc:
        first = exc.errors()[0]
        err.print(f"[red]{first['loc'][0]}: {first['msg']}[/red]")
        raise typer.Exit(2) from None
    with _context() as context:
        _require_schema(context)
        with session_scope(context.sessions) as session:
            user = service.create_user(session, body.username, body.password, is_admin=body.is_admin)
            out.print(f"Created user {user.username!r} (id {user.id}{', admin' if user.is_admin else ''}).")


# The research commands register themselves on ``app`` (kept in their own module for size).
from kabu_trade import cli_backtest, cli_backup, cli_data, cli_jobs, cli_research  # noqa: E402,F401

if __name__ == "__main__":  # pragma: no cover
    # Run the imported module's app: as __main__ this file is a second copy without the research
    # commands registered on it.
    from kabu_trade.cli import app as registered_app

    registered_app()
