"""Screening and evaluation at TSE scale, each compute only and end to end through the API, beside
a straightforward baseline measured in the same run with the same repetitions.

- **screening, compute**: the ranking step on the in-memory snapshot of stored metrics; baseline:
  a Python loop over the same stored metrics, judging every rule and scoring each stock one by one,
  then sorting.
- **screening, end to end**: POST /api/v1/screener (warm: the snapshot is loaded once per sync;
  the first call, which loads it here because the metrics were written without the sync's
  pipeline, is shown on its own); baseline: read every stored metrics row from the database, then
  the loop above.
- **evaluation, compute**: ``evaluate`` on a stock's stored metrics; baseline: recompute the
  stock's metrics from its bars and disclosures (already in memory), then ``evaluate``.
- **evaluation, end to end**: POST /api/v1/evaluations (which also stores the evaluation in the
  history); baseline: read the stock's bars, splits and disclosures, recompute, evaluate — what
  storing metrics avoids.

The API is called in process (httpx's ASGI transport): no socket, so these figures are the app's
own cost; ``bench load`` and ``bench reads`` measure a real server under concurrent clients.

    python -m bench api [--symbols 320,4000] [--databases sqlite,postgresql] [--repeat 20] [--quick]

``--quick``: 320 stocks, SQLite, 10 repetitions. PostgreSQL uses the private database ``bench_api``
and Redis database 13 (emptied before and after).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import httpx
import pandas as pd

from bench._measure import compare, figure, repeat
from bench._server import (
    DATABASES,
    REDIS_URL,
    Server,
    build,
    client,
    flush_bench_redis,
    postgres_reachable,
    private_database,
    redis_reachable,
)
from kabu_trade.analysis.fundamentals import fundamental_metrics
from kabu_trade.analysis.indicators import technical_metrics
from kabu_trade.analysis.repository import all_metrics
from kabu_trade.analysis.scoring import score
from kabu_trade.core.db import session_scope
from kabu_trade.core.logging import configure_logging
from kabu_trade.evaluations.engine import evaluate
from kabu_trade.market import repository as market
from kabu_trade.market.adjustments import adjust_bars
from kabu_trade.policies import service as policies
from kabu_trade.policies.models import Policy
from kabu_trade.policies.rules import evaluate_rules, match_score, qualifies
from kabu_trade.screener.service import rank, snapshots

# --- the baselines ------------------------------------------------------------------------------


def _loop_screen(rows: Sequence[tuple[str, dict[str, Any]]], rules: Any, weights: Any) -> list[Any]:
    """One stock at a time: judge every rule, score it, then sort."""
    ranked = []
    for code, values in rows:
        judged = evaluate_rules(rules, values)
        if qualifies(judged):
            scored = score(values, weights)
            ranked.append((match_score(judged) or 0.0, scored.buy_score, code))
    ranked.sort(reverse=True)
    return ranked[:50]


def _read_metrics(server: Server) -> list[tuple[str, dict[str, Any]]]:
    with session_scope(server.context.sessions) as session:
        return [(row.code, row.values) for row in all_metrics(session)]


def _read_stock(server: Server, code: str) -> tuple[pd.DataFrame, pd.DataFrame, Any]:
    with session_scope(server.context.sessions) as session:
        splits = market.split_events(session, code)
        return market.bars_frame(session, code), market.fundamentals_frame(session, code), splits


def _recompute(bars: pd.DataFrame, disclosures: pd.DataFrame, splits: Any, policy: dict[str, Any]) -> Any:
    bars = adjust_bars(bars, splits).tail(300)
    metrics = technical_metrics(bars)
    metrics |= fundamental_metrics(disclosures, metrics.get("close"), bars["date"].iloc[-1], splits)
    return evaluate(metrics, policy)


# --- one run ------------------------------------------------------------------------------------


def _cycle(codes: Sequence[str]) -> Callable[[], str]:
    """The next code on each call: both sides of a comparison visit the same stocks in order."""
    endless = itertools.cycle(codes)
    return lambda: next(endless)


def measure(
    server: Server, http: httpx.AsyncClient, loop: asyncio.AbstractEventLoop, where: str, repeats: int
) -> None:
    def call(make: Callable[[], Coroutine[Any, Any, httpx.Response]]) -> httpx.Response:
        response = loop.run_until_complete(make())
        response.raise_for_status()
        return response

    symbols = len(server.universe)
    label = f"{symbols} stocks, {where}"
    body = {"policy_id": server.policy_id, "limit": 50}
    first, response = repeat(lambda: call(lambda: http.post("/api/v1/screener", json=body)), 1)
    figure(
        f"screening first call, snapshot not loaded yet, {label}",
        f"{first.min * 1000:.0f} ms (loads the snapshot; {response.json()['total']} stocks qualify "
        "under the momentum preset)",
    )
    with session_scope(server.context.sessions) as session:
        policy = session.get(Policy, server.policy_id)
        assert policy is not None  # made by client()  # nosec B101
        snapshot = snapshots(server.context).get(session, server.context.cache)
        rules, weights = policies.parse_rules(policy.rules), policy.weights
        policy_doc = policies.policy_snapshot(policy)
    stored = _read_metrics(server)

    ours, _ = repeat(lambda: rank(snapshot, rules, weights, limit=50), repeats)
    theirs, _ = repeat(lambda: _loop_screen(stored, rules, weights), repeats)
    compare(f"screening compute, {label}", ours, theirs, "loop over stored metrics")
    ours, _ = repeat(lambda: call(lambda: http.post("/api/v1/screener", json=body)), repeats)
    theirs, _ = repeat(lambda: _loop_screen(_read_metrics(server), rules, weights), repeats)
    compare(f"screening end to end, {label}", ours, theirs, "read all metrics + loop")

    values = {code: v for code, v in stored}
    frames = {code: _read_stock(server, code) for code in server.bar_codes}
    ours_code, their_code = _cycle(server.bar_codes), _cycle(server.bar_codes)
    ours, _ = repeat(lambda: evaluate(values[ours_code()], policy_doc), repeats)
    theirs, _ = repeat(lambda: _recompute(*frames[their_code()], policy_doc), repeats)
    compare(f"evaluation compute, {label}", ours, theirs, "recompute metrics from bars")

    ours_code, their_code = _cycle(server.bar_codes), _cycle(server.bar_codes)

    def post_evaluation() -> httpx.Response:
        payload = {"stock_code": ours_code(), "policy_id": server.policy_id}
        return call(lambda: http.post("/api/v1/evaluations", json=payload))

    ours, _ = repeat(post_evaluation, repeats)
    theirs, _ = repeat(lambda: _recompute(*_read_stock(server, their_code()), policy_doc), repeats)
    compare(f"evaluation end to end, {label}", ours, theirs, "read bars + recompute")


@contextmanager
def _database(database: str) -> Iterator[tuple[str | None, str | None]]:
    """(database URL, Redis URL) of a fresh store: embedded, or PostgreSQL + Redis db 13."""
    if database == "sqlite":
        yield None, None
        return
    flush_bench_redis()
    try:
        with private_database("bench_api") as url:
            yield url, REDIS_URL
    finally:
        flush_bench_redis()


def run(symbols: int, database: str, repeats: int) -> None:
    with _database(database) as (database_url, redis_url):
        server = build(symbols, database_url=database_url, redis_url=redis_url)
        loop = asyncio.new_event_loop()  # driven step by step, so that each request is timed alone
        try:
            http = loop.run_until_complete(client(server))
            try:
                where = "SQLite" if database == "sqlite" else "PostgreSQL + Redis"
                measure(server, http, loop, where, repeats)
            finally:
                loop.run_until_complete(http.aclose())
        finally:
            loop.close()
            server.close()


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench api", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="320 stocks, SQLite, 10 repetitions")
    parser.add_argument("--symbols", default=None, help="universe sizes, e.g. 320,4000 (default)")
    parser.add_argument("--databases", default=None, help="sqlite,postgresql (default: both)")
    parser.add_argument("--repeat", type=int, default=None, help="repetitions of each side (default 20)")
    args = parser.parse_args(list(argv))
    sizes = [int(n) for n in (args.symbols or ("320" if args.quick else "320,4000")).split(",")]
    repeats = args.repeat or (10 if args.quick else 20)
    databases = (args.databases or ("sqlite" if args.quick else ",".join(DATABASES))).split(",")
    if unknown := set(databases) - set(DATABASES):
        parser.error(f"--databases: unknown {', '.join(sorted(unknown))} (known: {', '.join(DATABASES)})")
    if "postgresql" in databases and (why := postgres_reachable() or redis_reachable()):
        print(f"api: PostgreSQL + Redis skipped, unreachable ({why})")
        databases.remove("postgresql")
    configure_logging("WARNING", json=False)  # one access line per request would drown the figures
    for symbols in sizes:
        for database in databases:
            run(symbols, database, repeats)
