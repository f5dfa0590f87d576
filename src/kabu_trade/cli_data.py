"""``kabu-trade data status | set-jquants``: the data page's state and J-Quants key from a shell.

The key is read from standard input, never from the command line (where ``ps`` and the shell's
history would show it), checked with one call to J-Quants, then stored encrypted like the web
app does (``datasource/service.py``)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from fastapi.encoders import jsonable_encoder

from kabu_trade.cli import _context, _require_schema, app, out

data_app = typer.Typer(help="The data source: state, J-Quants key.", no_args_is_help=True)
app.add_typer(data_app, name="data")


@data_app.command("status")
def status() -> None:
    """What the syncs use and what the database holds (JSON; the key itself is never shown)."""
    from kabu_trade.core.db import session_scope
    from kabu_trade.datasource import service

    with _context() as context:
        _require_schema(context)
        with session_scope(context.sessions) as session:
            state = service.state(session, context.settings)
    out.print_json(json.dumps(jsonable_encoder(state), ensure_ascii=False))


@data_app.command("set-jquants")
def set_jquants(
    plan: Annotated[str, typer.Option(help="free | light | standard | premium")],
) -> None:
    """Check a J-Quants API key and store it (encrypted) with its plan. The key is read from
    standard input (piped, or typed at a hidden prompt)."""
    from kabu_trade.core.db import session_scope
    from kabu_trade.datasource import service
    from kabu_trade.market.providers.jquants import RATE_LIMITS

    if plan not in RATE_LIMITS:
        out.print(f"[red]--plan must be one of {', '.join(RATE_LIMITS)}[/red]")
        raise typer.Exit(2)
    if sys.stdin.isatty():
        key = typer.prompt("J-Quants API key", hide_input=True).strip()
    else:
        key = sys.stdin.readline().strip()
    if not key:
        out.print("[red]No key on standard input.[/red]")
        raise typer.Exit(2)
    with _context() as context:
        _require_schema(context)
        with session_scope(context.sessions) as session:
            service.save_jquants(session, context.settings, key, plan, None)
    out.print(f"J-Quants key checked and stored (plan {plan}).")
