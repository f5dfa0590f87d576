"""What a simulation returns: the account session by session, and every trade."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kabu_trade.engine.backtest.orders import BoolArray, FloatArray, IntArray


@dataclass(frozen=True)
class SimulationResult:
    """The run, session by session, and every closed trade (``trades``, one row each)."""

    dates: np.ndarray
    equity: FloatArray
    cash: FloatArray
    invested: FloatArray  # market value of the open positions at each close
    positions: IntArray  # open positions at each close
    exposed: BoolArray  # a position was held at some moment of the session
    traded_value: FloatArray  # yen bought + sold in each session
    costs_paid: FloatArray  # commissions of each session
    trades: pd.DataFrame
    open_positions: pd.DataFrame  # still held after the last session (close_at_end=False)
    skipped_entries: int  # entry signals dropped: no free slot, or not one lot affordable
    dividends_received: float
    initial_cash: float

    @property
    def final_equity(self) -> float:
        return float(self.equity[-1])


TRADE_COLUMNS = [
    "symbol",
    "entry_session",
    "exit_session",
    "entry_date",
    "exit_date",
    "shares",
    "entry_price",
    "exit_price",
    "entry_value",
    "exit_value",
    "commission",
    "dividends",
    "pnl",
    "return_pct",
    "holding_sessions",
    "reason",
]
