"""``kabu-trade evaluate | screen | watchlist | metrics``: research from the shell, as one user."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from kabu_trade.auth.models import User
from kabu_trade.cli import _context, _require_schema, app, err, out
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope

watchlist_app = typer.Typer(help="Watchlists (evaluated after every sync).", no_args_is_help=True)
metrics_app = typer.Typer(help="Stored metrics of the universe.", no_args_is_help=True)
policies_app = typer.Typer(help="Investment policies (投資方針).", no_args_is_help=True)
app.add_typer(policies_app, name="policies")
app.add_typer(watchlist_app, name="watchlist")
app.add_typer(metrics_app, name="metrics")

UserOption = Annotated[str | None, typer.Option("--user", help="act as this user (default: the only one)")]
LangOption = Annotated[str, typer.Option("--lang", help="ja or en")]


def _user(session: Session, name: str | None) -> User:
    from kabu_trade.auth.repository import get_user_by_name
    from kabu_trade.core.errors import InvalidInput, NotFound

    if name:
        user = get_user_by_name(session, name)
        if user is None:
            raise NotFound(f"No user named {name!r}.", field="--user")
        return user
    users = session.scalars(select(User).limit(2)).all()
    if len(users) != 1:
        raise InvalidInput(
            "Say which user with --user NAME."
            if users
            else "No account exists yet: kabu-trade users create …",
            field="--user",
        )
    return users[0]


@contextmanager
def _as_user(name: str | None) -> Iterator[tuple[AppContext, Session, User]]:
    """One command's unit of work, acting as one user: migrated database, session, the user."""
    with _context() as context:
        _require_schema(context)
        with session_scope(context.sessions) as session:
            yield context, session, _user(session, name)


def _yen(value: Any) -> str:
    return "-" if value is None else f"¥{value:,.0f}"


def _score(value: Any) -> str:
    """A 0–100 score as every table shows it: one decimal, a dash when there is none."""
    return "-" if value is None else f"{value:.1f}"


def _text(value: Any) -> str:
    return "-" if value is None else str(value)


def _name(name: str | None, name_en: str | None, lang: str) -> str:
    """A company name in the language of ``--lang``: English where the data has it."""
    return _text(name_en if lang == "en" and name_en else name)


def _screen_filters(session: Session, sector: str | None, market: str | None) -> str | None:
    """The market in its stored (lower-case) form; an unknown sector or market is refused with
    the valid ones, as a usage error (exit 2) rather than an empty ranking."""
    from kabu_trade.market.models import Stock
    from kabu_trade.market.providers.base import MARKETS

    if market is not None and market.lower() not in MARKETS:
        err.print(f"[red]--market: {market!r} is not a market; use one of {', '.join(MARKETS)}.[/red]")
        raise typer.Exit(2)
    if sector is not None:
        rows = session.execute(
            select(Stock.sector_code, Stock.sector_name)
            .where(Stock.sector_code.is_not(None) | Stock.sector_name.is_not(None))
            .distinct()
            .order_by(Stock.sector_code)
        ).all()
        if sector not in {value for row in rows for value in row if value}:
            known = "\n".join(f"  {code or '-'}  {name or '-'}" for code, name in rows) or "  (none stored)"
            err.print(
                f"[red]--sector: {sector!r} is not a sector of the stored stocks; use a code or name:[/red]"
            )
            err.print(known, markup=False, highlight=False)
            raise typer.Exit(2)
    return market.lower() if market is not None else None


@app.command()
def evaluate(
    codes: Annotated[list[str], typer.Argument(help="stock codes, e.g. 7203 6758")],
    policy: Annotated[int | None, typer.Option("--policy", help="policy id")] = None,
    user: UserOption = None,
    lang: LangOption = "ja",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Evaluate stocks (optionally under a policy) and keep the evaluations in the history."""
    from kabu_trade.evaluations import service

    results = []
    with _as_user(user) as (_, session, owner):
        for code in codes:
            evaluation = service.evaluate_stock(session, owner.id, code, policy, trigger="cli")
            results.append(service.detail(session, evaluation, lang, with_outcome=False))
    if as_json:
        out.print_json(json.dumps(results, default=str, ensure_ascii=False))
        return
    for r in results:
        name = _name(r["stock_name"], r["stock_name_en"], lang)
        title = f"{r['stock_code']} {name}  as of {r['as_of']}  #{r['id']}"
        table = Table(title=title, show_header=False)
        table.add_row("recommendation", r["recommendation"])
        table.add_row(
            "buy / sell", f"{r['buy_score']:.1f} / {r['sell_score']:.1f}  (confidence {r['confidence']:.0%})"
        )
        if r["match_score"] is not None:
            table.add_row("policy match", f"{r['match_score']:.1f}  qualifies: {r['qualifies']}")
        levels = r["levels"]
        table.add_row("entry zone", f"{_yen(levels['entry_low'])} – {_yen(levels['entry_high'])}")
        table.add_row("target / stop", f"{_yen(levels['target_price'])} / {_yen(levels['stop_loss_price'])}")
        for point in r["key_points"]:
            table.add_row(f"{point['type']} ({point['priority']})", point["message"])
        # Every rule of the policy, as the rule editor writes it, with its verdict.
        for rule in r["rules"]:
            kind = "required" if rule.get("required") else f"rule (×{rule.get('weight') or 1:g})"
            table.add_row(kind, rule.get("text") or rule["rule"])
        out.print(table)


@app.command()
def screen(
    policy: Annotated[int, typer.Option("--policy", help="policy id")],
    limit: Annotated[int, typer.Option(min=1, max=5000)] = 30,
    sector: Annotated[str | None, typer.Option(help="33-sector code or name")] = None,
    market: Annotated[str | None, typer.Option(help="prime, standard, growth or other")] = None,
    csv: Annotated[Path | None, typer.Option("--csv", help="write the ranking to this CSV file")] = None,
    user: UserOption = None,
    lang: LangOption = "ja",
) -> None:
    """Rank the universe under a policy: hard filters first, then by match score."""
    from kabu_trade.policies import service as policies
    from kabu_trade.screener import service

    with _as_user(user) as (context, session, owner):
        market = _screen_filters(session, sector, market)
        found = policies.get_policy_for_user(session, owner.id, policy)
        result = service.screen(session, context, found, limit=limit, sector=sector, market=market, lang=lang)
    if csv:
        csv.write_text(service.to_csv(result), encoding="utf-8")
        err.print(f"wrote {len(result['items'])} rows to {csv}")
    table = Table(
        title=f"{result['policy']['name']} v{result['policy']['version']} — as of {result['as_of']}: "
        f"{result['total']} of {result['universe']} qualify"
    )
    for column in ("#", "code", "name", "match", "buy", "sell", "rec.", "close"):
        table.add_column(column)
    for item in result["items"]:
        table.add_row(
            str(item["rank"]),
            item["stock_code"],
            _name(item["name"], item["name_en"], lang),
            _score(item["match_score"]),
            _score(item["buy_score"]),
            _score(item["sell_score"]),
            item["recommendation"],
            _yen(item["close"]),
        )
    out.print(table)
    if result.get("tie_break"):
        out.print(result["tie_break"]["explanation"])


@watchlist_app.command("list")
def watchlist_list(user: UserOption = None) -> None:
    """Your watchlists with their latest scores."""
    from kabu_trade.watchlists import repository, service

    with _as_user(user) as (_, session, owner):
        views = [service.watchlist_view(session, w) for w, _ in repository.list_owned(session, owner.id)]
    if not views:
        out.print("No watchlists yet: kabu-trade watchlist add NAME CODE…")
    for view in views:
        table = Table(title=f"{view['name']} (#{view['id']}, policy {_text(view['policy_id'])})")
        for column in ("code", "name", "close", "buy", "sell", "match", "rec."):
            table.add_column(column)
        for item in view["items"]:
            latest = item["latest"] or {}
            table.add_row(
                item["code"],
                _text(item["name"]),
                _yen(item["close"]),
                _score(latest.get("buy_score")),
                _score(latest.get("sell_score")),
                _score(latest.get("match_score")),
                _text(latest.get("recommendation")),
            )
        out.print(table)


@watchlist_app.command("add")
def watchlist_add(
    name: Annotated[str, typer.Argument(help="watchlist name (created if new)")],
    codes: Annotated[list[str], typer.Argument(help="stock codes")],
    policy: Annotated[int | None, typer.Option("--policy", help="evaluate under this policy")] = None,
    user: UserOption = None,
) -> None:
    """Add stocks to a watchlist, creating it if needed."""
    from kabu_trade.watchlists import repository, service
    from kabu_trade.watchlists.schemas import WatchlistCreate, WatchlistUpdate

    with _as_user(user) as (_, session, owner):
        watchlist = repository.get_by_name(session, owner.id, name)
        if watchlist is None:
            watchlist = service.create_watchlist(
                session, owner.id, WatchlistCreate(name=name, policy_id=policy)
            )
        elif policy is not None:
            service.update_watchlist(session, owner.id, watchlist.id, WatchlistUpdate(policy_id=policy))
        present = {item.code for item in repository.items(session, watchlist.id)}
        added = [
            service.add_item(session, owner.id, watchlist.id, c, None).code
            for c in dict.fromkeys(c.upper() for c in codes)
            if c not in present
        ]
    out.print(f"{name}: added {', '.join(added) or 'nothing new'}.")


@watchlist_app.command("remove")
def watchlist_remove(
    name: Annotated[str, typer.Argument()],
    codes: Annotated[list[str], typer.Argument()],
    user: UserOption = None,
) -> None:
    """Remove stocks from a watchlist."""
    from kabu_trade.core.errors import NotFound
    from kabu_trade.watchlists import repository, service

    with _as_user(user) as (_, session, owner):
        watchlist = repository.get_by_name(session, owner.id, name)
        if watchlist is None:
            raise NotFound(f"No watchlist named {name!r}.", field="name")
        for code in codes:
            service.remove_item(session, owner.id, watchlist.id, code)
    out.print(f"{name}: removed {', '.join(c.upper() for c in codes)}.")


@policies_app.command("list")
def policies_list(user: UserOption = None) -> None:
    """Your policies with their ids (for --policy)."""
    from kabu_trade.policies import service

    with _as_user(user) as (_, session, owner):
        rows, _ = service.list_policies(session, owner.id)
        listed = [(p.id, p.name, p.style, p.version, len(p.rules)) for p in rows]
    table = Table(title="Policies")
    for column in ("id", "name", "style", "version", "rules"):
        table.add_column(column)
    for row in listed:
        table.add_row(*(str(x) for x in row))
    out.print(table if listed else "No policies yet: kabu-trade policies from-preset STYLE")


@policies_app.command("from-preset")
def policies_from_preset(
    style: Annotated[str, typer.Argument(help="value, growth, dividend, momentum, contrarian or swing")],
    user: UserOption = None,
    lang: LangOption = "ja",
) -> None:
    """Create a policy from the preset of a style."""
    from kabu_trade.core.errors import InvalidInput
    from kabu_trade.policies import presets, service

    with _context() as context:
        _require_schema(context)
        if style not in presets.PRESETS:
            raise InvalidInput(
                f"No preset {style!r}: use one of {', '.join(presets.PRESETS)}.", field="style"
            )
        with session_scope(context.sessions) as session:
            owner = _user(session, user)
            policy = service.create_policy(
                session,
                owner.id,
                presets.get_preset(style).create("en" if lang == "en" else "ja"),  # type: ignore[arg-type]
            )
            out.print(f"Created policy #{policy.id} {policy.name!r} ({policy.style}).")


@metrics_app.command("refresh")
def metrics_refresh() -> None:
    """Recompute the latest metrics of the whole universe (a sync that changed data does this by itself)."""
    from kabu_trade.jobs.kinds import REFRESH
    from kabu_trade.jobs.service import run_in_foreground

    with _context() as context:
        _require_schema(context)
        result = run_in_foreground(context, REFRESH, {})
    out.print(f"Metrics of {result['metrics']} stocks recomputed.")
