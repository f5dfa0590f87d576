"""Parity mode: the textbook SMA-cross strategy through the same simulation as policy backtests,
so that its figures can be checked against backtesting.py's to the last digit.

The strategy: one symbol, long only, lot 1, all in (the whole cash in whole shares:
backtesting.py's ``buy()``), fills at the next open, a proportional commission on each side. Buy
when the fast SMA crosses above the slow one (``fast[D−1] < slow[D−1]`` and ``fast[D] > slow[D]``,
backtesting.py's ``crossover``: touching is no cross), sell when it crosses below, and sell what is
still open at the last session's open (backtesting.py's ``finalize_trades=True``). SMAs are
TA-Lib's, as everywhere in kabu-trade.

One difference is known and left alone: backtesting.py fills an order placed on the very last bar
at that same bar's open when it finalises (a decision acting before it was made); here a decision
of the last session has no next open and does nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import talib

from kabu_trade.engine.backtest.costs import CostModel
from kabu_trade.engine.backtest.errors import EngineInputError
from kabu_trade.engine.backtest.orders import Decisions, ExitReason, ExitRules, FloatArray, Market
from kabu_trade.engine.backtest.portfolio import BACKTESTING_PY_ALL_IN, PortfolioRules
from kabu_trade.engine.backtest.result import SimulationResult
from kabu_trade.engine.backtest.simulate import simulate
from kabu_trade.engine.backtest.stats import summarize

OHLCV_COLUMNS = ("Date", "Open", "High", "Low", "Close", "Volume")
PARITY_KEYS = ("trades", "return_pct", "win_rate_pct", "max_drawdown_pct", "exposure_pct", "final_equity")


def crossings(fast: FloatArray, slow: FloatArray) -> tuple[np.ndarray, np.ndarray]:
    """(crossed above, crossed below) at each session; False where either side is not defined."""
    up = np.zeros(len(fast), dtype=bool)
    down = np.zeros(len(fast), dtype=bool)
    with np.errstate(invalid="ignore"):
        up[1:] = (fast[:-1] < slow[:-1]) & (fast[1:] > slow[1:])
        down[1:] = (fast[:-1] > slow[:-1]) & (fast[1:] < slow[1:])
    return up, down


def check_parameters(fast: int, slow: int, cash: float, commission: float) -> None:
    if fast < 1:
        raise EngineInputError("fast", f"must be at least 1, not {fast}")
    if slow <= fast:
        raise EngineInputError("slow", f"must be greater than fast ({fast}), not {slow}")
    if not np.isfinite(cash) or cash <= 0:
        raise EngineInputError("cash", f"must be a positive amount, not {cash}")
    if not np.isfinite(commission) or not 0 <= commission < 0.1:
        raise EngineInputError("commission", f"must lie in [0, 0.1) (0.001 is 0.1 %), not {commission}")


def ohlcv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The bars sorted by date, checked: the six columns present, prices positive and complete."""
    missing = [c for c in OHLCV_COLUMNS if c not in frame.columns]
    if missing:
        needed = ", ".join(OHLCV_COLUMNS)
        raise EngineInputError("csv", f"missing column(s) {', '.join(missing)} (needs {needed})")
    bars = frame.loc[:, list(OHLCV_COLUMNS)].copy()
    try:
        bars["Date"] = pd.to_datetime(bars["Date"])
        prices = bars[["Open", "High", "Low", "Close"]].astype(float)
    except (ValueError, TypeError) as exc:
        raise EngineInputError("csv", f"unreadable dates or prices: {exc}") from None
    if len(bars) < 2:
        raise EngineInputError("csv", "needs at least two bars")
    if prices.isna().to_numpy().any() or (prices.to_numpy() <= 0).any():
        raise EngineInputError("csv", "every Open, High, Low and Close must be a positive number")
    bars[["Open", "High", "Low", "Close"]] = prices
    return bars.sort_values("Date", kind="stable").reset_index(drop=True)


def run_sma_cross(
    bars: pd.DataFrame, fast: int, slow: int, cash: float, commission: float
) -> tuple[SimulationResult, dict[str, Any]]:
    """Simulate the SMA cross on checked bars (:func:`ohlcv_frame`); the run and its summary."""
    check_parameters(fast, slow, cash, commission)
    close = bars["Close"].to_numpy(dtype=float)
    fast_sma = talib.SMA(close, timeperiod=fast)
    slow_sma = talib.SMA(close, timeperiod=slow)
    up, down = crossings(fast_sma, slow_sma)

    def column(name: str) -> FloatArray:
        return bars[name].to_numpy(dtype=float)[:, None]

    market = Market(
        dates=bars["Date"].to_numpy(dtype="datetime64[ns]"),
        symbols=("parity",),
        open=column("Open"),
        high=column("High"),
        low=column("Low"),
        close=column("Close"),
    )
    decisions = Decisions(
        entry=up[:, None], exit=np.where(down, ExitReason.SELL_SIGNAL, 0).astype(np.int8)[:, None]
    )
    portfolio = PortfolioRules(
        cash=cash, max_positions=1, sizing="all_in", all_in_fraction=BACKTESTING_PY_ALL_IN, lot=1
    )
    result = simulate(market, decisions, portfolio, ExitRules(close_at_end=True), CostModel(rate=commission))
    return result, summarize(result)
