"""What the simulation reads: the market as (sessions × symbols) arrays, and the decisions.

Timing (the rule that keeps a backtest honest): every decision in :class:`Decisions` row ``D`` is
made at session D's close with what was known by then, and is acted on at session D+1's open.
Stops and targets are the only orders that fill inside a session: they rest at the broker.

Corporate actions use the market domain's conventions:

- ``adj_factor[D, s]`` is J-Quants' AdjustmentFactor on the ex-date D (0.5 for a 2-for-1 split,
  1 otherwise): prices are raw (unadjusted), so from D on a held position has ``shares / factor``
  shares, and its per-share levels (stop, target, trailing peak) are multiplied by the factor.
- a dividend is an event (symbol, ex-date session, payment session, yen per share): the shares
  held at the close before the ex-date (権利付最終日) are entitled, and the cash arrives on the
  payment session (total return), less ``dividend_tax_rate`` (20.315 % withheld in a taxable
  account, 0 in NISA). A payment after the last session is not credited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from kabu_trade.engine.backtest.errors import EngineInputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class ExitReason(IntEnum):
    """Why a position was closed; the caller's exit array holds these codes (0: no exit)."""

    STOP_LOSS = 1
    TARGET = 2
    TRAILING_STOP = 3
    MAX_HOLDING = 4
    SELL_SIGNAL = 5  # the policy's sell recommendation
    RULE_FAILED = 6  # a required rule of the policy no longer passes
    END_OF_DATA = 7  # parity mode: closed at the last session


@dataclass(frozen=True)
class Dividends:
    """Dividend events, one per row: symbol index, ex-date session, payment session, yen per share."""

    symbol: IntArray
    ex_session: IntArray
    pay_session: IntArray
    per_share: FloatArray

    @classmethod
    def none(cls) -> Dividends:
        empty = np.zeros(0, dtype=np.int64)
        return cls(empty, empty, empty, np.zeros(0))


@dataclass(frozen=True)
class Market:
    """Raw daily bars of the universe: ``open``/``high``/``low``/``close`` are (sessions, symbols),
    NaN where a symbol has no bar (not listed yet, suspended, delisted)."""

    dates: npt.NDArray[np.datetime64]
    symbols: tuple[str, ...]
    open: FloatArray
    high: FloatArray
    low: FloatArray
    close: FloatArray
    adj_factor: FloatArray | None = None
    lots: IntArray | None = None  # per symbol; None: the portfolio's lot for all
    dividends: Dividends = field(default_factory=Dividends.none)

    def __post_init__(self) -> None:
        shape = (len(self.dates), len(self.symbols))
        if shape[0] < 1 or shape[1] < 1:
            raise EngineInputError("market", "needs at least one session and one symbol")
        for name in ("open", "high", "low", "close", "adj_factor"):
            _check_shape(f"market.{name}", getattr(self, name), shape)
        if self.adj_factor is not None and not np.all(self.adj_factor > 0):
            raise EngineInputError("market.adj_factor", "must be positive (1 when nothing happened)")
        if self.lots is not None and (self.lots.shape != (shape[1],) or np.any(self.lots < 1)):
            raise EngineInputError("market.lots", "needs one lot ≥ 1 per symbol")
        d = self.dividends
        n = len(d.symbol)
        if any(len(a) != n for a in (d.ex_session, d.pay_session, d.per_share)):
            raise EngineInputError("market.dividends", "the event arrays must have one length")
        if n and (
            np.any((d.symbol < 0) | (d.symbol >= shape[1]))
            or np.any((d.ex_session < 1) | (d.ex_session >= shape[0]))
            or np.any(d.pay_session < d.ex_session)
            or not np.all(d.per_share >= 0)
        ):
            raise EngineInputError(
                "market.dividends", "an event names an unknown symbol or session, or pays before its ex-date"
            )


@dataclass(frozen=True)
class Decisions:
    """What the policy decided at each session's close, (sessions, symbols) like the market.

    ``entry``: buy at the next open. ``exit``: an :class:`ExitReason` code (0: hold), sell at the
    next open (or the symbol's next bar); an exit wins over an entry on the same row, and a
    position already due to leave keeps the reason that first made it. ``score``: ranks the entries of one
    session when there are more than free slots (higher first; ties by symbol order).
    ``stop_level`` / ``target_level``: price levels the policy set on the entry's decision day,
    NaN for none; they combine with :class:`ExitRules`' percentages (the tighter stop, the nearer
    target wins)."""

    entry: BoolArray
    exit: npt.NDArray[np.int8] | None = None
    score: FloatArray | None = None
    stop_level: FloatArray | None = None
    target_level: FloatArray | None = None

    def check(self, market: Market) -> None:
        shape = market.open.shape
        for name in ("entry", "exit", "score", "stop_level", "target_level"):
            _check_shape(f"decisions.{name}", getattr(self, name), shape)
        if self.exit is not None and self.exit.size:
            low, high = int(self.exit.min()), int(self.exit.max())  # two passes, not a sort
            if low < 0 or high > max(ExitReason):
                unknown = sorted({int(c) for c in np.unique(self.exit)} - {0, *map(int, ExitReason)})
                raise EngineInputError("decisions.exit", f"unknown exit codes {unknown}")


@dataclass(frozen=True)
class ExitRules:
    """Exits that need no decision: percentages of the entry fill, a holding limit in sessions.

    - ``stop_loss_pct`` 8 → a stop 8 % under the entry price; ``take_profit_pct`` 20 → a target
      20 % over it; ``trailing_stop_pct`` 10 → a stop 10 % under the highest high since the entry
      (highs up to the previous session: the session's own high comes after its low is unknown).
    - Inside a session a stop fills at its level, or at the open when the session opens through
      it (a gap); a target likewise. When a session touches both, **the stop is taken**: a daily
      bar cannot say which came first, and assuming the loss is the conservative rule.
    - ``max_holding_sessions`` H: a position entered at session E is sold at the open of E + H
      (decided at the close of E + H − 1).
    - ``close_at_end``: what is still open is sold at the last session's open (backtesting.py's
      ``finalize_trades=True``; parity mode); otherwise it stays open, valued at the last close.
    """

    stop_loss_pct: float | None = None
    take_profit_pct: float | None = None
    trailing_stop_pct: float | None = None
    max_holding_sessions: int | None = None
    close_at_end: bool = False
    dividend_tax_rate: float = 0.0

    def __post_init__(self) -> None:
        for name in ("stop_loss_pct", "trailing_stop_pct"):
            value = getattr(self, name)
            if value is not None and not (np.isfinite(value) and 0 < value < 100):
                raise EngineInputError(f"exits.{name}", "must lie in (0, 100) percent")
        if self.take_profit_pct is not None and not (
            np.isfinite(self.take_profit_pct) and 0 < self.take_profit_pct <= 10_000
        ):
            raise EngineInputError("exits.take_profit_pct", "must lie in (0, 10,000] percent")
        held = self.max_holding_sessions
        if held is not None and (not isinstance(held, int) or held < 1):
            raise EngineInputError("exits.max_holding_sessions", "must be a whole number ≥ 1")
        if not (np.isfinite(self.dividend_tax_rate) and 0 <= self.dividend_tax_rate < 1):
            raise EngineInputError("exits.dividend_tax_rate", "must lie in [0, 1)")


def _check_shape(name: str, array: np.ndarray | None, shape: tuple[int, int]) -> None:
    if array is not None and array.shape != shape:
        raise EngineInputError(name, f"must have shape {shape} (sessions, symbols), not {array.shape}")
