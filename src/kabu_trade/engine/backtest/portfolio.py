"""The account's rules: how much cash, how many positions, how big each one is, in whole lots.

- **Cash never goes negative** and there is no shorting or margin: an entry is sized down to the
  lots the cash pays for (price, slippage and commission included), and skipped when not one lot
  fits.
- **Lots**: Japanese shares trade in 単元株 of 100 since 2018; ``lot`` is the default and a
  per-symbol array may override it (an ETF's 1 or 10). Parity mode uses 1.
- **Sizing**, decided at the fill from what was known at the decision (the previous close):
  ``equal_weight`` spends ``equity / max_positions`` per entry; ``risk`` buys the shares whose loss
  at the stop is ``risk_per_trade × equity`` (stop distance × shares = risk budget), no more than
  the cash; ``all_in`` spends ``all_in_fraction`` of the cash (by default all of it, as backtesting.py's
  ``buy()`` does).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Literal

from kabu_trade.engine.backtest.costs import CostModel
from kabu_trade.engine.backtest.errors import EngineInputError

Sizing = Literal["equal_weight", "risk", "all_in"]
SIZINGS: tuple[str, ...] = ("equal_weight", "risk", "all_in")
# backtesting.py's Strategy.buy() default size: the whole equity less one float step (its repr
# prints ".9999", its value is 1 − 2⁻⁵²), whole units only.
BACKTESTING_PY_ALL_IN = 1 - sys.float_info.epsilon
STANDARD_LOT = 100  # 単元株: one trading unit on the Japanese exchanges since 2018-10


@dataclass(frozen=True)
class PortfolioRules:
    """The account: starting cash (yen), position limit, sizing and lot. Validated on construction."""

    cash: float
    max_positions: int = 10
    sizing: Sizing = "equal_weight"
    risk_per_trade: float = 0.01
    all_in_fraction: float = BACKTESTING_PY_ALL_IN
    lot: int = STANDARD_LOT

    def __post_init__(self) -> None:
        if not _finite(self.cash) or self.cash <= 0:
            raise EngineInputError("portfolio.cash", f"must be a positive amount, not {self.cash!r}")
        if not isinstance(self.max_positions, int) or not 1 <= self.max_positions <= 10_000:
            raise EngineInputError("portfolio.max_positions", "must be a whole number from 1 to 10,000")
        if self.sizing not in SIZINGS:
            raise EngineInputError("portfolio.sizing", f"must be one of {', '.join(SIZINGS)}")
        if not _finite(self.risk_per_trade) or not 0 < self.risk_per_trade <= 1:
            raise EngineInputError("portfolio.risk_per_trade", "must lie in (0, 1]")
        if not _finite(self.all_in_fraction) or not 0 < self.all_in_fraction <= 1:
            raise EngineInputError("portfolio.all_in_fraction", "must lie in (0, 1]")
        if not isinstance(self.lot, int) or self.lot < 1:
            raise EngineInputError("portfolio.lot", "must be a whole number of shares ≥ 1")


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def order_cost(shares: float, fill_price: float, costs: CostModel) -> float:
    """Cash a buy of ``shares`` at ``fill_price`` (slippage already applied) takes: value + fee."""
    value = shares * fill_price
    return value + costs.fee(value)


def affordable_shares(budget: float, fill_price: float, lot: int, costs: CostModel) -> int:
    """The most shares, in whole lots, whose value and commission fit in ``budget`` (0 if none).

    The cost grows with the shares, so the answer is the first guess from the proportional rate
    (exact for proportional commissions: the same floor division as backtesting.py's sizing) when
    it fits, else a binary search below it (minimum fees and tier tables)."""
    if not (budget > 0 and fill_price > 0):
        return 0
    lot_price = fill_price * lot
    guess = int(budget // (lot_price + lot_price * costs.rate))
    if guess <= 0:
        return 0
    if order_cost(guess * lot, fill_price, costs) <= budget:
        return guess * lot
    low, high = 0, guess - 1  # low always fits (0 lots cost nothing)
    while low < high:
        middle = (low + high + 1) // 2
        if order_cost(middle * lot, fill_price, costs) <= budget:
            low = middle
        else:
            high = middle - 1
    return low * lot


def entry_budget(
    rules: PortfolioRules, *, cash: float, equity: float, fill_price: float, stop_price: float
) -> float:
    """The yen an entry may spend under the sizing rule, never more than the cash in hand.

    ``equity`` is the account's value at the decision's close; ``stop_price`` (NaN when the
    position has none) matters only for risk sizing, where a missing or non-protective stop falls
    back to an equal-weight slice rather than an unbounded position."""
    if rules.sizing == "all_in":
        return cash * rules.all_in_fraction
    slice_ = equity / rules.max_positions
    if rules.sizing == "risk":
        distance = fill_price - stop_price
        if distance > 0:  # False for NaN
            slice_ = rules.risk_per_trade * equity / distance * fill_price
    return min(cash, slice_)
