"""Benchmark: every catalog metric for a whole synthetic TSE universe (4,000 stocks × 300 sessions).

Times ``compute_universe_metrics`` against a straightforward baseline written the usual way: a
Python loop over stocks, each computing its indicators with pandas rolling windows and ``ewm``
(RSI/ATR/ADX with alpha = 1/14, MACD with spans), its crosses, swing levels and fundamentals with
pandas, and keeping the last row. Both produce the same kind of result; the baseline is not meant to
match TA-Lib's seeding to the last digit.

    python -m bench metrics [--symbols 4000] [--sessions 300] [--repeat 3] [--baseline-symbols N]

``--baseline-symbols N`` times the baseline on the first N stocks and scales it linearly (each stock
is independent work), for a quicker run; the output says so.
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from bench.synthetic import SESSIONS, SYMBOLS, Universe, synthetic_universe
from kabu_trade.analysis.catalog import CROSS_LOOKBACK_DAYS, CROSS_PAIRS, cross_metric
from kabu_trade.analysis.universe import compute_universe_metrics

_PRICES = ["open", "high", "low", "close"]


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


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


# --- run ----------------------------------------------------------------------------------------


def _subset(universe: Universe, symbols: int) -> Universe:
    codes = sorted(universe.bars["code"].unique())[:symbols]
    return Universe(
        universe.bars[universe.bars["code"].isin(codes)],
        universe.disclosures[universe.disclosures["code"].isin(codes)],
        universe.splits[universe.splits["code"].isin(codes)],
    )


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench metrics", description=__doc__.splitlines()[0])
    parser.add_argument("--symbols", type=int, default=SYMBOLS)
    parser.add_argument("--sessions", type=int, default=SESSIONS)
    parser.add_argument("--repeat", type=int, default=3, help="best of N for kabu-trade (default 3)")
    parser.add_argument("--baseline-symbols", type=int, default=None, help="time the baseline on N stocks")
    args = parser.parse_args(list(argv))

    start = time.perf_counter()
    universe = synthetic_universe(args.symbols, args.sessions)
    print(
        f"metrics: synthetic universe {args.symbols} stocks × {args.sessions} sessions "
        f"({len(universe.bars):,} bars, {len(universe.disclosures):,} disclosures, "
        f"{len(universe.splits)} splits) made in {time.perf_counter() - start:.2f} s"
    )

    def kabu() -> pd.DataFrame:
        return compute_universe_metrics(universe.bars, universe.disclosures)

    kabu_s, result = _timed(kabu, args.repeat)
    peak = _peak_mb(kabu)
    sample = universe if args.baseline_symbols is None else _subset(universe, args.baseline_symbols)
    n_sample = sample.bars["code"].nunique()
    base_s, base = _timed(lambda: baseline_universe_metrics(sample.bars, sample.disclosures), 1)
    scaled = base_s * args.symbols / max(n_sample, 1)
    note = "" if n_sample == args.symbols else f" (measured on {n_sample} stocks, scaled)"
    print(
        f"metrics: kabu {kabu_s:.2f} s | baseline {scaled:.2f} s{note} | "
        f"{scaled / kabu_s:.1f}× faster | peak {peak:.0f} MB"
    )
    print(f"metrics: {len(result)} stocks × {result.shape[1] - 3} metrics; baseline rows {len(base)}")
