"""The simulation's specification: one pass over the sessions, each in the order a broker sees it.

``simulate`` (simulate.py) is the fast form of this and must agree with it trade for trade: a
property test runs both on random markets. This one is kept because it reads like the rules.

For each session t:

1. **Corporate actions**: dividends whose ex-date is t entitle the shares held at t−1's close;
   payments due on t are credited; splits on t (``adj_factor``) change the shares held.
2. **Open**: exits decided at t−1's close sell at t's open (a symbol without a bar on t waits for
   its next one); then entries decided at t−1's close buy at t's open, best score first, while a
   position slot is free and the cash pays for at least one lot (sales at the open pay for buys at
   the same open: the broker's 買付余力 counts a sale at once). Cash never goes negative: each
   open position keeps in reserve the most a sale's fee can exceed its proceeds (a minimum fee on
   a position worth next to nothing; zero for a proportional commission).
3. **During the session**: stops, trailing stops and targets of every open position fill at their
   level (or the open on a gap); a session touching both stop and target takes the stop.
4. **Close**: positions are valued at the close (the last known close when a symbol has no bar),
   equity is recorded, and t's decisions are read: sell signals and holding limits become exits
   for t+1's open, entry signals become candidates for t+1's open.

The work per session is numpy over the symbols plus a Python step per fill, so a run costs
O(sessions × symbols) vector work and O(trades) Python work. Positions are one per symbol (no
pyramiding); shares are floats only because a reverse split can leave a fraction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kabu_trade.engine.backtest.costs import CostModel
from kabu_trade.engine.backtest.orders import (
    Decisions,
    ExitReason,
    ExitRules,
    FloatArray,
    IntArray,
    Market,
)
from kabu_trade.engine.backtest.portfolio import PortfolioRules, affordable_shares, entry_budget
from kabu_trade.engine.backtest.result import TRADE_COLUMNS, SimulationResult

_CASH_TOLERANCE = 1e-6  # yen: float rounding of a sum of fills, not an overdraft


def simulate_stepwise(
    market: Market,
    decisions: Decisions,
    portfolio: PortfolioRules,
    exits: ExitRules | None = None,
    costs: CostModel | None = None,
) -> SimulationResult:
    """Run the decisions over the market, one session after the other (the module's docstring).

    The executable specification of :func:`~kabu_trade.engine.backtest.simulate.simulate`, which
    gets the same trades from arrays and events; tests compare the two on random markets."""
    exits = exits or ExitRules()
    costs = costs or CostModel()
    decisions.check(market)
    return _Run(market, decisions, portfolio, exits, costs).run()


class _Run:
    """One simulation's state: per-symbol arrays of the open positions, and the cash."""

    def __init__(
        self,
        market: Market,
        decisions: Decisions,
        portfolio: PortfolioRules,
        exits: ExitRules,
        costs: CostModel,
    ) -> None:
        self.m, self.d, self.p, self.x, self.c = market, decisions, portfolio, exits, costs
        sessions, n = market.open.shape
        self.lots = market.lots if market.lots is not None else np.full(n, portfolio.lot, dtype=np.int64)
        # The last known close of each symbol, for valuing a position on a day without a bar.
        self.mark = _forward_filled(market.close)
        self.shares = np.zeros(n)
        self.entry_session = np.zeros(n, dtype=np.int64)
        self.entry_price = np.zeros(n)  # the raw fill, for the trade's record
        self.entry_value = np.zeros(n)  # yen paid for the shares (commission apart)
        self.entry_fee = np.zeros(n)
        self.stop = np.full(n, np.nan)  # per share, on today's share basis (splits applied)
        self.target = np.full(n, np.nan)
        self.peak = np.full(n, np.nan)  # highest high since the entry, through the previous session
        self.dividends = np.zeros(n)  # dividends entitled to the open position (yen, after tax)
        self.pending_exit = np.zeros(n, dtype=np.int8)
        self.cash = float(portfolio.cash)
        self.trades: list[tuple[object, ...]] = []
        self.skipped = 0
        self.dividends_received = 0.0
        self.session_traded = 0.0
        self.session_costs = 0.0
        self.pending_payments: list[tuple[int, float]] = []  # (payment session, yen)
        self.out_equity = np.zeros(sessions)
        self.out_cash = np.zeros(sessions)
        self.out_invested = np.zeros(sessions)
        self.out_positions = np.zeros(sessions, dtype=np.int64)
        self.out_exposed = np.zeros(sessions, dtype=bool)
        self.out_traded = np.zeros(sessions)
        self.out_costs = np.zeros(sessions)

    # --- the loop -----------------------------------------------------------------------------

    def run(self) -> SimulationResult:
        sessions = self.m.open.shape[0]
        dividend_order = np.argsort(self.m.dividends.ex_session, kind="stable")
        next_dividend = 0
        for t in range(sessions):
            self.session_traded = self.session_costs = 0.0
            held_at_open = bool(np.any(self.shares > 0))
            if t > 0:
                next_dividend = self._dividends(t, dividend_order, next_dividend)
                self._splits(t)
                self._exits_at_open(t)
                entered = self._entries_at_open(t)
                if t == sessions - 1 and self.x.close_at_end:
                    self._close_everything_at_open(t)
                self._intraday_exits(t)
                self.out_exposed[t] = held_at_open or entered
            self._close(t)
        return self._result()

    def _dividends(self, t: int, order: IntArray, cursor: int) -> int:
        events = self.m.dividends
        while cursor < len(order) and events.ex_session[order[cursor]] <= t:
            row = order[cursor]
            cursor += 1
            if events.ex_session[row] != t:
                continue
            symbol = int(events.symbol[row])
            if self.shares[symbol] > 0:
                amount = self.shares[symbol] * float(events.per_share[row]) * (1 - self.x.dividend_tax_rate)
                self.dividends[symbol] += amount
                self.pending_payments.append((int(events.pay_session[row]), amount))
        due = [amount for when, amount in self.pending_payments if when == t]
        if due:
            self.pending_payments = [(when, a) for when, a in self.pending_payments if when != t]
            self.cash += sum(due)
            self.dividends_received += sum(due)
        return cursor

    def _splits(self, t: int) -> None:
        if self.m.adj_factor is None:
            return
        factor = self.m.adj_factor[t]
        changed = np.flatnonzero((factor != 1.0) & (self.shares > 0))
        if len(changed):
            f = factor[changed]
            self.shares[changed] /= f
            self.stop[changed] *= f
            self.target[changed] *= f
            self.peak[changed] *= f

    def _exits_at_open(self, t: int) -> None:
        opens = self.m.open[t]
        leaving = np.flatnonzero((self.pending_exit > 0) & (self.shares > 0) & ~np.isnan(opens))
        for symbol in leaving:
            fill = self.c.sell_price(float(opens[symbol]))
            self._sell(t, int(symbol), fill, int(self.pending_exit[symbol]))

    def _entries_at_open(self, t: int) -> bool:
        opens = self.m.open[t]
        wanted = self.d.entry[t - 1]
        if self.d.exit is not None:
            wanted = wanted & (self.d.exit[t - 1] == 0)
        candidates = np.flatnonzero(wanted & (self.shares == 0) & ~np.isnan(opens))
        if not len(candidates):
            return False
        if self.d.score is not None:
            candidates = candidates[np.argsort(-self.d.score[t - 1, candidates], kind="stable")]
        free = self.p.max_positions - int(np.count_nonzero(self.shares > 0))
        equity = float(self.out_equity[t - 1])
        entered = False
        for position, symbol in enumerate(candidates):
            if free <= 0:
                self.skipped += len(candidates) - position
                break
            if self._buy(t, int(symbol), float(opens[symbol]), equity):
                free -= 1
                entered = True
            else:
                self.skipped += 1
        return entered

    def _buy(self, t: int, symbol: int, open_price: float, equity: float) -> bool:
        fill = self.c.buy_price(open_price)
        stop = self._entry_stop(t, symbol, fill)
        # What every open position, this one included, may need to pay a sale's fee (0 for a
        # proportional commission): spending it could overdraw the account at a later sale.
        reserve = (np.count_nonzero(self.shares > 0) + 1) * self.c.worst_sale_shortfall
        spendable = self.cash - reserve
        budget = entry_budget(self.p, cash=spendable, equity=equity, fill_price=fill, stop_price=stop)
        shares = affordable_shares(budget, fill, int(self.lots[symbol]), self.c)
        if shares <= 0:
            return False
        value = shares * fill
        fee = self.c.fee(value)
        self.cash -= value + fee
        if self.cash < -_CASH_TOLERANCE:  # affordable_shares guarantees it; a bug otherwise
            raise AssertionError(f"cash went negative buying symbol {symbol} at session {t}")
        self.shares[symbol] = shares
        self.entry_session[symbol] = t
        self.entry_price[symbol] = fill
        self.entry_value[symbol] = value
        self.entry_fee[symbol] = fee
        self.stop[symbol] = stop
        self.target[symbol] = self._entry_target(t, symbol, fill)
        self.peak[symbol] = fill
        self.dividends[symbol] = 0.0
        self.pending_exit[symbol] = 0
        self.session_traded += value
        self.session_costs += fee
        return True

    def _entry_stop(self, t: int, symbol: int, fill: float) -> float:
        levels = [np.nan]
        if self.x.stop_loss_pct is not None:
            levels.append(fill * (1 - self.x.stop_loss_pct / 100))
        if self.d.stop_level is not None:
            levels.append(float(self.d.stop_level[t - 1, symbol]))
        return float(np.nanmax(levels)) if len(levels) > 1 and not np.all(np.isnan(levels)) else np.nan

    def _entry_target(self, t: int, symbol: int, fill: float) -> float:
        levels = [np.nan]
        if self.x.take_profit_pct is not None:
            levels.append(fill * (1 + self.x.take_profit_pct / 100))
        if self.d.target_level is not None:
            levels.append(float(self.d.target_level[t - 1, symbol]))
        return float(np.nanmin(levels)) if len(levels) > 1 and not np.all(np.isnan(levels)) else np.nan

    def _close_everything_at_open(self, t: int) -> None:
        opens = self.m.open[t]
        for symbol in np.flatnonzero(self.shares > 0):
            price = opens[symbol] if not np.isnan(opens[symbol]) else self.mark[t - 1, symbol]
            self._sell(t, int(symbol), self.c.sell_price(float(price)), ExitReason.END_OF_DATA)

    def _intraday_exits(self, t: int) -> None:
        held = np.flatnonzero(self.shares > 0)
        if not len(held):
            return
        o, h, low = self.m.open[t, held], self.m.high[t, held], self.m.low[t, held]
        stop = self.stop[held]
        trailing = np.full(len(held), np.nan)
        if self.x.trailing_stop_pct is not None:
            trailing = self.peak[held] * (1 - self.x.trailing_stop_pct / 100)
        # The effective stop is the higher of the fixed and the trailing one (NaN: none).
        use_trailing = trailing > stop  # False when either is NaN ...
        use_trailing |= np.isnan(stop) & ~np.isnan(trailing)  # ... so a lone trailing stop counts
        level = np.where(use_trailing, trailing, stop)
        bar = ~np.isnan(o)  # a session without an open is a session without trading
        stopped = (low <= level) & bar  # NaN level: False
        target = self.target[held]
        reached = (h >= target) & bar & ~stopped  # both touched: the stop, the conservative rule
        for i in np.flatnonzero(stopped):
            price = min(float(o[i]), float(level[i]))  # a gap under the stop fills at the open
            reason = ExitReason.TRAILING_STOP if use_trailing[i] else ExitReason.STOP_LOSS
            self._sell(t, int(held[i]), self.c.sell_price(price), reason)
        for i in np.flatnonzero(reached):
            price = max(float(o[i]), float(target[i]))  # a gap over the target fills at the open
            self._sell(t, int(held[i]), self.c.sell_price(price), ExitReason.TARGET)
        still = held[~(stopped | reached)]
        self.peak[still] = np.fmax(self.peak[still], self.m.high[t, still])

    def _sell(self, t: int, symbol: int, fill: float, reason: int) -> None:
        shares = float(self.shares[symbol])
        value = shares * fill
        fee = self.c.fee(value)
        self.cash += value - fee
        commission = self.entry_fee[symbol] + fee
        pnl = value - self.entry_value[symbol] - commission + self.dividends[symbol]
        entry = int(self.entry_session[symbol])
        self.trades.append(
            (
                self.m.symbols[symbol],
                entry,
                t,
                self.m.dates[entry],
                self.m.dates[t],
                shares,
                float(self.entry_price[symbol]),
                fill,
                float(self.entry_value[symbol]),
                value,
                commission,
                float(self.dividends[symbol]),
                pnl,
                pnl / self.entry_value[symbol] * 100,
                t - entry,
                ExitReason(reason).name.lower(),
            )
        )
        self.shares[symbol] = 0.0
        self.pending_exit[symbol] = 0
        self.stop[symbol] = self.target[symbol] = self.peak[symbol] = np.nan
        self.session_traded += value
        self.session_costs += fee

    def _close(self, t: int) -> None:
        held = np.flatnonzero(self.shares > 0)
        invested = float(self.shares[held] @ self.mark[t, held]) if len(held) else 0.0
        if self.cash < -_CASH_TOLERANCE:
            raise AssertionError(f"cash negative at session {t}: {self.cash}")
        self.out_cash[t] = self.cash
        self.out_invested[t] = invested
        self.out_equity[t] = self.cash + invested
        self.out_positions[t] = len(held)
        self.out_traded[t] = self.session_traded
        self.out_costs[t] = self.session_costs
        if not len(held):
            return
        if self.d.exit is not None:
            signal = self.d.exit[t, held]
            waiting = self.pending_exit[held]
            self.pending_exit[held] = np.where((waiting == 0) & (signal > 0), signal, waiting)
        limit = self.x.max_holding_sessions
        if limit is not None:
            due = held[(t - self.entry_session[held] + 1 >= limit) & (self.pending_exit[held] == 0)]
            self.pending_exit[due] = ExitReason.MAX_HOLDING

    def _result(self) -> SimulationResult:
        trades = pd.DataFrame(self.trades, columns=TRADE_COLUMNS)
        held = np.flatnonzero(self.shares > 0)
        open_positions = pd.DataFrame(
            {
                "symbol": [self.m.symbols[i] for i in held],
                "entry_session": self.entry_session[held],
                "entry_date": self.m.dates[self.entry_session[held]],
                "shares": self.shares[held],
                "entry_price": self.entry_price[held],
                "entry_value": self.entry_value[held],
                "last_close": self.mark[-1, held],
            }
        )
        return SimulationResult(
            dates=self.m.dates,
            equity=self.out_equity,
            cash=self.out_cash,
            invested=self.out_invested,
            positions=self.out_positions,
            exposed=self.out_exposed,
            traded_value=self.out_traded,
            costs_paid=self.out_costs,
            trades=trades,
            open_positions=open_positions,
            skipped_entries=self.skipped,
            dividends_received=self.dividends_received,
            initial_cash=float(self.p.cash),
        )


def _forward_filled(values: FloatArray) -> FloatArray:
    """Each column's last non-NaN value at or before each row (NaN before the first)."""
    rows = np.arange(values.shape[0])[:, None]
    last = np.where(np.isnan(values), 0, rows)
    np.maximum.accumulate(last, axis=0, out=last)
    filled = values[last, np.arange(values.shape[1])]
    return filled
