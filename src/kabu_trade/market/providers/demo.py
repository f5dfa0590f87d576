"""Offline demo provider: a deterministic, fictional but realistic TSE universe.

Why it looks the way it does:

- *Deterministic and prefix-stable.* Every random component has its own numpy stream
  (``SeedSequence(seed, spawn_key=(component,))``) and is drawn in date order (row-major arrays whose
  first axis is the session or quarter), so the values of a date never depend on how many dates
  follow. A later sync with a later ``end`` therefore only appends; nothing already stored changes.
  Only elementwise operations and ``cumsum`` run along time (no BLAS, whose blocking could change
  the last bits with the array length).
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
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kabu_trade.market.calendar import JST, sessions_between
from kabu_trade.market.providers.base import BAR_COLUMNS, FUNDAMENTAL_COLUMNS, MarketDataProvider, conform
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
 _OHLC, _VOLUME, _FUND_LAG, _SURPRISE, _FUND_NOISE) = range(14)  # fmt: skip


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


def _regimes(rng: np.random.Generator, n: int, cols: int, min_len: int, span: int, sigma: float) -> Floats:
    """Piecewise-constant drifts: each column switches regime every ``min_len..min_len+span`` days.

    The per-column draws come first (fixed count), then one (block, column, 2) array, so a longer
    ``n`` only appends blocks. About 7 % of regimes are extreme (×3.5): rallies and slides.
    """
    head = rng.random((cols, 2))
    length = min_len + span * head[:, 0]
    phase = length * head[:, 1]
    draws = rng.standard_normal((n // min_len + 2, cols, 2))
    level = draws[..., 0] * np.where(np.abs(draws[..., 1]) > 1.8, 3.5, 1.0)
    block = ((np.arange(n)[:, None] + phase[None, :]) // length[None, :]).astype(np.int64)
    return sigma * level[block, np.arange(cols)[None, :]]


def _ar1(shocks: Floats, phi: float, block: int = 128) -> Floats:
    """x[t] = phi·x[t−1] + shocks[t] along axis 0, vectorised per fixed-size block (prefix-stable)."""
    out = np.empty_like(shocks)
    state = np.zeros(shocks.shape[1:])
    for b in range(0, len(shocks), block):
        chunk = shocks[b : b + block]
        k = np.arange(1, len(chunk) + 1, dtype=float).reshape((-1,) + (1,) * (shocks.ndim - 1))
        out[b : b + block] = phi**k * (state + np.cumsum(chunk * phi ** (-k), axis=0))
        state = out[b + len(chunk) - 1]
    return out


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


class _Panel(NamedTuple):
    bars: pd.DataFrame  # stock-major, listing order: row = stock position × sessions + day
    fundamentals: pd.DataFrame
    disclosed: Ints  # ordinal per fundamentals row, for fast range filters
    sessions: Ints  # ordinals of the bar sessions


def _prices(seed: int, univ: _Universe, sessions: Ints, sched: _Schedule) -> dict[str, Floats]:
    """Economic (split-free) close path plus raw OHLCV and the split arrays, all (session, stock)."""
    n, s = len(sessions), len(univ.price0)
    m, vol_mult = _market(seed, n)
    sec_vol = np.array([sec.vol for sec in SECTORS])
    # Sector factor: rotating themes that fade (half-life ≈ 1.4 years) rather than compounding forever.
    sec_shock = 0.006 * sec_vol * _rng(seed, _SEC_NOISE).standard_normal((n, len(SECTORS)))
    sec_shock += _regimes(_rng(seed, _SEC_REGIME), n, len(SECTORS), 50, 150, 0.0007)
    sec_r = np.diff(_ar1(sec_shock, 0.998), axis=0, prepend=0.0)
    # Idiosyncratic part: noise + regime drifts + rare jumps + earnings reactions, mean-reverting
    # (half-life ≈ 140 sessions) so trends end and levels stay plausible over many years.
    shocks = univ.idio_vol * _rng(seed, _IDIO).standard_normal((n, s))
    shocks += univ.seg_vol * _regimes(_rng(seed, _STK_REGIME), n, s, 40, 110, 0.0008)
    jump = _rng(seed, _JUMP).standard_normal((n, s, 2))
    shocks += np.where(jump[..., 0] > 2.9, (0.06 * jump[..., 1] - 0.01) * univ.seg_vol, 0.0)
    earnings = np.zeros((n, s))
    q_idx, s_idx = np.nonzero((sched.disclosed >= sessions[0]) & (sched.disclosed <= sessions[-1]))
    t_idx = np.searchsorted(sessions, sched.disclosed[q_idx, s_idx]) + 1  # reaction next session
    inside = t_idx < n
    earnings[t_idx[inside], s_idx[inside]] = np.clip(
        0.9 * sched.surprise[q_idx[inside], s_idx[inside]], -0.25, 0.25
    )
    idio = _ar1(shocks + earnings, 0.995)
    r = univ.beta * m[:, None] + sec_r[:, univ.sector] + np.diff(idio, axis=0, prepend=0.0)
    r = np.clip(r, -0.28, 0.28)  # roughly the TSE daily price limit
    close = univ.price0 * np.exp(np.cumsum(r, axis=0))

    ratio = np.ones((n, s))
    adj = np.ones((n, s))
    for i, offset, split_ratio in univ.splits:
        if offset < n:
            ratio[offset:, i] = split_ratio
            adj[offset, i] = 1.0 / split_ratio
    sigma = np.sqrt((univ.beta * 0.0095) ** 2 + (0.006 * sec_vol[univ.sector]) ** 2 + univ.idio_vol**2)
    noise = _rng(seed, _OHLC).standard_normal((n, s, 3))
    prev = np.vstack([univ.price0[None, :], close[:-1]])
    gap = 0.35 * r + 0.3 * sigma * noise[..., 0] + 0.6 * earnings
    open_ = prev * np.exp(gap)
    width = 0.45 * sigma * vol_mult[:, None] + 0.15 * np.abs(r)
    high = np.maximum(open_, close) * np.exp(width * np.abs(noise[..., 1]))
    low = np.minimum(open_, close) * np.exp(-width * np.abs(noise[..., 2]))
    raw = {k: round_to_tick(v / ratio) for k, v in (("open", open_), ("close", close))}
    raw["high"] = np.maximum(round_to_tick(high / ratio), np.maximum(raw["open"], raw["close"]))
    raw["low"] = np.minimum(round_to_tick(low / ratio), np.minimum(raw["open"], raw["close"]))
    # Volume: a per-stock level, lognormal noise and spikes on big moves (in either direction).
    spike = 1.0 + 1.8 * np.minimum((np.abs(r) / sigma) ** 1.5, 25.0)
    level = univ.turnover * univ.shares0 * np.exp(0.4 * _rng(seed, _VOLUME).standard_normal((n, s)) - 0.08)
    raw["volume"] = np.maximum(np.round(level * spike * ratio / 100.0), 1.0) * 100.0
    vwap = (raw["open"] + raw["high"] + raw["low"] + 2.0 * raw["close"]) / 5.0
    raw["turnover"] = np.round(vwap * raw["volume"])
    raw["adj_factor"] = adj
    raw["econ_close"] = close
    return raw


def _fundamentals(
    seed: int, univ: _Universe, sessions: Ints, sched: _Schedule, close: Floats, start: date
) -> dict[str, Floats]:
    """Cumulative-to-date results per quarter (Japanese 決算短信 style), arrays (quarter, stock)."""
    n_q, s = sched.surprise.shape
    csum = np.cumsum(close, axis=0)
    window = 60
    smooth = (csum - np.vstack([np.zeros((window, s)), csum[:-window]])[: len(close)]) / np.minimum(
        np.arange(1, len(close) + 1), window
    )[:, None]
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
        k = int(np.searchsorted(sessions, sched.period_end[j], side="right")) - 1
        years_before = (start.toordinal() - sched.period_end[j]) / 365.25
        ref = smooth[k] if k >= 0 else univ.price0 * np.exp(-univ.growth * years_before)
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


class DemoProvider(MarketDataProvider):
    """Fictional TSE companies with deterministic prices and disclosures; needs no network.

    ``DemoProvider(symbols, start, end, seed)``: the same arguments give identical frames in any
    process, and bars/fundamentals up to a date do not depend on ``end``. ``end=None`` means today
    (JST). The panel is generated once per instance, on first use, then sliced per request;
    requests outside [start, end] get only what lies inside.
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
        self.end = end if end is not None else datetime.now(JST).date()
        if self.end < start:
            raise ValueError(f"end ({self.end}) is before start ({start})")
        self.symbols, self.start, self.seed = symbols, start, seed
        self._universe: _Universe | None = None
        self._panel: _Panel | None = None

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
        panel = self._generate()
        sessions = panel.sessions
        first = int(np.searchsorted(sessions, start.toordinal(), side="left"))
        last = int(np.searchsorted(sessions, end.toordinal(), side="right"))
        rows = (self._positions(codes)[:, None] * len(sessions) + np.arange(first, max(first, last))).ravel()
        return conform(panel.bars.iloc[rows], BAR_COLUMNS)

    def fetch_fundamentals(self, start: date, end: date, codes: Sequence[str] | None = None) -> pd.DataFrame:
        panel = self._generate()
        mask = (panel.disclosed >= start.toordinal()) & (panel.disclosed <= end.toordinal())
        if codes is not None:
            mask &= panel.fundamentals["code"].isin(self._codes(codes)).to_numpy()
        return conform(panel.fundamentals[mask], FUNDAMENTAL_COLUMNS)

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

    def _generate(self) -> _Panel:
        if self._panel is None:
            self._panel = _build_panel(self._univ(), self.start, self.end, self.seed)
        return self._panel


def _build_panel(univ: _Universe, start: date, end: date, seed: int) -> _Panel:
    first_year = start.year - 2  # one warm-up fiscal year before the first emitted disclosure
    horizon = max(end, start + timedelta(days=800)) + timedelta(days=120)
    calendar = np.array([d.toordinal() for d in sessions_between(date(first_year, 3, 31), horizon)])
    sessions = calendar[(calendar >= start.toordinal()) & (calendar <= end.toordinal())]
    codes = univ.stocks["code"].to_numpy()
    if len(sessions) == 0:
        empty_bars = conform(pd.DataFrame(columns=BAR_COLUMNS), BAR_COLUMNS)
        empty_fund = conform(pd.DataFrame(columns=FUNDAMENTAL_COLUMNS), FUNDAMENTAL_COLUMNS)
        return _Panel(empty_bars, empty_fund, np.zeros(0, dtype=np.int64), sessions)
    sched = _schedule(seed, univ, calendar, first_year, end)
    raw = _prices(seed, univ, sessions, sched)
    fund = _fundamentals(seed, univ, sessions, sched, raw["econ_close"], start)

    n = len(sessions)
    days = np.array([date.fromordinal(int(o)) for o in sessions], dtype=object)
    bars = pd.DataFrame({"code": np.repeat(codes, n), "date": np.tile(days, len(codes))})
    for column in _BAR_VALUES:
        bars[column] = raw[column].T.ravel()  # stock-major: each code's days in order

    emitted = (sched.disclosed >= (start - timedelta(days=365)).toordinal()) & (
        sched.disclosed <= end.toordinal()
    )
    keep = emitted.T.ravel()
    disclosed = sched.disclosed.T.ravel()[keep]
    n_q = len(sched.period_end)
    frame = pd.DataFrame(
        {
            "code": np.repeat(codes, n_q)[keep],
            "disclosed_date": [date.fromordinal(int(o)) for o in disclosed],
            "period_type": _PERIOD_TYPES[sched.fiscal_q.T.ravel()[keep] - 1],
            "period_end": [date.fromordinal(int(o)) for o in np.tile(sched.period_end, len(codes))[keep]],
        }
    )
    for column in _FUND_VALUES:
        frame[column] = fund[column].T.ravel()[keep]
    return _Panel(conform(bars, BAR_COLUMNS), conform(frame, FUNDAMENTAL_COLUMNS), disclosed, sessions)
