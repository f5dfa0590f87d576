"""Benchmark: the metrics of a whole synthetic TSE universe, compute only and end to end.

Two figures per size, each beside a baseline measured in the same run, with the same repetitions:

- **compute**: ``compute_universe_metrics`` on frames in memory, against a straightforward
  baseline written the usual way: a Python loop over stocks, each computing its indicators with
  pandas rolling windows and ``ewm`` (RSI/ATR/ADX with alpha = 1/14, MACD with spans), its crosses,
  swing levels and fundamentals with pandas, keeping the last row. Both produce the same kind of
  result; the baseline is not meant to match TA-Lib's seeding to the last digit.
- **end to end** (what a user waits for after a sync): a private database is filled with the same
  universe (SQLite in a temporary folder, PostgreSQL ``bench_metrics``), then
  ``refresh_stock_metrics`` (read, compute, write, commit) against the baseline reading the same
  window of rows with ``pandas.read_sql``, computing with the loop above, scoring each stock and
  writing the rows with the same upsert.

    python -m bench metrics [--symbols 320,4000] [--sessions 300] [--repeat 3]
                            [--baseline-symbols 320] [--databases sqlite,postgresql] [--quick]

The baseline costs ~20 ms per stock, so at 4,000 stocks it is measured on the first
``--baseline-symbols`` stocks (reading, computing and writing only theirs) and scaled linearly, each
stock being independent work; the output says so. ``--quick``: 320 stocks, a baseline on 40 of
them, SQLite only.
"""

from __future__ import annotations

import argparse
import gc
import math
import shutil
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from bench._measure import Timing, compare, figure, repeat
from bench._server import DATABASES, postgres_reachable, private_database, stocks_frame
from bench.synthetic import SESSIONS, Universe, synthetic_universe
from kabu_trade.analysis import repository as analysis_repository
from kabu_trade.analysis.catalog import CROSS_LOOKBACK_DAYS, CROSS_PAIRS, METRICS, cross_metric
from kabu_trade.analysis.service import DEFAULT_LOOKBACK_SESSIONS, default_scores, refresh_stock_metrics
from kabu_trade.analysis.universe import compute_universe_metrics
from kabu_trade.core.config import Settings
from kabu_trade.core.context import AppContext, build_context
from kabu_trade.core.db import session_scope, utcnow
from kabu_trade.core.migrate import upgrade
from kabu_trade.market import repository as market
from kabu_trade.market.models import DailyBar, Fundamental
from kabu_trade.market.providers.base import BAR_COLUMNS, FUNDAMENTAL_COLUMNS

_PRICES = ["open", "high", "low", "close"]


def _peak_mb(fn: Callable[[], Any]) -> float:
    """Peak of Python-visible allocations (numpy and pandas buffers included) during ``fn``."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


# --- the baseline: one stock at a time, pandas all the way -------------------------------------


def _wilder(series: pd.Series, n: int = 14) -> pd.Series:
    return series.ewm(alpha=1 / n, adjust=False).mean()


def _days_since_cross(fast: pd.Series, slow: pd.Series, above: bool) -> float | None:
    diff = fast - slow
    prev = diff.shift(1)
    hit = (prev <= 0) & (diff > 0) if above else (prev >= 0) & (diff < 0)
    recent = hit.to_numpy()[-(CROSS_LOOKBACK_DAYS + 1) :]
    where = np.flatnonzero(recent)
    return float(len(recent) - 1 - where[-1]) if len(where) else None


def _baseline_levels(h: pd.Series, lo: pd.Series, last: float) -> tuple[float | None, float | None]:
    swing_high = h == h.rolling(11, center=True).max()
    swing_low = lo == lo.rolling(11, center=True).min()
    prices = sorted(pd.concat([h[swing_high], lo[swing_low]]).tail(240).tolist())
    levels: list[float] = []
    group: list[float] = []
    for price in prices:
        if group and price > group[0] * 1.015:
            levels.append(sum(group) / len(group))
            group = []
        group.append(price)
    if group:
        levels.append(sum(group) / len(group))
    below = [x for x in levels if x < last]
    above = [x for x in levels if x > last]
    return (below[-1] if below else None), (above[0] if above else None)


def _baseline_stock(g: pd.DataFrame, disc: pd.DataFrame | None) -> dict[str, Any]:
    g = g.sort_values("date")
    factor = g["adj_factor"].fillna(1.0)
    later = factor[::-1].cumprod()[::-1].shift(-1, fill_value=1.0)
    g = g.assign(**{c: g[c] * later for c in _PRICES}, volume=g["volume"] / later)
    g = g.dropna(subset=_PRICES)
    o, h, lo, c, v = (g[k] for k in ("open", "high", "low", "close", "volume"))
    del o
    s: dict[str, pd.Series] = {f"sma_{n}": c.rolling(n).mean() for n in (5, 25, 75, 200)}
    s["ema_12"], s["ema_26"] = c.ewm(span=12, adjust=False).mean(), c.ewm(span=26, adjust=False).mean()
    delta = c.diff()
    gain, loss = _wilder(delta.clip(lower=0)), _wilder(-delta.clip(upper=0))
    s["rsi_14"] = 100 - 100 / (1 + gain / loss)
    s["macd"] = s["ema_12"] - s["ema_26"]
    s["macd_signal"] = s["macd"].ewm(span=9, adjust=False).mean()
    mid, sd = c.rolling(20).mean(), c.rolling(20).std(ddof=0)
    s["bb_upper"], s["bb_lower"] = mid + 2 * sd, mid - 2 * sd
    prev = c.shift(1)
    tr = pd.concat([h - lo, (h - prev).abs(), (lo - prev).abs()], axis=1).max(axis=1)
    atr = _wilder(tr)
    s["atr_14"] = atr
    lowest, highest = lo.rolling(14).min(), h.rolling(14).max()
    s["stoch_k"] = (100 * (c - lowest) / (highest - lowest)).rolling(3).mean()
    s["stoch_d"] = s["stoch_k"].rolling(3).mean()
    up, down = h.diff(), -lo.diff()
    plus_dm = up.where((up > down) & (up > 0), 0.0)
    minus_dm = down.where((down > up) & (down > 0), 0.0)
    s["plus_di_14"] = 100 * _wilder(plus_dm) / atr
    s["minus_di_14"] = 100 * _wilder(minus_dm) / atr
    dx = 100 * (s["plus_di_14"] - s["minus_di_14"]).abs() / (s["plus_di_14"] + s["minus_di_14"])
    s["adx_14"] = _wilder(dx)
    s["volume_ratio_20"] = v / v.rolling(20).mean()
    s["turnover_avg_20"] = g["turnover"].fillna(c * v).rolling(20).mean()
    s["high_52w"], s["low_52w"] = h.rolling(250).max(), lo.rolling(250).min()
    for n in (20, 60, 120):
        s[f"return_{n}d_pct"] = c.pct_change(n) * 100
    s["volatility_20d_pct"] = np.log(c).diff().rolling(20).std() * np.sqrt(250) * 100
    s["close"] = c
    row: dict[str, Any] = {k: (float(x.iloc[-1]) if len(x) else None) for k, x in s.items()}
    for fast, slow in CROSS_PAIRS:
        if fast in s and slow in s:
            row[cross_metric("above", fast, slow)] = _days_since_cross(s[fast], s[slow], above=True)
            row[cross_metric("below", fast, slow)] = _days_since_cross(s[fast], s[slow], above=False)
    if len(c):
        row["support_1"], row["resistance_1"] = _baseline_levels(h.tail(130), lo.tail(130), float(c.iloc[-1]))
    if disc is not None and len(c):
        known = disc[disc["disclosed_date"] <= g["date"].iloc[-1]]
        fy = known[known["period_type"] == "FY"]
        last_close = float(c.iloc[-1])
        if not fy.empty:
            eps = fy["eps"].iloc[-1]
            row["per"] = last_close / eps if eps > 0 else None
        if not known.empty:
            latest = known.iloc[-1]
            row["pbr"] = last_close / latest["bps"] if latest["bps"] > 0 else None
            row["market_cap"] = last_close * latest["shares_outstanding"]
            prior = known[
                (known["period_type"] == latest["period_type"])
                & (
                    pd.to_datetime(known["period_end"])
                    == pd.Timestamp(latest["period_end"]) - pd.DateOffset(years=1)
                )
            ]
            if not prior.empty and prior["sales"].iloc[-1] > 0:
                row["sales_growth_pct"] = (latest["sales"] / prior["sales"].iloc[-1] - 1) * 100
    return row


def baseline_universe_metrics(bars: pd.DataFrame, disclosures: pd.DataFrame) -> pd.DataFrame:
    by_code = dict(tuple(disclosures.groupby("code")))
    rows = []
    for code, group in bars.groupby("code", sort=True):
        rows.append({"code": code, **_baseline_stock(group, by_code.get(code))})
    return pd.DataFrame(rows)


# --- the baseline end to end: read with pandas, compute stock by stock, score, write ----------


def baseline_refresh(context: AppContext, codes: Sequence[str] | None) -> int:
    """What the refresh does, written the usual way (``codes``: only these stocks, else all)."""
    with context.engine.connect() as connection:
        end = connection.scalar(sa.select(sa.func.max(DailyBar.date)))
        start = connection.scalar(  # the same window as the refresh: the last N sessions
            sa.select(DailyBar.date)
            .distinct()
            .order_by(DailyBar.date.desc())
            .offset(DEFAULT_LOOKBACK_SESSIONS - 1)
            .limit(1)
        )
        bars_query = sa.select(*(getattr(DailyBar, c) for c in BAR_COLUMNS)).where(DailyBar.date <= end)
        if start is not None:
            bars_query = bars_query.where(DailyBar.date >= start)
        disclosures_query = sa.select(*(getattr(Fundamental, c) for c in FUNDAMENTAL_COLUMNS)).where(
            Fundamental.disclosed_date <= end
        )
        if codes is not None:
            bars_query = bars_query.where(DailyBar.code.in_(codes))
            disclosures_query = disclosures_query.where(Fundamental.code.in_(codes))
        bars = pd.read_sql(bars_query.order_by(DailyBar.code, DailyBar.date), connection)
        disclosures = pd.read_sql(
            disclosures_query.order_by(Fundamental.code, Fundamental.disclosed_date), connection
        )
    result = baseline_universe_metrics(bars, disclosures)
    counts = bars.groupby("code").size()
    now, rows = utcnow(), []
    for record in result.to_dict("records"):
        values = {name: _number(record.get(name)) for name in METRICS}
        rows.append(
            {
                "code": record["code"],
                "as_of": end,
                "computed_at": now,
                "bars": int(counts[record["code"]]),
                "values": values,
                "scores": default_scores(values),
            }
        )
    with session_scope(context.sessions) as session:
        return analysis_repository.upsert_metrics(session, rows)


def _number(value: Any) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


# --- run ----------------------------------------------------------------------------------------


def _subset(universe: Universe, symbols: int) -> Universe:
    codes = sorted(universe.bars["code"].unique())[:symbols]
    return Universe(
        universe.bars[universe.bars["code"].isin(codes)],
        universe.disclosures[universe.disclosures["code"].isin(codes)],
        universe.splits[universe.splits["code"].isin(codes)],
    )


def _scaled(timing: Timing, factor: float) -> Timing:
    return Timing(tuple(s * factor for s in timing.samples))


def _sample_note(measured: int, symbols: int) -> str:
    return "" if measured == symbols else f" (measured on {measured} stocks, ×{symbols / measured:.1f})"


def compute_only(universe: Universe, symbols: int, repeats: int, baseline_symbols: int) -> None:
    def kabu() -> pd.DataFrame:
        return compute_universe_metrics(universe.bars, universe.disclosures)

    ours, result = repeat(kabu, repeats)
    sample = universe if baseline_symbols >= symbols else _subset(universe, baseline_symbols)
    measured = int(sample.bars["code"].nunique())
    theirs, base = repeat(lambda: baseline_universe_metrics(sample.bars, sample.disclosures), repeats)
    compare(
        f"metrics compute {symbols} stocks",
        ours,
        _scaled(theirs, symbols / measured),
        "pandas loop" + _sample_note(measured, symbols),
    )
    figure(
        f"metrics compute {symbols} stocks",
        f"{len(result)} stocks × {result.shape[1] - 3} metrics (baseline rows {len(base)}), "
        f"peak of Python allocations {_peak_mb(kabu):.0f} MB",
    )


@contextmanager
def filled_database(database: str, universe: Universe) -> Iterator[AppContext]:
    """A migrated private database holding the universe's stocks, bars and disclosures."""
    folder = Path(tempfile.mkdtemp(prefix="kabu-bench-metrics-"))
    try:
        with _database_url(database, folder) as url:
            context = build_context(
                Settings(data_dir=folder, database_url=url, env="test", log_json=False, log_level="WARNING")
            )
            try:
                upgrade(context.engine)
                started = time.perf_counter()
                with session_scope(context.sessions) as session:
                    market.upsert_stocks(session, stocks_frame(sorted(universe.bars["code"].unique())), "csv")
                    market.upsert_bars(session, universe.bars)
                    market.upsert_fundamentals(session, universe.disclosures)
                print(
                    f"metrics: {database} filled with {len(universe.bars):,} bars and "
                    f"{len(universe.disclosures):,} disclosures in {time.perf_counter() - started:.1f} s "
                    "(not a figure: bench bulk measures writes)",
                    flush=True,
                )
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _database_url(database: str, folder: Path) -> Iterator[str | None]:
    if database == "sqlite":
        yield None  # the embedded default: DATA_DIR/kabu-trade.db
    else:
        with private_database("bench_metrics") as url:
            yield url


def end_to_end(database: str, universe: Universe, symbols: int, repeats: int, baseline_symbols: int) -> None:
    with filled_database(database, universe) as context:

        def refresh() -> int:
            with session_scope(context.sessions) as session:
                return refresh_stock_metrics(session)

        ours, written = repeat(refresh, repeats)
        codes = sorted(universe.bars["code"].unique())
        sample = None if baseline_symbols >= symbols else codes[:baseline_symbols]
        measured = symbols if sample is None else len(sample)
        theirs, base_written = repeat(lambda: baseline_refresh(context, sample), repeats)
        compare(
            f"metrics refresh end to end {symbols} stocks × {universe.bars['date'].nunique()} sessions, "
            f"{database}",
            ours,
            _scaled(theirs, symbols / measured),
            "read_sql + pandas loop + same upsert" + _sample_note(measured, symbols),
        )
        print(f"metrics: rows written per run: kabu-trade {written}, baseline {base_written}", flush=True)


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench metrics", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="320 stocks, baseline on 40, SQLite only")
    parser.add_argument("--symbols", default=None, help="universe sizes, e.g. 320,4000 (default)")
    parser.add_argument("--sessions", type=int, default=SESSIONS)
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each side (default 3)")
    parser.add_argument(
        "--baseline-symbols", type=int, default=None, help="measure the baseline on N stocks (default 320)"
    )
    parser.add_argument(
        "--databases", default=None, help="sqlite,postgresql (default: both) or none (compute only)"
    )
    args = parser.parse_args(list(argv))
    sizes = [int(n) for n in (args.symbols or ("320" if args.quick else "320,4000")).split(",")]
    baseline_symbols = args.baseline_symbols or (40 if args.quick else 320)
    chosen = args.databases or ("sqlite" if args.quick else ",".join(DATABASES))
    databases = [d for d in chosen.split(",") if d and d != "none"]
    if unknown := set(databases) - set(DATABASES):
        parser.error(f"--databases: unknown {', '.join(sorted(unknown))} (known: {', '.join(DATABASES)})")
    if "postgresql" in databases and (why := postgres_reachable()):
        print(f"metrics: PostgreSQL skipped, unreachable ({why})")
        databases.remove("postgresql")

    for symbols in sizes:
        started = time.perf_counter()
        universe = synthetic_universe(symbols, args.sessions)
        print(
            f"metrics: synthetic universe {symbols} stocks × {args.sessions} sessions "
            f"({len(universe.bars):,} bars, {len(universe.disclosures):,} disclosures, "
            f"{len(universe.splits)} splits) made in {time.perf_counter() - started:.2f} s",
            flush=True,
        )
        compute_only(universe, symbols, args.repeat, baseline_symbols)
        for database in databases:
            end_to_end(database, universe, symbols, args.repeat, baseline_symbols)
