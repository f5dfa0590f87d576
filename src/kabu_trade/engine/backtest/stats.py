"""What people read about a run, each figure defined exactly.

Returns are simple returns of the equity at each session's close (``r_t = E_t / E_{t−1} − 1``),
risk-free rate 0, annualised with ``periods_per_year`` sessions (245: the Tokyo exchange's
sessions in a typical year).

- ``cagr_pct``: ``(E_final / cash)^(1 / years) − 1``, years = calendar days / 365.25.
- ``volatility_pct``: ``std(r, ddof=1) × √P``. ``sharpe``: ``mean(r) / std(r) × √P``.
  ``sortino``: ``mean(r) × P / (√mean(min(r, 0)²) × √P)`` (downside deviation about 0).
- ``max_drawdown_pct``: the deepest fall from a previous high, ``min(E_t / max_{s≤t} E_s − 1)``,
  negative (0 for a curve that never fell); ``max_drawdown_sessions`` / ``_days``: the longest
  spell from a high to the session it was regained (or to the end), in sessions and calendar days
  (backtesting.py's definition). ``calmar``: ``cagr / |max drawdown|``.
- Trades (closed only; pnl net of both commissions, dividends included): ``win_rate_pct`` share
  with pnl > 0; ``profit_factor`` gross profit / gross loss in yen; ``expectancy_yen`` and
  ``expectancy_pct``: mean pnl and mean return per trade; ``avg_holding_sessions``.
- ``exposure_pct``: share of sessions in which a position was held at some moment (entry session
  to exit session inclusive; backtesting.py's "Exposure Time"). ``turnover``: yen traded per year
  (buys and sells halved) over the mean equity.
- ``beta``, ``alpha_pct`` against a benchmark level series (TOPIX or an equal-weight universe):
  ``beta = cov(r, b) / var(b)``, ``alpha = (mean(r) − beta × mean(b)) × P`` in percent a year,
  over the sessions where both returns exist.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from kabu_trade.engine.backtest.errors import EngineInputError
from kabu_trade.engine.backtest.orders import FloatArray
from kabu_trade.engine.backtest.result import SimulationResult

TSE_SESSIONS_PER_YEAR = 245


def drawdown(equity: FloatArray) -> FloatArray:
    """``E_t / max_{s≤t} E_s − 1`` at each session: 0 at a high, negative below it."""
    return equity / np.maximum.accumulate(equity) - 1.0


def drawdown_spells(equity: FloatArray) -> list[tuple[int, int]]:
    """(high, end) sessions of each spell under water: from the high it fell from to the session
    that regained it, or to the last session when it never did. Empty for a curve that never fell."""
    under = np.r_[False, drawdown(equity) < 0, False].astype(np.int8)
    edges = np.diff(under)
    first_under = np.flatnonzero(edges == 1)  # the first session under water of each spell
    last_under = np.flatnonzero(edges == -1) - 1
    regained = np.minimum(last_under + 1, len(equity) - 1)
    return list(zip((first_under - 1).tolist(), regained.tolist(), strict=True))


def daily_returns(equity: FloatArray) -> FloatArray:
    return equity[1:] / equity[:-1] - 1.0 if len(equity) > 1 else np.zeros(0)


def monthly_returns(dates: np.ndarray, equity: FloatArray, initial: float) -> pd.Series:
    """Percent return of each calendar month (its last close over the previous month's, the first
    month over the starting cash), indexed by the month."""
    index = pd.DatetimeIndex(dates)
    series = pd.Series(equity, index=index)
    month_end = series.groupby(index.to_period("M")).last()
    previous = month_end.shift(1).fillna(initial)
    return (month_end / previous - 1.0) * 100


def equity_frame(result: SimulationResult) -> pd.DataFrame:
    """Per session: equity, cash, invested value, open positions and drawdown (percent)."""
    return pd.DataFrame(
        {
            "equity": result.equity,
            "cash": result.cash,
            "invested": result.invested,
            "positions": result.positions,
            "drawdown_pct": drawdown(result.equity) * 100,
        },
        index=pd.DatetimeIndex(result.dates, name="date"),
    )


def summarize(
    result: SimulationResult,
    benchmark: FloatArray | None = None,
    periods_per_year: int = TSE_SESSIONS_PER_YEAR,
) -> dict[str, Any]:
    """Every figure of the module's docstring, JSON-ready (NaN becomes None)."""
    equity = result.equity
    initial = result.initial_cash
    final = float(equity[-1])
    p = periods_per_year
    r = daily_returns(equity)
    days = (pd.Timestamp(result.dates[-1]) - pd.Timestamp(result.dates[0])).days
    years = days / 365.25
    cagr = (final / initial) ** (1 / years) - 1 if years > 0 and final > 0 else math.nan
    std = float(np.std(r, ddof=1)) if len(r) > 1 else math.nan
    mean = float(np.mean(r)) if len(r) else math.nan
    downside = float(np.sqrt(np.mean(np.minimum(r, 0.0) ** 2))) if len(r) else math.nan
    dd = drawdown(equity)
    max_dd = float(dd.min())
    spells = drawdown_spells(equity)
    longest = max(spells, key=lambda s: s[1] - s[0], default=None)
    dates = pd.DatetimeIndex(result.dates)
    trades = result.trades
    pnl = trades["pnl"].to_numpy(dtype=float)
    gains, losses = pnl[pnl > 0].sum(), -pnl[pnl < 0].sum()
    beta, alpha = _beta_alpha(r, benchmark, len(equity), p)
    summary: dict[str, Any] = {
        "start": str(dates[0].date()),
        "end": str(dates[-1].date()),
        "sessions": len(equity),
        "initial_cash": initial,
        "final_equity": final,
        "return_pct": (final - initial) / initial * 100,
        "cagr_pct": cagr * 100,
        "volatility_pct": std * math.sqrt(p) * 100,
        "sharpe": mean / std * math.sqrt(p) if std > 0 else math.nan,
        "sortino": mean * p / (downside * math.sqrt(p)) if downside > 0 else math.nan,
        "max_drawdown_pct": max_dd * 100,
        "max_drawdown_sessions": (longest[1] - longest[0]) if longest else 0,
        "max_drawdown_days": (dates[longest[1]] - dates[longest[0]]).days if longest else 0,
        "calmar": cagr / -max_dd if max_dd < 0 else math.nan,
        "trades": len(trades),
        "win_rate_pct": float((pnl > 0).mean() * 100) if len(pnl) else math.nan,
        "profit_factor": gains / losses if losses > 0 else math.nan,
        "expectancy_yen": float(pnl.mean()) if len(pnl) else math.nan,
        "expectancy_pct": float(trades["return_pct"].mean()) if len(pnl) else math.nan,
        "avg_holding_sessions": float(trades["holding_sessions"].mean()) if len(pnl) else math.nan,
        "exposure_pct": float(result.exposed.mean() * 100),
        "turnover": (float(result.traded_value.sum() / 2 / equity.mean() / years) if years > 0 else math.nan),
        "commissions": float(result.costs_paid.sum()),
        "dividends": result.dividends_received,
        "skipped_entries": result.skipped_entries,
        "open_positions": len(result.open_positions),
        "beta": beta,
        "alpha_pct": alpha,
    }
    return {key: _json_number(value) for key, value in summary.items()}


def _beta_alpha(
    r: FloatArray, benchmark: FloatArray | None, sessions: int, periods_per_year: int
) -> tuple[float, float]:
    if benchmark is None:
        return math.nan, math.nan
    levels = np.asarray(benchmark, dtype=float)
    if levels.shape != (sessions,):
        raise EngineInputError("benchmark", f"needs one level per session ({sessions}), not {levels.shape}")
    b = daily_returns(levels)
    both = np.isfinite(r) & np.isfinite(b)
    if both.sum() < 2 or np.var(b[both], ddof=1) == 0:
        return math.nan, math.nan
    rr, bb = r[both], b[both]
    beta = float(np.cov(rr, bb, ddof=1)[0, 1] / np.var(bb, ddof=1))
    alpha = (float(rr.mean()) - beta * float(bb.mean())) * periods_per_year * 100
    return beta, alpha


def _json_number(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value
