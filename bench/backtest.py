"""Benchmark: the backtest simulation on 500 symbols × 5 years, against a per-bar event loop.

Issue 11's goal: the simulation of 500 symbols × 5 years within 2 s and ≥ 20× faster than a
per-bar event-loop baseline doing the same trades.

- **Data**: synthetic random-walk daily bars (one seed), 500 symbols × 1,225 sessions (5 years of
  245), raw prices from 200 to 5,000 yen, and random decisions: an entry signal on 1 % of the
  (session, symbol) cells with a random score, a sell signal on 2 %.
- **Rules**: 10 million yen, at most 20 positions of equal weight, 100-share lots, the SBI
  standard per-order tier table, an 8 % stop, a 20 % target and a 60-session holding limit.
- **kabu-trade**: ``engine.backtest.simulate`` on the (sessions × symbols) arrays (every entry
  candidate's exit found in numpy, then the account moved candidate by candidate), and the same
  with ``summarize`` (every statistic) after it.
- **Baseline**: the same semantics written the usual event-driven way: for each bar, for each
  symbol, a Python step that fills pending orders, checks stop and target and values the
  position, with the positions in a dict. It uses the engine's cost and lot helpers, so that both
  sides do the same arithmetic; the run checks that both made the same trades and the same final
  equity before it prints a ratio.

Both sides run the same number of times on the same arrays (min / median, ``bench/_measure.py``).

    python -m bench backtest [--symbols 500] [--years 5] [--repeat 5]
"""

from __future__ import annotations

import argparse
import math
import time
import tracemalloc
from collections.abc import Sequence
from typing import Any

import numpy as np

from bench._measure import compare, figure, repeat
from kabu_trade.engine.backtest import (
    Decisions,
    ExitReason,
    ExitRules,
    Market,
    PortfolioRules,
    preset,
    simulate,
    summarize,
)
from kabu_trade.engine.backtest.portfolio import affordable_shares, entry_budget

SESSIONS_PER_YEAR = 245
SEED = 1111
ENTRY_RATE = 0.01
EXIT_RATE = 0.02

RULES = PortfolioRules(cash=10_000_000, max_positions=20, sizing="equal_weight", lot=100)
EXITS = ExitRules(stop_loss_pct=8, take_profit_pct=20, max_holding_sessions=60)
COSTS = preset("sbi_standard")


def synthetic(symbols: int, sessions: int, seed: int = SEED) -> tuple[Market, Decisions]:
    """Random-walk bars and random decisions, deterministic for a seed."""
    rng = np.random.default_rng(seed)
    shape = (sessions, symbols)
    level = rng.uniform(200, 5_000, symbols)
    close = level * np.exp(np.cumsum(rng.normal(0, 0.02, shape), axis=0))
    previous = np.vstack([level, close[:-1]])
    open_ = previous * np.exp(rng.normal(0, 0.01, shape))
    high = np.maximum(open_, close) * (1 + rng.uniform(0, 0.02, shape))
    low = np.minimum(open_, close) * (1 - rng.uniform(0, 0.02, shape))
    dates = np.busday_offset(np.datetime64("2020-01-06"), np.arange(sessions), roll="forward")
    market = Market(
        dates=dates,
        symbols=tuple(f"{1300 + i:04d}" for i in range(symbols)),
        open=open_,
        high=high,
        low=low,
        close=close,
    )
    decisions = Decisions(
        entry=rng.random(shape) < ENTRY_RATE,
        exit=np.where(rng.random(shape) < EXIT_RATE, ExitReason.SELL_SIGNAL, 0).astype(np.int8),
        score=rng.random(shape),
    )
    return market, decisions


def event_loop(market: Market, decisions: Decisions) -> tuple[int, float]:
    """The baseline: bar by bar, symbol by symbol, in plain Python (the rules above only: no
    splits, dividends or trailing stops, which the synthetic data and rules do not use)."""
    o, h, lo, c = (a.tolist() for a in (market.open, market.high, market.low, market.close))
    assert decisions.exit is not None and decisions.score is not None  # synthetic() makes both
    entry, exit_, score = decisions.entry.tolist(), decisions.exit.tolist(), decisions.score.tolist()
    sessions, symbols = market.open.shape
    cash = float(RULES.cash)
    positions: dict[int, dict[str, float]] = {}
    pending: dict[int, int] = {}
    last_close = [math.nan] * symbols
    equity = cash
    trades = 0
    shortfall = COSTS.worst_sale_shortfall

    def sell(symbol: int, price: float) -> None:
        nonlocal cash, trades
        value = positions.pop(symbol)["shares"] * COSTS.sell_price(price)
        cash += value - COSTS.fee(value)
        pending.pop(symbol, None)
        trades += 1

    for t in range(sessions):
        if t > 0:
            for s in range(symbols):  # orders decided at yesterday's close fill at the open
                if s in positions and s in pending and not math.isnan(o[t][s]):
                    sell(s, o[t][s])
            wanted = [
                s
                for s in range(symbols)
                if entry[t - 1][s] and not exit_[t - 1][s] and s not in positions and not math.isnan(o[t][s])
            ]
            wanted.sort(key=lambda s: -score[t - 1][s])
            for s in wanted:
                if len(positions) >= RULES.max_positions:
                    break
                fill = COSTS.buy_price(o[t][s])
                stop = fill * (1 - EXITS.stop_loss_pct / 100)  # type: ignore[operator]
                spendable = cash - (len(positions) + 1) * shortfall
                budget = entry_budget(RULES, cash=spendable, equity=equity, fill_price=fill, stop_price=stop)
                shares = affordable_shares(budget, fill, RULES.lot, COSTS)
                if shares <= 0:
                    continue
                value = shares * fill
                cash -= value + COSTS.fee(value)
                target = fill * (1 + EXITS.take_profit_pct / 100)  # type: ignore[operator]
                positions[s] = {"shares": shares, "entry": t, "stop": stop, "target": target}
            for s in range(symbols):  # stops and targets inside the bar; the stop first
                p = positions.get(s)
                if p is None:
                    continue
                if lo[t][s] <= p["stop"]:
                    sell(s, min(o[t][s], p["stop"]))
                elif h[t][s] >= p["target"]:
                    sell(s, max(o[t][s], p["target"]))
        invested = 0.0
        for s in range(symbols):  # value at the close, read today's decisions
            if not math.isnan(c[t][s]):
                last_close[s] = c[t][s]
            p = positions.get(s)
            if p is None:
                continue
            invested += p["shares"] * last_close[s]
            if exit_[t][s]:
                pending[s] = exit_[t][s]
            elif t - p["entry"] + 1 >= EXITS.max_holding_sessions and s not in pending:  # type: ignore[operator]
                pending[s] = ExitReason.MAX_HOLDING
        equity = cash + invested
    return trades, equity


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench backtest", description=__doc__.splitlines()[0])
    parser.add_argument("--symbols", type=int, default=500)
    parser.add_argument("--years", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=5, help="repetitions of each side (default 5)")
    args = parser.parse_args(list(argv))
    sessions = round(args.years * SESSIONS_PER_YEAR)
    started = time.perf_counter()
    market, decisions = synthetic(args.symbols, sessions)
    size = f"{args.symbols} symbols × {sessions:,} sessions"
    print(f"backtest: synthetic {size} made in {time.perf_counter() - started:.2f} s", flush=True)

    def ours() -> Any:
        return simulate(market, decisions, RULES, EXITS, COSTS)

    def ours_with_stats() -> Any:
        return summarize(simulate(market, decisions, RULES, EXITS, COSTS))

    def baseline() -> tuple[int, float]:
        return event_loop(market, decisions)

    engine_timing, result = repeat(ours, args.repeat)
    stats_timing, summary = repeat(ours_with_stats, args.repeat)
    baseline_timing, (baseline_trades, baseline_equity) = repeat(baseline, args.repeat)
    same = len(result.trades) == baseline_trades and math.isclose(
        result.final_equity, baseline_equity, rel_tol=1e-9
    )
    figure(
        f"backtest {size}: the same trades on both sides",
        f"{'yes' if same else 'NO'} (kabu-trade {len(result.trades):,} trades, final equity "
        f"{result.final_equity:,.0f} yen; baseline {baseline_trades:,} trades, {baseline_equity:,.0f} yen)",
    )
    if not same:
        raise SystemExit("backtest: the baseline made other trades than the engine; no ratio printed")
    compare(f"backtest simulation {size}", engine_timing, baseline_timing, "per-bar event loop")
    compare(f"backtest simulation + statistics {size}", stats_timing, baseline_timing, "per-bar event loop")
    goal = "PASS" if engine_timing.median <= 2.0 else "OVER"
    figure("backtest simulation against issue 11's goal", f"median {engine_timing.median:.2f} s ≤ 2 s {goal}")
    tracemalloc.start()
    simulate(market, decisions, RULES, EXITS, COSTS)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    arrays = (
        market.open,
        market.high,
        market.low,
        market.close,
        decisions.entry,
        decisions.exit,
        decisions.score,
    )
    inputs = sum(a.nbytes for a in arrays if a is not None) / 1e6
    figure(
        f"backtest memory {size}",
        f"simulation peak allocations {peak:.0f} MB beside {inputs:.0f} MB of input arrays; "
        f"return {summary['return_pct']:.1f} %, max drawdown {summary['max_drawdown_pct']:.1f} %",
    )
