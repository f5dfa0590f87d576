"""A synthetic raw market for benchmarks: the frames the market tables hold, at full TSE scale.

Deterministic (one seed), vectorised, and shaped like real data where it costs time: raw prices
with a few splits (J-Quants ``adj_factor`` semantics), some recent listings with short histories,
a few days without trades (no prices, zero volume), dates as ``datetime.date`` objects (what the
database returns) and quarterly, cumulative disclosures on the raw share basis of their day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kabu_trade.market.providers.base import BAR_COLUMNS, FUNDAMENTAL_COLUMNS

SYMBOLS = 4000
SESSIONS = 300
SEED = 7203
_SPLIT_SHARE = 0.01  # stocks with a split inside the window
_SHORT_SHARE = 0.03  # stocks listed inside the window (short histories)
_NO_TRADE = 0.002  # share of bars without trades


@dataclass(frozen=True)
class Universe:
    bars: pd.DataFrame  # BAR_COLUMNS, raw, ordered by (code, date) like the repository returns
    disclosures: pd.DataFrame  # FUNDAMENTAL_COLUMNS, ordered by (code, disclosed_date)
    splits: pd.DataFrame  # code, date, adj_factor: the split events inside bars


def synthetic_universe(symbols: int = SYMBOLS, sessions: int = SESSIONS, seed: int = SEED) -> Universe:
    if symbols < 1 or sessions < 30:
        raise ValueError(f"need at least 1 symbol and 30 sessions, got {symbols} and {sessions}")
    rng = np.random.default_rng(seed)
    n_splits, n_short = max(1, round(symbols * _SPLIT_SHARE)), max(1, round(symbols * _SHORT_SHARE))
    days = pd.bdate_range(end="2025-06-30", periods=sessions)
    day_objects = np.array([d.date() for d in days], dtype=object)
    codes = np.array([f"{1300 + i:04d}" for i in range(symbols)], dtype=object)

    # Economic (split-free) prices: a random walk per stock, (session × stock).
    vol = rng.uniform(0.01, 0.035, symbols)
    drift = rng.normal(0.0002, 0.0008, symbols)
    r = drift + vol * rng.standard_normal((sessions, symbols))
    close = rng.lognormal(7.2, 0.8, symbols) * np.exp(np.cumsum(r, axis=0))
    prev = np.vstack([close[:1], close[:-1]])
    open_ = prev * np.exp(0.4 * vol * rng.standard_normal((sessions, symbols)))
    wick = 0.5 * vol * np.abs(rng.standard_normal((2, sessions, symbols)))
    high = np.maximum(open_, close) * np.exp(wick[0])
    low = np.minimum(open_, close) * np.exp(-wick[1])
    volume = np.round(
        rng.lognormal(11.5, 1.2, symbols) * np.exp(0.4 * rng.standard_normal((sessions, symbols)))
    )

    # Splits: raw prices divide and volumes multiply from the ex-date on.
    ratio = np.ones((sessions, symbols))
    adj = np.ones((sessions, symbols))
    split_stocks = rng.choice(symbols, n_splits, replace=False)
    split_days = rng.integers(sessions // 15, sessions - 5, n_splits)
    split_ratios = rng.choice([2.0, 3.0, 5.0], n_splits)
    for stock, day, k in zip(split_stocks, split_days, split_ratios, strict=True):
        ratio[day:, stock] = k
        adj[day, stock] = 1.0 / k
    raw = {name: np.round(v / ratio, 1) for name, v in (("open", open_), ("high", high), ("low", low))}
    raw["close"] = np.round(close / ratio, 1)
    raw["volume"] = volume * ratio
    raw["turnover"] = np.round(raw["close"] * raw["volume"])
    raw["adj_factor"] = adj
    no_trade = rng.random((sessions, symbols)) < _NO_TRADE
    for name in ("open", "high", "low", "close", "turnover"):
        raw[name][no_trade] = np.nan
    raw["volume"][no_trade] = 0.0

    # Recent listings: their first sessions do not exist.
    listed_from = np.zeros(symbols, dtype=np.int64)
    listed_from[rng.choice(symbols, n_short, replace=False)] = rng.integers(
        sessions // 5, sessions - 20, n_short
    )
    exists = (np.arange(sessions)[:, None] >= listed_from[None, :]).T.ravel()  # stock-major
    bars = pd.DataFrame({"code": np.repeat(codes, sessions), "date": np.tile(day_objects, symbols)})
    for name in BAR_COLUMNS[2:]:
        bars[name] = raw[name].T.ravel()
    bars = bars[exists].reset_index(drop=True)

    splits = pd.DataFrame(
        {"code": codes[split_stocks], "date": day_objects[split_days], "adj_factor": 1.0 / split_ratios}
    )
    return Universe(bars, _disclosures(rng, codes, close, ratio, days), splits)


def _disclosures(
    rng: np.random.Generator, codes: np.ndarray, close: np.ndarray, ratio: np.ndarray, days: pd.DatetimeIndex
) -> pd.DataFrame:
    """Quarterly cumulative results for three years, March fiscal years, ~45 days after quarter end."""
    symbols = len(codes)
    quarter_ends = pd.date_range(end=days[-1], periods=12, freq="QE-MAR")
    disclosed = quarter_ends + pd.Timedelta(days=45)
    keep = disclosed <= days[-1]
    quarter_ends, disclosed = quarter_ends[keep], disclosed[keep]
    n_q = len(quarter_ends)
    fiscal_q = ((quarter_ends.month.to_numpy() - 4) % 12) // 3 + 1  # Jun → 1 … Mar → 4
    shares = np.round(rng.lognormal(17.5, 1.0, symbols), -3)
    margin = rng.normal(0.08, 0.06, symbols)
    level = close.mean(axis=0) * shares / rng.uniform(8, 30, symbols)  # yearly net income ≈ cap / PER
    q_sales = level / np.maximum(margin, 0.02) * (1 + 0.05 * rng.standard_normal((n_q, symbols))) / 4
    q_op = q_sales * (margin + 0.03 * rng.standard_normal((n_q, symbols)))
    # Cumulative within the fiscal year: reset at 1Q.
    block = np.cumsum(fiscal_q == 1)[:, None]
    cum_sales = pd.DataFrame(q_sales).groupby(block[:, 0]).cumsum().to_numpy()
    cum_op = pd.DataFrame(q_op).groupby(block[:, 0]).cumsum().to_numpy()
    cum_ni = 0.68 * cum_op
    position = np.searchsorted(days, disclosed).clip(0, len(days) - 1)
    basis = ratio[position]  # per-share figures on the raw share count of the disclosure day
    raw_shares = shares * basis
    equity = level * rng.uniform(5, 15, symbols) * (1 + 0.02 * np.arange(n_q))[:, None]
    fy = fiscal_q == 4
    values = {
        "sales": np.round(cum_sales, -6),
        "operating_profit": np.round(cum_op, -6),
        "net_income": np.round(cum_ni, -6),
        "eps": np.round(cum_ni / raw_shares, 2),
        "forecast_eps": np.round(level / shares * 1.05 / basis, 2),
        "bps": np.round(equity / raw_shares, 2),
        "dps": np.where(fy[:, None], np.round(0.3 * cum_ni / raw_shares, 0), np.nan),
        "forecast_dps": np.round(0.3 * level / shares / basis, 0),
        "equity": np.round(equity, -6),
        "total_assets": np.round(equity / rng.uniform(0.2, 0.7, symbols), -6),
        "shares_outstanding": raw_shares,
    }
    period_types = np.array(["1Q", "2Q", "3Q", "FY"], dtype=object)[fiscal_q - 1]
    frame = pd.DataFrame(
        {
            "code": np.repeat(codes, n_q),
            "disclosed_date": np.tile(np.array([d.date() for d in disclosed], dtype=object), symbols),
            "period_type": np.tile(period_types, symbols),
            "period_end": np.tile(np.array([d.date() for d in quarter_ends], dtype=object), symbols),
        }
    )
    for name in FUNDAMENTAL_COLUMNS[4:]:
        frame[name] = values[name].T.ravel()
    return frame
