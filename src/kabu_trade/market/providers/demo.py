"""Offline demo provider: a deterministic, fictional but realistic TSE universe.

Why it looks the way it does:

- *Deterministic and prefix-stable.* Every random component has its own numpy stream
  (``SeedSequence(seed, spawn_key=(component,))``) and is drawn in date order (row-major arrays whose
  first axis is the session or quarter), so the values of a date never depend on how many dates
  follow. A later sync with a later ``end`` therefore only appends; nothing already stored changes.
  Only elementwise operations and ``cumsum`` run along time (no BLAS, whose blocking could change
  the last bits with the array length). The same property lets prices be generated in blocks of
  sessions, each recursion carried into the next block: memory is one block, not the history,
  and block boundaries change no bit.
- *Signals must vary.* Log price = market factor (drift regimes, noise, ≥2 crashes with partial
  recovery, higher volatility after them) × beta + sector factor + a mean-reverting idiosyncratic
  part (regime drifts, jumps, earnings reactions), so trends end in reversals and oversold stocks
  exist on any date.
- *Fundamentals hang off the price path.* Earnings at each quarter end are set from the smoothed
  market value and the stock's target PER/PBR, with a per-quarter surprise that also moves the price
  on the session after the disclosure (TSE companies publish 決算短信 at 15:00 or later, so the
  market reacts next morning with a gap). That keeps PER/PBR plausible whatever the path did.
- *Splits are real splits.* Raw prices divide and volumes multiply from the ex-date, ``adj_factor``
  is 1/ratio on the ex-date (J-Quants semantics) and per-share figures use the raw share count at
  their disclosure date.

Fundamentals start one year before ``start`` so a screen on the first session already sees figures.
The demo market index ("TOPIX (demo)", code ``TOPIX_DEMO``) is the market factor compounded, so it
moves with the demo market the way TOPIX moves with the real one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kabu_trade.core.clock import tokyo_today
from kabu_trade.market.calendar import sessions_between
from kabu_trade.market.providers.base import (
    BAR_COLUMNS,
    DEMO_INDEX,
    FUNDAMENTAL_COLUMNS,
    INDEX_BAR_COLUMNS,
    MarketDataProvider,
    conform,
)
from kabu_trade.market.providers.demo_names import SECTORS, listing

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

MIN_SYMBOLS, MAX_SYMBOLS = 10, 4000
_SEG_VOL = {"prime": 1.0, "standard": 1.15, "growth": 1.9}
# Ex-dates as session offsets from ``start``: mid-range for the default ≥3-year span, and still
# inside an 18-month range. Ratios cover the common TSE forms (1:2, 1:3, 1:5).
_SPLIT_SESSIONS = (260, 300, 340, 380)
_SPLIT_RATIOS = (2, 3, 5, 2)
_TAX = 0.68  # net income / operating profit for a profitable company (≈ 30 % tax, small extraordinary)
# TSE tick table for ordinary (non-TOPIX500) issues: price ≤ limit → tick.
_TICK_LIMITS = np.array([3e3, 5e3, 3e4, 5e4, 3e5, 5e5, 3e6, 5e6, 3e7, 5e7])
_TICKS = np.array([1.0, 5, 10, 50, 100, 500, 1e3, 5e3, 1e4, 5e4, 1e5])

# Random stream per component; never reorder (it would change every generated universe).
(_UNIVERSE, _MKT_REGIME, _MKT_NOISE, _CRASH, _SEC_REGIME, _SEC_NOISE, _IDIO, _JUMP, _STK_REGIME,
 _OHLC, _VOLUME, _FUND_LAG, _SURPRISE, _FUND_NOISE, _INDEX_OHLC) = range(15)  # fmt: skip
# The demo index's level on the session before ``start`` (TOPIX stood near 2,000 points in 2022).
_INDEX_BASE = 2000.0


class Split(NamedTuple):
    code: str
    ex_date: date
    ratio: int


def tick_size(price: Floats) -> Floats:
    """TSE tick size for each price (¥1 up to ¥3,000, ¥5 up to ¥5,000, ¥10 up to ¥30,000 …)."""
    return _TICKS[np.searchsorted(_TICK_LIMITS, price, side="left")]


def round_to_tick(price: Floats) -> Floats:
    tick = tick_size(price)
    return np.maximum(np.round(price / tick) * tick, 1.0)


def _rng(seed: int, component: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(component,)))


class _Universe(NamedTuple):
    """Static per-stock attributes (listing plus the economics that drive prices and results)."""

    stocks: pd.DataFrame
    sector: Ints
    beta: Floats
    idio_vol: Floats
    seg_vol: Floats
    price0: Floats
    shares0: Floats
    per: Floats
    pbr: Floats
    opm: Floats
    equity_ratio: Floats
    payout: Floats
    div_yield: Floats  # > 0 only for high-dividend payers: their DPS follows the price
    growth: Floats
    dec_fy: NDArray[np.bool_]
    turnover: Floats
    lag: Floats
    splits: list[tuple[int, int, int]]  # (stock index, session offset, ratio)


def _build_universe(symbols: int, seed: int) -> _Universe:
    rng = _rng(seed, _UNIVERSE)
    stocks, sector = listing(rng, symbols)
    market = stocks["market"].to_numpy()
    u = rng.random((symbols, 16))
    z = rng.standard_normal((symbols, 8))
    is_growth, is_prime = market == "growth", market == "prime"
    spec = np.array(
        [
            [s.beta, s.vol, s.op_margin, s.per, s.pbr, s.equity_ratio, s.payout, s.dec_fy, s.growth_aff]
            for s in SECTORS
        ]
    )[sector]
    seg_vol = np.array([_SEG_VOL[m] for m in market])
    beta = spec[:, 0] * (0.75 + 0.5 * u[:, 0]) * np.where(is_growth, 1.15, 1.0)
    idio_vol = 0.010 * spec[:, 1] * seg_vol * (0.8 + 0.45 * u[:, 1])
    loss = u[:, 2] < np.where(is_growth, 0.18, np.where(is_prime, 0.03, 0.06))
    per = np.clip(spec[:, 3] * np.exp(0.25 * z[:, 0]) * np.where(is_growth, 1.4, 1.0), 6.0, 40.0)
    pbr = np.clip(spec[:, 4] * np.exp(0.3 * z[:, 1]) * np.where(is_growth, 1.3, 1.0), 0.35, 5.0)
    opm = np.where(loss, -(0.03 + 0.07 * u[:, 3]), spec[:, 2] * np.exp(0.3 * z[:, 2]))
    pbr = np.where(loss, np.minimum(pbr, 2.5), pbr)  # equity enough to fund years of losses
    equity_ratio = np.clip(spec[:, 5] * np.exp(0.2 * z[:, 3]), 0.03, 0.9)
    no_div = loss | (is_growth & (u[:, 4] < 0.8))
    payout = np.where(no_div, 0.0, spec[:, 6] * (0.6 + 0.8 * u[:, 5]))
    high_div = ~no_div & ~is_growth & (u[:, 6] < 0.07)
    div_yield = np.where(high_div, 0.04 + 0.01 * u[:, 7], 0.0)
    per = np.where(high_div, 8.0 + 4.5 * u[:, 8], per)  # high yield goes with a low PER
    dec_fy = u[:, 9] < spec[:, 7]
    growth = 0.02 + 0.05 * spec[:, 8] + np.where(is_growth, 0.12, 0.0) + 0.03 * z[:, 4]
    median_cap = np.where(is_prime, 1.5e11, np.where(is_growth, 1.0e10, 1.2e10))
    mcap = np.clip(median_cap * np.exp(np.where(is_prime, 1.1, 0.85) * z[:, 5]), 1.5e9, 8e12)
    price0 = np.clip(np.where(is_growth, 900.0, 1400.0) * np.exp(0.7 * z[:, 6]), 240.0, 7000.0)
    turnover = np.where(is_prime, 0.0016, np.where(is_growth, 0.005, 0.0008)) * np.exp(0.5 * z[:, 7])
    lag = np.floor(37.0 + 7.0 * u[:, 10])

    splits: list[tuple[int, int, int]] = []
    n_splits = 3 if symbols >= 60 else 2
    for k, i in enumerate(rng.choice(np.flatnonzero(~is_growth), n_splits, replace=False)):
        ratio = _SPLIT_RATIOS[k]
        price0[i] = ratio * (1500.0 + 1000.0 * u[i, 11])  # a split makes sense for a pricey stock
        splits.append((int(i), _SPLIT_SESSIONS[k], ratio))
    splits.sort()
    shares0 = np.maximum(np.round(mcap / price0, -3), 1e6)

    return _Universe(
        stocks, sector, beta, idio_vol, seg_vol, price0, shares0, per, pbr, opm, equity_ratio, payout,
        div_yield, growth, dec_fy, turnover, lag, splits,
    )  # fmt: skip


class _Regimes:
    """Piecewise-constant drifts: each column switches regime every ``min_len..min_len+span`` days.

    The per-column draws come first (fixed count), then one (block, column, 2) array, so a longer
    ``n`` only appends blocks. About 7 % of regimes are extreme (×3.5): rallies and slides. The
    draws are small (one per regime); ``rows`` expands any range of days from them.
    """

    def __init__(self, rng: np.random.Generator, n: int, cols: int, min_len: int, span: int, sigma: float):
        head = rng.random((cols, 2))
        self.length = min_len + span * head[:, 0]
        self.phase = self.length * head[:, 1]
        draws = rng.standard_normal((n // min_len + 2, cols, 2))
        self.level = draws[..., 0] * np.where(np.abs(draws[..., 1]) > 1.8, 3.5, 1.0)
        self.sigma, self.cols = sigma, cols

    def rows(self, first: int, stop: int) -> Floats:
        """The drifts of days [first, stop), (day, column)."""
        block = ((np.arange(first, stop)[:, None] + self.phase[None, :]) // self.length[None, :]).astype(
            np.int64
        )
        return self.sigma * self.level[block, np.arange(self.cols)[None, :]]


def _regimes(rng: np.random.Generator, n: int, cols: int, min_len: int, span: int, sigma: float) -> Floats:
    return _Regimes(rng, n, cols, min_len, span, sigma).rows(0, n)


# Sessions generated at a time: the AR(1) recursion's block, so that it restarts where it always did.
_BLOCK = 128


def _ar1(shocks: Floats, phi: float, block: int = _BLOCK) -> Floats:
    """x[t] = phi·x[t−1] + shocks[t] along axis 0, vectorised per fixed-size block (prefix-stable)."""
    out = np.empty_like(shocks)
    state = np.zeros(shocks.shape[1:])
    for b in range(0, len(shocks), block):
        out[b : b + block] = _ar1_block(shocks[b : b + block], phi, state)
        state = out[b + len(out[b : b + block]) - 1]
    return out


def _ar1_block(chunk: Floats, phi: float, state: Floats) -> Floats:
    """One block of ``_ar1`` from the state at the end of the previous block."""
    k = np.arange(1, len(chunk) + 1, dtype=float).reshape((-1,) + (1,) * (chunk.ndim - 1))
    return phi**k * (state + np.cumsum(chunk * phi ** (-k), axis=0))


def _market(seed: int, n: int) -> tuple[Floats, Floats]:
    """Daily market log returns and the volatility multiplier (high after each crash)."""
    vol_mult = np.ones(n)
    crash = np.zeros(n)
    events = _rng(seed, _CRASH).random((n // 230 + 2, 5))
    t0 = 0
    for k, (gap, depth, dur, frac, rec) in enumerate(events):
        # First crash within ~80–250 sessions, then every ~230–420: ≥2 in any 3-year span.
        t0 += int((80 + 170 * gap) if k == 0 else (230 + 190 * gap))
        if t0 >= n:
            break
        days, rec_days = 3 + int(6 * dur), 20 + int(45 * rec)
        drop = np.log(1.0 - (0.10 + 0.12 * depth))
        weights = np.linspace(2.0, 1.0, days)
        crash[t0 : t0 + days] += (drop * weights / weights.sum())[: max(0, n - t0)]
        crash[t0 + days : t0 + days + rec_days] -= drop * (0.35 + 0.4 * frac) / rec_days
        vol_mult[t0:] += np.exp(-np.arange(n - t0) / 15.0)
    drift = 0.00025 + _regimes(_rng(seed, _MKT_REGIME), n, 1, 40, 120, 0.0004)[:, 0]
    noise = 0.0095 * vol_mult * _rng(seed, _MKT_NOISE).standard_normal(n)
    return drift + noise + crash, vol_mult


def _index_bars(seed: int, n: int) -> dict[str, Floats]:
    """The demo market index over ``n`` sessions: the market factor every stock's return loads on
    (``_market``) compounded from ``_INDEX_BASE``, so the index moves with the demo market as TOPIX
    does with the real one (stocks add beta, sector and their own moves around it). Open, high and
    low from a stream of their own, shaped like a stock's bar with a broad index's smaller spread.
    Prefix-stable like everything here: a longer ``n`` only appends sessions."""
    m, vol_mult = _market(seed, n)
    close = _INDEX_BASE * np.exp(np.cumsum(m))
    prev = np.concatenate([[_INDEX_BASE], close[:-1]])
    noise = _rng(seed, _INDEX_OHLC).standard_normal((n, 3))
    open_ = prev * np.exp(0.35 * m + 0.002 * noise[:, 0])
    width = 0.004 * vol_mult + 0.15 * np.abs(m)
    high = np.maximum(open_, close) * np.exp(width * np.abs(noise[:, 1]))
    low = np.minimum(open_, close) * np.exp(-width * np.abs(noise[:, 2]))
    # Published to 0.01 point, as TOPIX is.
    return {k: np.round(v, 2) for k, v in (("open", open_), ("high", high), ("low", low), ("close", close))}


class _Schedule(NamedTuple):
    """Quarterly disclosures: arrays (quarter, stock) except ``period_end`` (quarter,)."""

    period_end: Ints  # ordinals
    fiscal_q: Ints  # 1..4
    disclosed: Ints  # ordinal of the disclosure session, −1 if unknown to the calendar
    surprise: Floats
    sigma: Floats  # (stock,) typical surprise size: bigger ones make the company revise its forecast


def _schedule(seed: int, univ: _Universe, calendar: Ints, first_year: int, end: date) -> _Schedule:
    n_stocks = len(univ.price0)
    ends: list[date] = []
    year, month = first_year, 3
    while (qe := date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)) <= end:
        ends.append(qe)
        year, month = (year + 1, 3) if month == 12 else (year, month + 3)
    n_q = len(ends)
    months = np.array([qe.month for qe in ends])
    # March year-end: Jun → 1Q … Mar → FY; December year-end: Mar → 1Q … Dec → FY.
    fiscal_q = (months[:, None] // 3 - 1 - np.where(univ.dec_fy, 0, 1)[None, :]) % 4 + 1
    jitter = np.floor(_rng(seed, _FUND_LAG).random((n_q, n_stocks)) * 5.0) - 2.0
    period_end = np.array([qe.toordinal() for qe in ends], dtype=np.int64).reshape(n_q)
    nominal = period_end[:, None] + (univ.lag[None, :] + jitter + np.where(fiscal_q == 4, 3, 0))
    pos = np.searchsorted(calendar, nominal)
    known = (pos < len(calendar)) & (nominal >= calendar[0])
    disclosed = np.where(known, calendar[np.minimum(pos, len(calendar) - 1)], -1)
    draws = _rng(seed, _SURPRISE).standard_normal((n_q, n_stocks, 2))
    sigma = 0.05 * np.array([SECTORS[s].vol for s in univ.sector]) * np.sqrt(univ.seg_vol)
    surprise = sigma * draws[..., 0] * np.where(np.abs(draws[..., 1]) > 1.75, 2.5, 1.0)
    return _Schedule(period_end, fiscal_q.astype(np.int64), disclosed.astype(np.int64), surprise, sigma)


class _PriceStream:
    """The price model, one block of ``_BLOCK`` sessions at a time, in date order.

    Economic (split-free) close path plus raw OHLCV and the split factor, arrays (session, stock).
    Every random component is drawn from its own stream in date order and every recursion (the
    AR(1) parts, the cumulative returns, the previous close) carries its state into the next block,
    so the numbers are exactly those of generating all sessions at once — with the memory of one
    block instead of the whole history (4,000 stocks × 5 years held ~1.3 GB at its peak).

    ``bars=False`` computes the close path only (what the fundamentals need), skipping the OHLC and
    volume draws. Rows of the running sum of the close are kept in ``csum_rows`` for the indices in
    ``csum_wanted`` (the fundamentals' smoothed price at each quarter end).
    """

    def __init__(
        self,
        seed: int,
        univ: _Universe,
        sessions: Ints,
        sched: _Schedule,
        csum_rows: dict[int, Floats],
        csum_wanted: set[int],
        *,
        bars: bool = True,
    ) -> None:
        n, s = len(sessions), len(univ.price0)
        self.univ, self.n, self.bars = univ, n, bars
        self.m, self.vol_mult = _market(seed, n)
        sec_vol = np.array([sec.vol for sec in SECTORS])
        # Sector factor: rotating themes that fade (half-life ≈ 1.4 years) rather than compounding
        # forever. Small (session × sector): computed whole.
        sec_shock = 0.006 * sec_vol * _rng(seed, _SEC_NOISE).standard_normal((n, len(SECTORS)))
        sec_shock += _regimes(_rng(seed, _SEC_REGIME), n, len(SECTORS), 50, 150, 0.0007)
        self.sec_r = np.diff(_ar1(sec_shock, 0.998), axis=0, prepend=0.0)
        self.sigma = np.sqrt(
            (univ.beta * 0.0095) ** 2 + (0.006 * sec_vol[univ.sector]) ** 2 + univ.idio_vol**2
        )
        # Idiosyncratic part: noise + regime drifts + rare jumps + earnings reactions, mean-reverting
        # (half-life ≈ 140 sessions) so trends end and levels stay plausible over many years.
        self.idio_rng, self.jump_rng = _rng(seed, _IDIO), _rng(seed, _JUMP)
        self.regimes = _Regimes(_rng(seed, _STK_REGIME), n, s, 40, 110, 0.0008)
        self.ohlc_rng, self.volume_rng = _rng(seed, _OHLC), _rng(seed, _VOLUME)
        # Earnings reactions, on the session after each disclosure: (session, stock, size).
        q_idx, s_idx = np.nonzero((sched.disclosed >= sessions[0]) & (sched.disclosed <= sessions[-1]))
        t_idx = np.searchsorted(sessions, sched.disclosed[q_idx, s_idx]) + 1
        inside = t_idx < n
        self.reaction_t, self.reaction_s = t_idx[inside], s_idx[inside]
        self.reaction = np.clip(0.9 * sched.surprise[q_idx[inside], s_idx[inside]], -0.25, 0.25)
        self.csum_rows, self.csum_wanted = csum_rows, csum_wanted
        # Carried from block to block.
        self.start = 0
        self.idio_state = np.zeros(s)
        self.idio_last = np.zeros((1, s))
        self.cum_last: Floats | None = None
        self.csum_last: Floats | None = None
        self.close_last = univ.price0

    @property
    def block(self) -> int:
        """The index of the block ``next_block`` returns."""
        return self.start // _BLOCK

    def next_block(self) -> dict[str, Floats]:
        first, stop = self.start, min(self.start + _BLOCK, self.n)
        univ, rows, s = self.univ, stop - first, len(self.univ.price0)
        shocks = univ.idio_vol * self.idio_rng.standard_normal((rows, s))
        shocks += univ.seg_vol * self.regimes.rows(first, stop)
        jump = self.jump_rng.standard_normal((rows, s, 2))
        shocks += np.where(jump[..., 0] > 2.9, (0.06 * jump[..., 1] - 0.01) * univ.seg_vol, 0.0)
        del jump
        earnings = np.zeros((rows, s))
        here = (self.reaction_t >= first) & (self.reaction_t < stop)
        earnings[self.reaction_t[here] - first, self.reaction_s[here]] = self.reaction[here]
        idio = _ar1_block(shocks + earnings, 0.995, self.idio_state)
        del shocks
        # Carried rows are copies: a view would keep its whole block alive.
        self.idio_state = idio[-1].copy()
        step = np.diff(idio, axis=0, prepend=self.idio_last)
        self.idio_last = idio[-1:].copy()
        del idio
        r = univ.beta * self.m[first:stop, None] + self.sec_r[first:stop][:, univ.sector] + step
        r = np.clip(r, -0.28, 0.28)  # roughly the TSE daily price limit
        cum = _carried_cumsum(r, self.cum_last)
        self.cum_last = cum[-1:].copy()
        close = univ.price0 * np.exp(cum)
        del cum
        self._keep_csum(first, stop, close)
        self.start = stop
        if not self.bars:
            return {"econ_close": close}

        ratio = np.ones((rows, s))
        adj = np.ones((rows, s))
        for i, offset, split_ratio in univ.splits:
            if offset < self.n and offset < stop:
                ratio[max(offset - first, 0) :, i] = split_ratio
                if offset >= first:
                    adj[offset - first, i] = 1.0 / split_ratio
        noise = self.ohlc_rng.standard_normal((rows, s, 3))
        prev = np.vstack([self.close_last[None, :], close[:-1]])
        self.close_last = close[-1].copy()
        gap = 0.35 * r + 0.3 * self.sigma * noise[..., 0] + 0.6 * earnings
        open_ = prev * np.exp(gap)
        del prev, gap, earnings
        width = 0.45 * self.sigma * self.vol_mult[first:stop, None] + 0.15 * np.abs(r)
        high = np.maximum(open_, close) * np.exp(width * np.abs(noise[..., 1]))
        low = np.minimum(open_, close) * np.exp(-width * np.abs(noise[..., 2]))
        del noise, width
        raw = {k: round_to_tick(v / ratio) for k, v in (("open", open_), ("close", close))}
        raw["high"] = np.maximum(round_to_tick(high / ratio), np.maximum(raw["open"], raw["close"]))
        raw["low"] = np.minimum(round_to_tick(low / ratio), np.minimum(raw["open"], raw["close"]))
        del high, low, open_
        # Volume: a per-stock level, lognormal noise and spikes on big moves (in either direction).
        spike = 1.0 + 1.8 * np.minimum((np.abs(r) / self.sigma) ** 1.5, 25.0)
        level = univ.turnover * univ.shares0 * np.exp(0.4 * self.volume_rng.standard_normal((rows, s)) - 0.08)
        raw["volume"] = np.maximum(np.round(level * spike * ratio / 100.0), 1.0) * 100.0
        vwap = (raw["open"] + raw["high"] + raw["low"] + 2.0 * raw["close"]) / 5.0
        raw["turnover"] = np.round(vwap * raw["volume"])
        raw["adj_factor"] = adj
        return raw

    def _keep_csum(self, first: int, stop: int, close: Floats) -> None:
        wanted = [k for k in self.csum_wanted if first <= k < stop]
        if self.csum_rows.keys() >= self.csum_wanted:
            return  # every row wanted is known (this stream or another got there first)
        csum = _carried_cumsum(close, self.csum_last)
        self.csum_last = csum[-1:].copy()
        for k in wanted:
            self.csum_rows[k] = csum[k - first].copy()


def _carried_cumsum(values: Floats, carried: Floats | None) -> Floats:
    """``np.cumsum`` along axis 0 continuing from the last row of the previous block: the same
    additions in the same order as one cumsum over all blocks (so the same bits)."""
    if carried is None:
        return np.cumsum(values, axis=0)
    return np.cumsum(np.vstack([carried, values]), axis=0)[1:]


_SMOOTH_WINDOW = 60  # sessions of the price average the fundamentals are scaled to


def _quarter_sessions(sessions: Ints, sched: _Schedule) -> list[int]:
    """For each quarter, the index of the last session on or before its end (−1: before the first)."""
    return [int(np.searchsorted(sessions, end, side="right")) - 1 for end in sched.period_end]


def _csum_wanted(quarters: Sequence[int]) -> set[int]:
    """The rows of the close's running sum that the smoothed price at each quarter end needs."""
    return {k for q in quarters if q >= 0 for k in (q, q - _SMOOTH_WINDOW) if k >= 0}


def _smoothed(csum_rows: dict[int, Floats], k: int) -> Floats:
    """The mean close of the ``_SMOOTH_WINDOW`` sessions up to ``k`` (fewer at the start)."""
    earlier = csum_rows[k - _SMOOTH_WINDOW] if k >= _SMOOTH_WINDOW else 0.0
    return (csum_rows[k] - earlier) / float(min(k + 1, _SMOOTH_WINDOW))


def _fundamentals(
    seed: int, univ: _Universe, sessions: Ints, sched: _Schedule, csum_rows: dict[int, Floats], start: date
) -> dict[str, Floats]:
    """Cumulative-to-date results per quarter (Japanese 決算短信 style), arrays (quarter, stock).

    ``csum_rows``: the running sum of the economic close at the rows ``_csum_wanted`` names."""
    n_q, s = sched.surprise.shape
    quarters = _quarter_sessions(sessions, sched)
    noise = _rng(seed, _FUND_NOISE).standard_normal((n_q, s, 3))
    shares = univ.shares0
    # Sales sized so that profit ÷ market value matches the target PER; loss-makers at ~3× sales.
    sales_to_cap = np.where(univ.opm > 0, 1.0 / (univ.per * np.maximum(univ.opm, 1e-3) * _TAX), 0.33)
    equity = univ.price0 * shares / univ.pbr * np.exp(-2.0 * univ.pbr / univ.per)
    cum = np.zeros((3, s))
    forecast = np.zeros(s)
    fdps = np.zeros(s)
    names = ["sales", "operating_profit", "net_income", "eps", "forecast_eps", "bps", "dps"]
    out = {k: np.full((n_q, s), np.nan) for k in [*names, "forecast_dps", "equity", "total_assets"]}
    out["shares_outstanding"] = np.zeros((n_q, s))
    for j in range(n_q):
        fq, surprise = sched.fiscal_q[j], sched.surprise[j]
        k = quarters[j]
        years_before = (start.toordinal() - sched.period_end[j]) / 365.25
        ref = _smoothed(csum_rows, k) if k >= 0 else univ.price0 * np.exp(-univ.growth * years_before)
        q_sales = ref * shares * sales_to_cap * (1 + 0.3 * surprise) / 4 * (1 + 0.03 * noise[j, :, 0])
        q_op = q_sales * (univ.opm + np.abs(univ.opm) * 1.5 * surprise)
        q_ni = q_op * np.where(q_op > 0, _TAX, 1.05)
        quarter = np.stack([q_sales, q_op, q_ni])
        # The first (warm-up) quarter stands in for the earlier quarters of its fiscal year.
        cum = quarter * fq if j == 0 else np.where(fq == 1, 0.0, cum) + quarter
        implied = cum[2] / fq * 4 / shares
        revise = (np.abs(surprise) > 1.2 * sched.sigma) | (j == 0)
        forecast = (
            implied if j == 0 else np.where(revise & (fq < 4), 0.5 * forecast + 0.5 * implied, forecast)
        )
        target = np.where(univ.div_yield > 0, univ.div_yield * ref, univ.payout * np.maximum(forecast, 0.0))
        # Dividends only rise while the company earns, but a yield above ~5.5 % gets cut.
        settled = np.round(np.minimum(np.maximum(fdps, target), 0.055 * ref))
        fdps = np.where(((fq == 2) & revise) | (j == 0), settled, fdps)
        dps = np.where(fq == 2, np.round(fdps / 2), np.where(fq == 4, fdps, np.nan))
        equity = (
            equity + q_ni - np.where(fq == 2, dps, np.where(fq == 4, fdps - np.round(fdps / 2), 0)) * shares
        )
        # Full year: next year's forecasts.
        actual = cum[2] / shares
        nxt = np.where(actual > 0, actual * (1 + univ.growth + 0.06 * noise[j, :, 1]), 0.5 * actual)
        forecast = np.where(fq == 4, nxt, forecast)
        target = np.where(univ.div_yield > 0, univ.div_yield * ref, univ.payout * np.maximum(nxt, 0.0))
        settled = np.round(np.minimum(np.maximum(fdps, target), 0.055 * ref))
        fdps = np.where(fq == 4, np.where(nxt > 0, settled, 0.0), fdps)
        ratio = np.ones(s)
        for i, offset, split_ratio in univ.splits:
            ex = sessions[offset] if offset < len(sessions) else np.iinfo(np.int64).max
            ratio[i] = split_ratio if sched.disclosed[j, i] >= ex else 1.0
        raw_shares = shares * ratio
        out["sales"][j], out["operating_profit"][j], out["net_income"][j] = np.round(cum, -6)
        out["eps"][j] = np.round(cum[2] / raw_shares, 2)
        out["forecast_eps"][j] = np.round(forecast / ratio, 2)
        out["bps"][j] = np.round(equity / raw_shares, 2)
        out["dps"][j] = np.round(dps / ratio, 2)
        out["forecast_dps"][j] = np.round(fdps / ratio, 2)
        out["equity"][j] = np.round(equity, -6)
        out["total_assets"][j] = np.round(equity / univ.equity_ratio * (1 + 0.02 * noise[j, :, 2]), -6)
        out["shares_outstanding"][j] = raw_shares
    return out


_PERIOD_TYPES = np.array(["1Q", "2Q", "3Q", "FY"], dtype=object)
_BAR_VALUES = ["open", "high", "low", "close", "volume", "turnover", "adj_factor"]
_FUND_VALUES = FUNDAMENTAL_COLUMNS[4:]


class _Layout(NamedTuple):
    """What needs no price path: the sessions, the disclosure schedule, the disclosures emitted."""

    sessions: Ints  # ordinals of the bar sessions
    days: NDArray[np.object_]  # the same sessions as dates
    sched: _Schedule | None  # None when [start, end] holds no session
    keep: NDArray[np.bool_]  # (stock, quarter) stock-major: the disclosures emitted
    disclosed: Ints  # ordinal per emitted disclosure, for fast range filters
    codes: pd.Series  # code per emitted disclosure
    csum_wanted: set[int]  # rows of the close's running sum the fundamentals need


class DemoProvider(MarketDataProvider):
    """Fictional TSE companies with deterministic prices and disclosures; needs no network.

    ``DemoProvider(symbols, start, end, seed)``: the same arguments give identical frames in any
    process, and bars/fundamentals up to a date do not depend on ``end``. ``end=None`` means today
    (JST). Requests outside [start, end] get only what lies inside.

    Memory is one block of sessions, not the history: prices are generated ``_BLOCK`` sessions at a
    time as requests walk forward in time (a sync asks in date order), and only the last block is
    kept; a request that starts before it generates again from the first session. Fundamentals
    (a row per stock and quarter) are generated once and kept; a range without disclosures is
    answered from the schedule alone, without generating prices (a sync with nothing new).
    """

    name = "demo"
    is_demo = True
    fetches_by_date = False

    def __init__(
        self,
        symbols: int = 320,
        start: date = date(2022, 1, 4),
        end: date | None = None,
        seed: int = 20240101,
    ) -> None:
        if not MIN_SYMBOLS <= symbols <= MAX_SYMBOLS:
            raise ValueError(f"symbols must be between {MIN_SYMBOLS} and {MAX_SYMBOLS}, got {symbols}")
        self.end = end if end is not None else tokyo_today()
        if self.end < start:
            raise ValueError(f"end ({self.end}) is before start ({start})")
        self.symbols, self.start, self.seed = symbols, start, seed
        self._universe: _Universe | None = None
        self._layout_cache: _Layout | None = None
        self._stream: _PriceStream | None = None
        self._block: tuple[int, dict[str, Floats]] | None = None
        self._csum_rows: dict[int, Floats] = {}
        self._fundamentals: pd.DataFrame | None = None

    def list_stocks(self) -> pd.DataFrame:
        return self._univ().stocks.copy()

    def splits(self) -> list[Split]:
        """The stock splits inside [start, end]: (code, ex-date, ratio), ratio 2 meaning 1:2."""
        univ = self._univ()
        days = sessions_between(self.start, self.start + timedelta(days=800))
        codes = univ.stocks["code"].tolist()
        found = [Split(codes[i], days[t], r) for i, t, r in univ.splits if t < len(days)]
        return sorted((s for s in found if s.ex_date <= self.end), key=lambda s: (s.ex_date, s.code))

    def fetch_daily_bars(self, start: date, end: date, codes: Sequence[str] | None = None) -> pd.DataFrame:
        layout = self._layout()
        if layout.sched is None:
            return conform(pd.DataFrame(columns=BAR_COLUMNS), BAR_COLUMNS)
        first = int(np.searchsorted(layout.sessions, start.toordinal(), side="left"))
        last = max(first, int(np.searchsorted(layout.sessions, end.toordinal(), side="right")))
        positions = self._positions(codes)
        stocks = self._univ().stocks["code"]
        bars = pd.DataFrame(
            {
                # Stock-major, listing order: each code's days in order.
                "code": pd.Series(np.repeat(stocks.to_numpy()[positions], last - first), dtype=stocks.dtype),
                "date": np.tile(layout.days[first:last], len(positions)),
            }
        )
        for column, values in self._bar_values(first, last, positions).items():
            bars[column] = values
        return bars  # BAR_COLUMNS in order already: no copy to conform it

    def fetch_fundamentals(self, start: date, end: date, codes: Sequence[str] | None = None) -> pd.DataFrame:
        layout = self._layout()
        mask = (layout.disclosed >= start.toordinal()) & (layout.disclosed <= end.toordinal())
        if codes is not None:
            mask &= layout.codes.isin(self._codes(codes)).to_numpy()
        if layout.sched is None:
            return conform(pd.DataFrame(columns=FUNDAMENTAL_COLUMNS), FUNDAMENTAL_COLUMNS)
        if not mask.any():
            return self._no_fundamentals()
        return conform(self._all_fundamentals()[mask], FUNDAMENTAL_COLUMNS)

    def fetch_index_bars(self, start: date, end: date) -> pd.DataFrame:
        """The demo market index (code ``DEMO_INDEX``, "TOPIX (demo)"): fictional, like the stocks."""
        layout = self._layout()
        first = int(np.searchsorted(layout.sessions, start.toordinal(), side="left"))
        last = max(first, int(np.searchsorted(layout.sessions, end.toordinal(), side="right")))
        if last == first:
            return conform(pd.DataFrame(columns=INDEX_BAR_COLUMNS), INDEX_BAR_COLUMNS)
        # All sessions up to ``last``: one float per session, cheap beside any bar request.
        points = _index_bars(self.seed, last)
        frame = pd.DataFrame({"code": DEMO_INDEX, "date": layout.days[first:last]})
        for column, values in points.items():
            frame[column] = values[first:last]
        return frame[INDEX_BAR_COLUMNS]

    # -- internals ---------------------------------------------------------------------------

    def _univ(self) -> _Universe:
        if self._universe is None:
            self._universe = _build_universe(self.symbols, self.seed)
        return self._universe

    @staticmethod
    def _codes(codes: Sequence[str]) -> list[str]:
        return [codes] if isinstance(codes, str) else list(codes)

    def _positions(self, codes: Sequence[str] | None) -> Ints:
        """Row positions (in listing order) of the requested codes; unknown codes are skipped."""
        listed = self._univ().stocks["code"]
        if codes is None:
            return np.arange(len(listed), dtype=np.int64)
        return np.flatnonzero(listed.isin(self._codes(codes)).to_numpy()).astype(np.int64)

    def _layout(self) -> _Layout:
        if self._layout_cache is None:
            self._layout_cache = _build_layout(self._univ(), self.start, self.end, self.seed)
        return self._layout_cache

    def _stream_from_start(self, *, bars: bool) -> _PriceStream:
        layout = self._layout()
        assert layout.sched is not None  # nosec B101 - callers return early without sessions
        return _PriceStream(
            self.seed,
            self._univ(),
            layout.sessions,
            layout.sched,
            self._csum_rows,
            layout.csum_wanted,
            bars=bars,
        )

    def _bar_values(self, first: int, last: int, positions: Ints) -> dict[str, Floats]:
        """BAR values of sessions [first, last) of the stocks at ``positions``, stock-major."""
        out = {column: np.empty((len(positions), last - first)) for column in _BAR_VALUES}
        if last > first and len(positions):
            for block in range(first // _BLOCK, (last - 1) // _BLOCK + 1):
                raw, offset = self._bar_block(block), block * _BLOCK
                lo, hi = max(first, offset), min(last, offset + _BLOCK)
                for column in _BAR_VALUES:
                    out[column][:, lo - first : hi - first] = raw[column][
                        lo - offset : hi - offset, positions
                    ].T
                del raw  # not alive while the next block is made
        return {column: values.ravel() for column, values in out.items()}

    def _bar_block(self, block: int) -> dict[str, Floats]:
        if self._block is not None and self._block[0] == block:
            return self._block[1]
        self._block = None  # free it before the next one is made
        if self._stream is None or self._stream.block > block:
            self._stream = self._stream_from_start(bars=True)
        while True:
            index = self._stream.block
            raw = self._stream.next_block()
            if index == block:
                self._block = (block, raw)
                return raw

    def _all_fundamentals(self) -> pd.DataFrame:
        if self._fundamentals is None:
            layout, univ = self._layout(), self._univ()
            assert layout.sched is not None  # nosec B101 - callers return early without sessions
            if not self._csum_rows.keys() >= layout.csum_wanted:
                # The prices were not walked far enough yet: walk the close path alone.
                stream, needed = self._stream_from_start(bars=False), max(layout.csum_wanted)
                while stream.start <= needed:
                    stream.next_block()
            fund = _fundamentals(self.seed, univ, layout.sessions, layout.sched, self._csum_rows, self.start)
            sched, keep = layout.sched, layout.keep
            codes = univ.stocks["code"].to_numpy()
            n_q = len(sched.period_end)
            frame = pd.DataFrame(
                {
                    "code": layout.codes.to_numpy(),
                    "disclosed_date": [date.fromordinal(int(o)) for o in layout.disclosed],
                    "period_type": _PERIOD_TYPES[sched.fiscal_q.T.ravel()[keep] - 1],
                    "period_end": [
                        date.fromordinal(int(o)) for o in np.tile(sched.period_end, len(codes))[keep]
                    ],
                }
            )
            for column in _FUND_VALUES:
                frame[column] = fund[column].T.ravel()[keep]
            self._fundamentals = conform(frame, FUNDAMENTAL_COLUMNS)
            del n_q
        return self._fundamentals

    def _no_fundamentals(self) -> pd.DataFrame:
        """An empty FUNDAMENTAL_COLUMNS frame with the column types of a full one."""
        text = self._univ().stocks["code"].dtype
        frame = pd.DataFrame(
            {
                "code": pd.Series([], dtype=text),
                "disclosed_date": np.array([], dtype=object),
                "period_type": pd.Series([], dtype=text),
                "period_end": np.array([], dtype=object),
                **{column: np.zeros(0) for column in _FUND_VALUES},
            }
        )
        return conform(frame, FUNDAMENTAL_COLUMNS)


def _build_layout(univ: _Universe, start: date, end: date, seed: int) -> _Layout:
    first_year = start.year - 2  # one warm-up fiscal year before the first emitted disclosure
    horizon = max(end, start + timedelta(days=800)) + timedelta(days=120)
    calendar = np.array([d.toordinal() for d in sessions_between(date(first_year, 3, 31), horizon)])
    sessions = calendar[(calendar >= start.toordinal()) & (calendar <= end.toordinal())]
    days = np.array([date.fromordinal(int(o)) for o in sessions], dtype=object)
    if len(sessions) == 0:
        nothing = np.zeros(0, dtype=np.int64)
        return _Layout(
            sessions, days, None, nothing.astype(bool), nothing, pd.Series([], dtype=object), set()
        )
    sched = _schedule(seed, univ, calendar, first_year, end)
    emitted = (sched.disclosed >= (start - timedelta(days=365)).toordinal()) & (
        sched.disclosed <= end.toordinal()
    )
    keep = emitted.T.ravel()
    codes = univ.stocks["code"].to_numpy()
    disclosure_codes = pd.Series(np.repeat(codes, len(sched.period_end))[keep])
    wanted = _csum_wanted(_quarter_sessions(sessions, sched))
    return _Layout(sessions, days, sched, keep, sched.disclosed.T.ravel()[keep], disclosure_codes, wanted)
