"""The simulation: the rules of ``stepwise.py``, computed from arrays and a few events.

The one observation that makes a backtest fast: once a position is bought, everything about its
exit — the session, the price, the reason — follows from the market and the decisions alone
(stops, targets, trailing stops, holding limits and sell signals never look at the account). So:

1. **Plans, vectorised**: every entry candidate (a buy decided at D's close, with a bar at D+1) gets
   its exit worked out in numpy over a window of the following sessions, all candidates at once
   (in chunks, so memory stays bounded: windows of 64 sessions first, longer ones only for the
   few candidates still open at the window's end).
2. **The account, event by event**: a Python loop over the candidates only — free slot? cash for a
   lot? — with a heap of the cash events each purchase schedules (its sale, its dividends). Cash
   never goes negative, and each purchase sees exactly the cash and positions a broker would.
3. **Curves, vectorised**: equity, cash, positions and exposure per session from the fills.

Work: O(candidates × window) in numpy plus O(candidates + trades) Python steps — nothing per
session and symbol. The order of events inside a session, the tie rules and every price are those
of ``stepwise.py`` (the readable specification); a property test checks that both agree.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
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
_WINDOWS = (64, 512, 4096)  # sessions searched for an exit, widened for the candidates still open
_CHUNK_CELLS = 1 << 18  # candidates × window cells per numpy pass: ~2 MB per float array

# The order of events inside one session (stepwise.py): dividends are paid, exits decided the
# evening before sell at the open, entries buy at the open, parity's end-of-data sale, then stops
# and targets during the session.
_DIVIDEND, _OPEN, _ENTRY, _END, _INTRADAY = range(5)
_NONE = np.iinfo(np.int64).max
_REASON_NAMES = {int(reason): reason.name.lower() for reason in ExitReason}


def simulate(
    market: Market,
    decisions: Decisions,
    portfolio: PortfolioRules,
    exits: ExitRules | None = None,
    costs: CostModel | None = None,
) -> SimulationResult:
    """Run the decisions over the market under the portfolio's rules (stepwise.py's semantics)."""
    exits = exits or ExitRules()
    costs = costs or CostModel()
    decisions.check(market)
    mark = _forward_filled(market.close) if np.isnan(market.close).any() else market.close
    # growth[t, s] / growth[e, s]: the split multiplier between the closes of e and t.
    growth: FloatArray | None = None
    if market.adj_factor is not None:
        growth = np.cumprod(market.adj_factor, axis=0, dtype=np.float64)
    plans = _plans(market, decisions, exits, costs, mark, growth)
    return _Account(market, portfolio, exits, costs, mark, growth, plans).run()


@dataclass
class _Plans:
    """One row per entry candidate, in the order the account considers them: by fill session,
    then best score, then symbol. Exit fields are for a position bought there."""

    session: IntArray  # the fill session (the decision's + 1)
    symbol: IntArray
    fill: FloatArray  # buy price, slippage included
    stop: FloatArray  # the stop set at the entry (NaN: none), for risk sizing
    exit_session: IntArray  # -1: still open after the last session
    exit_phase: IntArray
    exit_rank: IntArray  # inside the intraday phase: stops before targets (stepwise's order)
    exit_reason: IntArray
    exit_price: FloatArray  # before slippage
    exit_scale: FloatArray  # split multiplier from the entry to the exit (shares ÷ it)


def _plans(
    market: Market,
    decisions: Decisions,
    exits: ExitRules,
    costs: CostModel,
    mark: FloatArray,
    growth: FloatArray | None,
) -> _Plans:
    opens = market.open
    wanted = decisions.entry[:-1] & ~np.isnan(opens[1:])
    if decisions.exit is not None:
        wanted &= decisions.exit[:-1] == 0  # an exit wins over an entry on the same row
    rows, symbols = np.nonzero(wanted)
    if decisions.score is not None:
        order = np.lexsort((symbols, -decisions.score[rows, symbols], rows))
        rows, symbols = rows[order], symbols[order]
    sessions = rows + 1
    fill = opens[sessions, symbols]  # fancy indexing: a copy
    if costs.slippage_bps:  # CostModel.buy_price, element by element
        fill = fill * (1.0 + costs.slippage_bps / 10_000.0)
    stop = np.full(len(rows), np.nan)
    if exits.stop_loss_pct is not None:
        stop = fill * (1 - exits.stop_loss_pct / 100)
    if decisions.stop_level is not None:
        stop = np.fmax(stop, decisions.stop_level[rows, symbols])
    target = np.full(len(rows), np.nan)
    if exits.take_profit_pct is not None:
        target = fill * (1 + exits.take_profit_pct / 100)
    if decisions.target_level is not None:
        target = np.fmin(target, decisions.target_level[rows, symbols])

    n = len(rows)
    plans = _Plans(
        session=sessions,
        symbol=symbols,
        fill=fill,
        stop=stop,
        exit_session=np.full(n, -1, dtype=np.int64),
        exit_phase=np.zeros(n, dtype=np.int64),
        exit_rank=np.zeros(n, dtype=np.int64),
        exit_reason=np.zeros(n, dtype=np.int64),
        exit_price=np.full(n, np.nan),
        exit_scale=np.ones(n),
    )
    pending = np.arange(n)
    total = opens.shape[0]
    gaps = bool(np.isnan(opens).any())  # sessions without a bar: the next open is not the next session
    flat = _Flat.of(market, decisions, growth)
    for window in (*(w for w in _WINDOWS if w < total), total):
        chunk = max(1, _CHUNK_CELLS // window)
        still: list[IntArray] = []
        for start in range(0, len(pending), chunk):
            part = pending[start : start + chunk]
            still.append(_search(flat, exits, mark, growth, plans, part, target, window, gaps))
        pending = np.concatenate(still) if still else pending[:0]
        if not len(pending):
            break
    return plans


@dataclass(frozen=True)
class _Flat:
    """The arrays a search reads, each as one row of (session, symbol) cells: one ``take`` of a
    window's cells is ~3× cheaper than two-dimensional fancy indexing."""

    sessions: int
    symbols: int
    open: FloatArray
    high: FloatArray
    low: FloatArray
    exit: npt.NDArray[np.int8] | None
    growth: FloatArray | None

    @classmethod
    def of(cls, market: Market, decisions: Decisions, growth: FloatArray | None) -> _Flat:
        def row(array: np.ndarray) -> np.ndarray:
            return np.ascontiguousarray(array).reshape(-1)  # a view unless the layout differs

        return cls(
            sessions=market.open.shape[0],
            symbols=market.open.shape[1],
            open=row(market.open),
            high=row(market.high),
            low=row(market.low),
            exit=None if decisions.exit is None else row(decisions.exit),
            growth=None if growth is None else row(growth),
        )


def _search(
    flat: _Flat,
    exits: ExitRules,
    mark: FloatArray,
    growth: FloatArray | None,
    plans: _Plans,
    part: IntArray,
    target: FloatArray,
    window: int,
    gaps: bool,
) -> IntArray:
    """Find the exit of the candidates ``part`` within ``window`` sessions of their entry; record
    it in ``plans`` and return the candidates whose window ended before their exit."""
    total = flat.sessions
    e = plans.session[part]
    s = plans.symbol[part]
    cols = np.arange(window)
    k = e[:, None] + cols
    inside = k < total
    cell = np.minimum(k, total - 1) * flat.symbols + s[:, None]
    o = flat.open.take(cell)
    if not inside.all():
        o[~inside] = np.nan
    bar = ~np.isnan(o)
    high, low = flat.high.take(cell), flat.low.take(cell)
    scale = None if flat.growth is None or growth is None else flat.growth.take(cell) / growth[e, s][:, None]

    # Stops (fixed, trailing) and targets inside each session, on the entry's share basis.
    level = np.broadcast_to(plans.stop[part][:, None], k.shape)
    use_trailing = np.zeros(k.shape, dtype=bool)
    if exits.trailing_stop_pct is not None:
        highs = high if scale is None else high / scale
        before = np.concatenate([plans.fill[part][:, None], highs[:, :-1]], axis=1)
        trailing = np.fmax.accumulate(before, axis=1) * (1 - exits.trailing_stop_pct / 100)
        use_trailing = (trailing > level) | (np.isnan(level) & ~np.isnan(trailing))
        level = np.where(use_trailing, trailing, level)
    level_raw = level if scale is None else level * scale
    target_raw = np.broadcast_to(target[part][:, None], k.shape)
    if scale is not None:
        target_raw = target_raw * scale
    stopped = (low <= level_raw) & bar
    reached = (high >= target_raw) & bar & ~stopped
    intraday = _first(stopped | reached)

    # Exits decided at a close (sell signals, the holding limit) fill at the next bar's open.
    decided = np.zeros(k.shape, dtype=bool)
    signal = np.zeros(k.shape, dtype=np.int64)
    if flat.exit is not None:
        signal = np.where(inside, flat.exit.take(cell), 0).astype(np.int64)
        decided = signal != 0
    limit = exits.max_holding_sessions
    if limit is not None and limit - 1 < window:
        decided[:, limit - 1] |= inside[:, limit - 1]
    decision = _first(decided)
    if gaps:
        after = bar & (cols[None, :] > np.minimum(decision, window)[:, None])
        at_open = _first(after)
    else:  # every session has a bar: the next one, inside the window and the data
        following = np.minimum(decision, window) + 1  # _NONE + 1 would overflow
        at_open = np.where((following < window) & (e + following < total), following, _NONE)

    end = np.full(len(part), _NONE, dtype=np.int64)
    if exits.close_at_end:
        last = total - 1 - e
        end = np.where(last < window, last, _NONE)

    # The earliest event wins; on one session: the open's exit, then the end, then intraday.
    best = at_open.copy()
    phase = np.full(len(part), _OPEN)
    for candidate, kind in ((end, _END), (intraday, _INTRADAY)):
        earlier = candidate < best
        best = np.where(earlier, candidate, best)
        phase = np.where(earlier, kind, phase)
    found = best != _NONE
    rows = np.flatnonzero(found)
    col = best[rows]
    o_at = o[rows, col]
    price = np.where(phase[rows] == _OPEN, o_at, np.nan)
    at_end = phase[rows] == _END
    if at_end.any():
        fallback = mark[np.maximum(total - 2, 0), s[rows]]
        price = np.where(at_end, np.where(np.isnan(o_at), fallback, o_at), price)
    is_stop = (phase[rows] == _INTRADAY) & stopped[rows, col]
    is_target = (phase[rows] == _INTRADAY) & ~stopped[rows, col]
    price = np.where(is_stop, np.minimum(o_at, level_raw[rows, col]), price)
    price = np.where(is_target, np.maximum(o_at, target_raw[rows, col]), price)
    reason = np.select(
        [
            phase[rows] == _END,
            is_stop & use_trailing[rows, col],
            is_stop,
            is_target,
            signal[rows, np.minimum(decision[rows], window - 1)] != 0,
        ],
        [
            ExitReason.END_OF_DATA,
            ExitReason.TRAILING_STOP,
            ExitReason.STOP_LOSS,
            ExitReason.TARGET,
            signal[rows, np.minimum(decision[rows], window - 1)],
        ],
        default=ExitReason.MAX_HOLDING,
    )
    target_rows = part[rows]
    plans.exit_session[target_rows] = e[rows] + col
    plans.exit_phase[target_rows] = phase[rows]
    plans.exit_rank[target_rows] = is_target.astype(np.int64)
    plans.exit_reason[target_rows] = reason
    plans.exit_price[target_rows] = price
    if scale is not None:
        plans.exit_scale[target_rows] = scale[rows, col]
    # Not found, and the window stopped short of the last session: look further.
    short = ~found & (e + window - 1 < total - 1)
    unresolved: IntArray = part[short]
    return unresolved


def _first(mask: np.ndarray) -> IntArray:
    """Column of each row's first True, ``_NONE`` where there is none."""
    first = mask.argmax(axis=1).astype(np.int64)
    return np.where(mask[np.arange(len(mask)), first], first, _NONE)


class _Account:
    """The cash and the open positions, moved by the candidates and the events they schedule."""

    def __init__(
        self,
        market: Market,
        portfolio: PortfolioRules,
        exits: ExitRules,
        costs: CostModel,
        mark: FloatArray,
        growth: FloatArray | None,
        plans: _Plans,
    ) -> None:
        self.m, self.p, self.x, self.c, self.mark, self.growth, self.plans = (
            market,
            portfolio,
            exits,
            costs,
            mark,
            growth,
            plans,
        )
        n = market.open.shape[1]
        self.lots = (market.lots if market.lots is not None else np.full(n, portfolio.lot)).tolist()
        self.cash = float(portfolio.cash)
        self.open: dict[int, tuple[float, int]] = {}  # symbol → (shares bought, entry session)
        self.events: list[tuple[int, int, int, float, int]] = []  # session, phase, seq, cash, symbol
        self.sequence = 0
        self.log_session: list[int] = []
        self.log_cash: list[float] = []
        self.bought: list[tuple[int, float, float, float, float, float]] = []
        self.skipped = 0
        self.dividends_received = 0.0
        self.dividends = _dividends_by_symbol(market)
        self.shortfall = costs.worst_sale_shortfall
        # Market value of the positions at each close, filled in as positions are bought: a
        # purchase at t changes only t onwards, so yesterday's value is final when read.
        self.invested = np.zeros(market.open.shape[0])
        # The plans' fields as Python numbers: the loop reads one at a time.
        self.stop = plans.stop.tolist()
        self.exit_session = plans.exit_session.tolist()
        self.exit_phase = plans.exit_phase.tolist()
        self.exit_price = plans.exit_price.tolist()
        self.exit_scale = plans.exit_scale.tolist()

    def run(self) -> SimulationResult:
        plans = self.plans
        sessions = plans.session
        starts = np.flatnonzero(np.r_[True, sessions[1:] != sessions[:-1]]) if len(sessions) else np.zeros(0)
        bounds = [*starts.tolist(), len(sessions)]
        symbols = plans.symbol.tolist()
        fills = plans.fill.tolist()
        needs_equity = self.p.sizing != "all_in"
        for begin, stop in itertools.pairwise(bounds):
            t = int(sessions[begin])
            self._settle(t, _DIVIDEND)  # everything up to yesterday's close
            equity = self.cash + float(self.invested[t - 1]) if needs_equity else 0.0
            self._settle(t, _ENTRY)  # today's dividends and sales at the open
            free = self.p.max_positions - len(self.open)
            for row in range(begin, stop):
                symbol = symbols[row]
                if symbol in self.open:
                    continue
                if free <= 0:
                    self.skipped += 1
                    continue
                if not self._buy(row, t, symbol, fills[row], equity):
                    self.skipped += 1
                    continue
                free -= 1
        self._settle(_NONE, _DIVIDEND)
        return self._result()

    def _settle(self, session: int, phase: int) -> None:
        """Apply every scheduled event before (session, phase)."""
        events = self.events
        while events and (events[0][0], events[0][1]) < (session, phase):
            when, _, _, amount, symbol = heapq.heappop(events)
            self.cash += amount
            if symbol >= 0:
                del self.open[symbol]
            else:
                self.dividends_received += amount
            self.log_session.append(when)
            self.log_cash.append(self.cash)

    def _buy(self, row: int, t: int, symbol: int, fill: float, equity: float) -> bool:
        costs = self.c
        stop = self.stop[row]
        reserve = (len(self.open) + 1) * self.shortfall
        budget = entry_budget(
            self.p, cash=self.cash - reserve, equity=equity, fill_price=fill, stop_price=stop
        )
        shares = affordable_shares(budget, fill, int(self.lots[symbol]), costs)
        if shares <= 0:
            return False
        value = shares * fill
        fee = costs.fee(value)
        self.cash -= value + fee
        if self.cash < -_CASH_TOLERANCE:  # affordable_shares guarantees it; a bug otherwise
            raise AssertionError(f"cash went negative buying symbol {symbol} at session {t}")
        self.open[symbol] = (float(shares), t)
        self.log_session.append(t)
        self.log_cash.append(self.cash)
        exit_session = self.exit_session[row]
        held_until = exit_session if exit_session >= 0 else len(self.invested)
        value_path = shares * self.mark[t:held_until, symbol]
        if self.growth is not None:  # the shares a split left, on each day
            value_path *= self.growth[t, symbol] / self.growth[t:held_until, symbol]
        self.invested[t:held_until] += value_path
        self.bought.append(
            (row, float(shares), value, fee, *self._schedule(row, symbol, shares, t, exit_session))
        )
        return True

    def _schedule(self, row: int, symbol: int, shares: int, t: int, exit_session: int) -> tuple[float, float]:
        """Push the position's sale and dividends; (its exit fee, its dividends)."""
        costs = self.c
        last = self.m.open.shape[0] - 1
        held_until = exit_session if exit_session >= 0 else last + 1
        dividends = 0.0
        ex_sessions, pay_sessions, per_share = self.dividends.get(symbol, _NO_DIVIDENDS)
        for ex, pay, amount_per_share in zip(ex_sessions, pay_sessions, per_share, strict=True):
            if not t < ex <= held_until or ex > last:
                continue
            held = (
                shares
                if self.growth is None
                else shares * self.growth[t, symbol] / self.growth[ex - 1, symbol]
            )
            amount = held * amount_per_share * (1 - self.x.dividend_tax_rate)
            dividends += amount
            if pay <= last:
                self._push(pay, _DIVIDEND, amount, -1)
        if exit_session < 0:
            return 0.0, dividends
        sold = shares / self.exit_scale[row]
        value = sold * costs.sell_price(self.exit_price[row])
        fee = costs.fee(value)
        self._push(exit_session, self.exit_phase[row], value - fee, symbol)
        return fee, dividends

    def _push(self, session: int, phase: int, amount: float, symbol: int) -> None:
        self.sequence += 1
        heapq.heappush(self.events, (session, phase, self.sequence, amount, symbol))

    def _result(self) -> SimulationResult:
        m, plans, costs = self.m, self.plans, self.c
        total, _n = m.open.shape
        rows = np.array([b[0] for b in self.bought], dtype=np.int64)
        shares = np.array([b[1] for b in self.bought])
        entry_value = np.array([b[2] for b in self.bought])
        entry_fee = np.array([b[3] for b in self.bought])
        exit_fee = np.array([b[4] for b in self.bought])
        dividends = np.array([b[5] for b in self.bought])
        e = plans.session[rows]
        s = plans.symbol[rows]
        x = plans.exit_session[rows]
        closed = x >= 0
        held_until = np.where(closed, x, total)  # not held at the close of the exit session

        invested = self.invested
        # The cash at each close: the last balance logged on or before that session.
        log = np.r_[float(self.p.cash), np.asarray(self.log_cash, dtype=float)]
        logged = np.asarray(self.log_session, dtype=np.int64)
        cash = log[np.searchsorted(logged, np.arange(total), side="right")]
        positions = np.cumsum(
            np.bincount(e, minlength=total + 1) - np.bincount(held_until, minlength=total + 1)
        )[:total]
        exposed = (
            np.cumsum(
                np.bincount(e, minlength=total + 2) - np.bincount(held_until[closed] + 1, minlength=total + 2)
            )[:total]
            > 0
        )

        scale_x = plans.exit_scale[rows]
        sold = shares / scale_x
        exit_fill = (
            plans.exit_price[rows] * (1.0 - costs.slippage_bps / 10_000.0)
            if costs.slippage_bps
            else plans.exit_price[rows]
        )
        exit_value = sold * exit_fill
        traded: FloatArray = np.bincount(e, weights=entry_value, minlength=total).astype(np.float64)
        fees: FloatArray = np.bincount(e, weights=entry_fee, minlength=total).astype(np.float64)
        if closed.any():
            traded += np.bincount(x[closed], weights=exit_value[closed], minlength=total)
            fees += np.bincount(x[closed], weights=exit_fee[closed], minlength=total)
        c = closed
        commission = entry_fee[c] + exit_fee[c]
        pnl = exit_value[c] - entry_value[c] - commission + dividends[c]
        trades = pd.DataFrame(
            {
                "symbol": [m.symbols[i] for i in s[c]],
                "entry_session": e[c],
                "exit_session": x[c],
                "entry_date": m.dates[e[c]],
                "exit_date": m.dates[x[c]],
                "shares": sold[c],
                "entry_price": plans.fill[rows[c]],
                "exit_price": exit_fill[c],
                "entry_value": entry_value[c],
                "exit_value": exit_value[c],
                "commission": commission,
                "dividends": dividends[c],
                "pnl": pnl,
                "return_pct": pnl / entry_value[c] * 100,
                "holding_sessions": x[c] - e[c],
                "reason": [_REASON_NAMES[r] for r in plans.exit_reason[rows[c]].tolist()],
            },
            columns=TRADE_COLUMNS,
        )
        # In the order the sales happened (stepwise's): session, phase, stops before targets, symbol.
        order = np.lexsort((s[c], plans.exit_rank[rows[c]], plans.exit_phase[rows[c]], x[c]))
        trades = trades.iloc[order].reset_index(drop=True)
        still = np.flatnonzero(~closed)
        still = still[np.argsort(s[still], kind="stable")]  # by symbol, as the stepwise run lists them
        last_scale = (
            np.ones(len(still))
            if self.growth is None
            else self.growth[e[still], s[still]] / self.growth[total - 1, s[still]]
        )
        open_positions = pd.DataFrame(
            {
                "symbol": [m.symbols[i] for i in s[still]],
                "entry_session": e[still],
                "entry_date": m.dates[e[still]],
                "shares": shares[still] * last_scale,
                "entry_price": plans.fill[rows[still]],
                "entry_value": entry_value[still],
                "last_close": self.mark[-1, s[still]],
            }
        )
        return SimulationResult(
            dates=m.dates,
            equity=cash + invested,
            cash=cash,
            invested=invested,
            positions=positions,
            exposed=exposed,
            traded_value=traded,
            costs_paid=fees,
            trades=trades,
            open_positions=open_positions,
            skipped_entries=self.skipped,
            dividends_received=self.dividends_received,
            initial_cash=float(self.p.cash),
        )


_NO_DIVIDENDS: tuple[list[int], list[int], list[float]] = ([], [], [])


def _dividends_by_symbol(market: Market) -> dict[int, tuple[list[int], list[int], list[float]]]:
    d = market.dividends
    found: dict[int, tuple[list[int], list[int], list[float]]] = {}
    for symbol, ex, pay, amount in zip(
        d.symbol.tolist(), d.ex_session.tolist(), d.pay_session.tolist(), d.per_share.tolist(), strict=True
    ):
        lists = found.setdefault(symbol, ([], [], []))
        lists[0].append(ex)
        lists[1].append(pay)
        lists[2].append(amount)
    return found


def _forward_filled(values: FloatArray) -> FloatArray:
    """Each column's last non-NaN value at or before each row (NaN before the first)."""
    rows = np.arange(values.shape[0])[:, None]
    last = np.where(np.isnan(values), 0, rows)
    np.maximum.accumulate(last, axis=0, out=last)
    filled: FloatArray = values[last, np.arange(values.shape[1])]
    return filled
