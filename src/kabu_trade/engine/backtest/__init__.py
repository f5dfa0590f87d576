"""The backtest simulation: decisions on a session's close, fills at the next open.

A small public surface (the rest is ``_private`` or module-level detail):

- inputs: :class:`Market` (raw bars, splits, dividends, lots), :class:`Decisions` (what the
  policy decided at each close), :class:`ExitRules`, :class:`PortfolioRules`, :class:`CostModel`;
- :func:`simulate` → :class:`SimulationResult`; :func:`summarize` → every figure, JSON-ready
  (``stepwise.simulate_stepwise`` is the same simulation written session by session: the
  readable specification the fast one is tested against);
- :mod:`parity`: the SMA cross checked against backtesting.py.

Bad arguments raise :class:`EngineInputError` (a ``ValueError`` naming the field).
"""

from kabu_trade.engine.backtest.costs import PRESETS, CostModel, preset
from kabu_trade.engine.backtest.errors import EngineInputError
from kabu_trade.engine.backtest.orders import Decisions, Dividends, ExitReason, ExitRules, Market
from kabu_trade.engine.backtest.portfolio import PortfolioRules
from kabu_trade.engine.backtest.result import SimulationResult
from kabu_trade.engine.backtest.simulate import simulate
from kabu_trade.engine.backtest.stats import drawdown, equity_frame, monthly_returns, summarize

__all__ = [
    "PRESETS",
    "CostModel",
    "Decisions",
    "Dividends",
    "EngineInputError",
    "ExitReason",
    "ExitRules",
    "Market",
    "PortfolioRules",
    "SimulationResult",
    "drawdown",
    "equity_frame",
    "monthly_returns",
    "preset",
    "simulate",
    "summarize",
]
