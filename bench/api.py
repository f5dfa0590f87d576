"""Screening and evaluation through the API at TSE scale (4,000 stocks), each beside a
straightforward baseline in the same run.

- screening: POST /api/v1/screener (warm: the metrics snapshot is loaded once per sync) and the
  ranking step alone; baseline: a Python loop over the stored metrics scoring each stock one by one.
- evaluation: POST /api/v1/evaluations on stored metrics; baseline: the same evaluation
  recomputing the stock's metrics from its bars on every request (what storing metrics avoids).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bench._server import Server, build, client
from kabu_trade.analysis.fundamentals import fundamental_metrics
from kabu_trade.analysis.indicators import technical_metrics
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


def _ms(samples: Sequence[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


async def _timed(call: Callable[[], Awaitable[Any]], n: int) -> list[float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return samples


def _baseline_screen(server: Server, policy: Policy) -> float:
    """One stock at a time: read its stored metrics, judge every rule, score it, then sort."""
    rules = policies.parse_rules(policy.rules)
    started = time.perf_counter()
    with session_scope(server.context.sessions) as session:
        from kabu_trade.analysis.repository import all_metrics

        ranked = []
        for row in all_metrics(session):
            judged = evaluate_rules(rules, row.values)
            if qualifies(judged):
                scored = score(row.values, policy.weights)
                ranked.append((match_score(judged) or 0.0, scored.buy_score, row.code))
        ranked.sort(reverse=True)
    return time.perf_counter() - started


def _baseline_evaluation(server: Server, code: str, policy: Policy) -> float:
    started = time.perf_counter()
    with session_scope(server.context.sessions) as session:
        bars = market.bars_frame(session, code)
        bars = adjust_bars(bars, market.split_events(session, code)).tail(300)
        metrics = technical_metrics(bars)
        disclosures = market.fundamentals_frame(session, code)
        metrics |= fundamental_metrics(
            disclosures, metrics.get("close"), bars["date"].iloc[-1], market.split_events(session, code)
        )
        evaluate(metrics, policies.policy_snapshot(policy))
    return time.perf_counter() - started


async def run(symbols: int, repeat: int) -> None:
    server = build(symbols)
    http = await client(server)
    body = {"policy_id": server.policy_id, "limit": 50}
    first = time.perf_counter()
    response = await http.post("/api/v1/screener", json=body)
    response.raise_for_status()
    cold = time.perf_counter() - first
    api = await _timed(lambda: http.post("/api/v1/screener", json=body), repeat)
    with session_scope(server.context.sessions) as session:
        policy = session.get(Policy, server.policy_id)
        assert policy is not None
        snapshot = snapshots(server.context).get(session, server.context.cache)
        rules = policies.parse_rules(policy.rules)
        ranking = []
        for _ in range(repeat):
            started = time.perf_counter()
            rank(snapshot, rules, policy.weights, limit=50)
            ranking.append(time.perf_counter() - started)
    baseline = _baseline_screen(server, policy)
    qualified = response.json()["total"]
    print(f"screening: {symbols} stocks, {qualified} qualify under the momentum preset")
    print(
        f"screening: ranking step {_ms(ranking)} | API {_ms(api)} (first call, loading the snapshot: "
        f"{cold * 1000:.0f} ms) | baseline loop {baseline * 1000:.0f} ms | "
        f"{baseline / statistics.median(ranking):.0f}× faster (ranking), "
        f"{baseline / statistics.median(api):.0f}× faster (API)"
    )

    codes = server.bar_codes
    evaluation = await _timed(lambda: _post_evaluation(http, codes, server.policy_id), repeat * 4)
    base_eval = [_baseline_evaluation(server, codes[i % len(codes)], policy) for i in range(repeat)]
    print(
        f"evaluation: API {_ms(evaluation)} | baseline recomputing metrics per request {_ms(base_eval)} | "
        f"{statistics.median(base_eval) / statistics.median(evaluation):.1f}× faster"
    )
    await http.aclose()
    server.context.close()


_counter = iter(range(10**9))


async def _post_evaluation(http: Any, codes: list[str], policy_id: int) -> None:
    code = codes[next(_counter) % len(codes)]
    response = await http.post("/api/v1/evaluations", json={"stock_code": code, "policy_id": policy_id})
    response.raise_for_status()


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench api", description=__doc__.splitlines()[0])
    parser.add_argument("--symbols", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args(list(argv))
    configure_logging("WARNING", json=False)  # one access line per request would drown the figures
    asyncio.run(run(args.symbols, args.repeat))
