"""Technical indicators of split-adjusted daily bars, computed with TA-Lib.

``indicator_series`` gives full series for charts; ``technical_metrics`` the latest value of every
technical metric of ``analysis.catalog``. Both run one code path, ``_technical_panel``, which also
serves the whole universe at once (``analysis.universe``): bars are laid out as a right-aligned
(stocks × sessions) panel, TA-Lib runs once per stock on its own bars (a loop per stock, never per
bar), and everything that combines series (distances, %B, crosses, levels) is vectorised over the
panel. So a stock's metrics are the same whether it is computed alone or with 4,000 others.

Definitions (TA-Lib defaults unless said):

- SMA 5/25/75/200, EMA 12/26 (seeded with the SMA of the first 12/26 closes, as TA-Lib does).
- RSI 14 (Wilder), MACD 12/26/9, Bollinger 20 / 2σ (population σ), ATR 14 (Wilder),
  slow stochastics 14/3/3 (SMA smoothing), ADX/+DI/−DI 14.
- ``volume_ratio_20``: the day's volume / the 20-day average volume *including* the day.
- ``turnover_avg_20``: 20-day average of the turnover column, else close × volume.
- 52-week high/low: highest high / lowest low of the last 250 sessions (None with fewer).
- Returns: close / close n sessions earlier − 1, in %. ``volatility_20d_pct``: sample standard
  deviation of the last 20 daily log returns × √250, in %.
- Distances in %: ``dist_sma_*`` and ``from_52w_*`` are close / level − 1; ``atr_pct`` and
  ``bb_width_pct`` are relative to the close and the middle band. ``dist_support_pct`` is how far
  the close is above the nearest support, ``dist_resistance_pct`` how far below the nearest
  resistance, both as % of the close (positive).
- Crosses: see ``CROSS_PAIRS`` in the catalog; a cross above is the first bar where fast > slow
  after a bar where fast ≤ slow (below: fast < slow after fast ≥ slow).

Recursive indicators (EMA, RSI, ATR, ADX, MACD) depend on where the bars start; with the 300
sessions the metrics job loads, their latest values have converged far below a yen.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import talib
from numpy.typing import NDArray

from kabu_trade.analysis._frames import _bar_arrays
from kabu_trade.analysis.catalog import CROSS_LOOKBACK_DAYS, CROSS_PAIRS, TECHNICAL_METRICS, cross_metric
from kabu_trade.analysis.levels import LEVEL_LOOKBACK, SWING_WINDOW, _panel_levels

Floats = NDArray[np.float64]

__all__ = ["SERIES_COLUMNS", "cross_days", "indicator_series", "technical_metrics", "technical_series"]

TRADING_DAYS_PER_YEAR = 250
_WEEKS_52 = 250
# Simple moving averages for the Bollinger middle band and the stochastics smoothing (TA-Lib's
# stubs declare MA_Type in talib._ta_lib only; at run time it is exported and its members are ints).
_SMA = talib.MA_Type.SMA  # type: ignore[attr-defined]
_MAX_LEVELS = 2
# Tail kept per series: the crosses look at the transitions of the last CROSS_LOOKBACK_DAYS + 1 bars.
_TAIL = CROSS_LOOKBACK_DAYS + 2
_PANEL_MIN_WIDTH = max(_TAIL, LEVEL_LOOKBACK + SWING_WINDOW)


class _Panel(NamedTuple):
    """Bars of many stocks, right-aligned: row r holds its ``counts[r]`` bars in the last columns,
    NaN before them (C-contiguous, so each row slice is what TA-Lib wants). No indicator reads the
    open, so it is not carried."""

    high: Floats
    low: Floats
    close: Floats
    volume: Floats
    turnover: Floats
    counts: NDArray[np.int64]


def _talib_series(h: Floats, lo: Floats, c: Floats, v: Floats, tv: Floats) -> dict[str, Floats]:
    """Every TA-Lib series for one stock's bars (1-D, no NaN inside)."""
    out: dict[str, Floats] = {f"sma_{n}": talib.SMA(c, n) for n in (5, 25, 75, 200)}
    out["ema_12"], out["ema_26"] = talib.EMA(c, 12), talib.EMA(c, 26)
    out["rsi_14"] = talib.RSI(c, 14)
    out["macd"], out["macd_signal"], out["macd_hist"] = talib.MACD(c, 12, 26, 9)
    out["bb_upper"], out["bb_middle"], out["bb_lower"] = talib.BBANDS(c, 20, 2.0, 2.0, _SMA)
    out["atr_14"] = talib.ATR(h, lo, c, 14)
    out["stoch_k"], out["stoch_d"] = talib.STOCH(h, lo, c, 14, 3, _SMA, 3, _SMA)
    out["adx_14"] = talib.ADX(h, lo, c, 14)
    out["plus_di_14"] = talib.PLUS_DI(h, lo, c, 14)
    out["minus_di_14"] = talib.MINUS_DI(h, lo, c, 14)
    out["_volume_avg_20"] = talib.SMA(v, 20)
    out["turnover_avg_20"] = talib.SMA(tv, 20)
    out["high_52w"], out["low_52w"] = talib.MAX(h, _WEEKS_52), talib.MIN(lo, _WEEKS_52)
    out["change_pct"] = talib.ROC(c, 1)
    for n in (20, 60, 120):
        out[f"return_{n}d_pct"] = talib.ROC(c, n)
    log_returns = np.full(len(c), np.nan)
    if len(c) > 1:
        log_returns[1:] = np.log(c[1:] / c[:-1])
        out["_log_return_sd_20"] = talib.STDDEV(log_returns, 20, 1.0)  # population σ
    else:
        out["_log_return_sd_20"] = log_returns
    return out


# The names _talib_series returns, from a dummy call so that the two never drift apart.
_TALIB_NAMES = list(_talib_series(*(np.ones(3) for _ in range(5))))


def _pct(numerator: Floats, denominator: Floats) -> Floats:
    """numerator / denominator × 100, NaN where the denominator is not positive."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / denominator * 100.0, np.nan)


def _derive(s: dict[str, Floats], close: Floats, volume: Floats) -> dict[str, Floats]:
    """Series that combine TA-Lib outputs; elementwise, so 1-D series and 2-D panels alike."""
    out = {k: v for k, v in s.items() if not k.startswith("_")}
    out["close"], out["volume"] = close, volume
    for n in (25, 75, 200):
        out[f"dist_sma_{n}_pct"] = _pct(close - s[f"sma_{n}"], s[f"sma_{n}"])
    band = s["bb_upper"] - s["bb_lower"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["bb_percent_b"] = np.where(band > 0, (close - s["bb_lower"]) / band, np.nan)
        out["volume_ratio_20"] = np.where(s["_volume_avg_20"] > 0, volume / s["_volume_avg_20"], np.nan)
    out["bb_width_pct"] = _pct(band, s["bb_middle"])
    out["atr_pct"] = _pct(s["atr_14"], close)
    out["from_52w_high_pct"] = _pct(close - s["high_52w"], s["high_52w"])
    out["from_52w_low_pct"] = _pct(close - s["low_52w"], s["low_52w"])
    # Sample σ from TA-Lib's population σ: × √(n / (n − 1)).
    out["volatility_20d_pct"] = (
        s["_log_return_sd_20"] * np.sqrt(20.0 / 19.0) * np.sqrt(TRADING_DAYS_PER_YEAR) * 100.0
    )
    return out


# Every technical metric that is a series (not crosses or levels, which summarise the last bars).
SERIES_COLUMNS: list[str] = [
    name
    for name in TECHNICAL_METRICS
    if not name.startswith(("cross_", "support_", "resistance_", "dist_support", "dist_resistance"))
]


def indicator_series(bars: pd.DataFrame) -> pd.DataFrame:
    """Full indicator series of split-adjusted daily ``bars`` (columns date, open, high, low, close,
    volume[, turnover]; strictly ascending dates).

    One row per usable input bar (same index and ``date``; bars without a positive OHLC are
    skipped), one column per name in ``SERIES_COLUMNS`` (catalog names), NaN before an indicator
    has enough history.
    """
    b = _bar_arrays(bars)
    derived = _derive(_talib_series(b.high, b.low, b.close, b.volume, b.turnover), b.close, b.volume)
    frame = pd.DataFrame({name: derived[name] for name in SERIES_COLUMNS}, index=bars.index[b.keep])
    frame.insert(0, "date", bars["date"].to_numpy()[b.keep])
    return frame


def technical_metrics(bars: pd.DataFrame) -> dict[str, float | None]:
    """The latest value of every technical metric of the catalog for split-adjusted daily ``bars``
    (see ``indicator_series``), None where history is too short or the value is undefined."""
    b = _bar_arrays(bars)
    n = len(b.close)
    width = max(n, _PANEL_MIN_WIDTH)

    def row(values: Floats) -> Floats:
        out = np.full((1, width), np.nan)
        out[0, width - n :] = values
        return out

    panel = _Panel(
        row(b.high),
        row(b.low),
        row(b.close),
        row(b.volume),
        row(b.turnover),
        np.array([n], dtype=np.int64),
    )
    values = _technical_panel(panel)
    return {name: _python_value(name, values[name][0]) for name in TECHNICAL_METRICS}


def _python_value(name: str, value: float) -> float | None:
    """NaN/inf → None; day counts as int (they are whole numbers)."""
    if not np.isfinite(value):
        return None
    return int(value) if name.startswith("cross_") else float(value)


def _technical_panel(panel: _Panel) -> dict[str, Floats]:
    """The latest value of every technical metric for each row of ``panel`` (NaN where missing)."""
    rows, width = panel.close.shape
    if width < _PANEL_MIN_WIDTH:
        raise ValueError(f"panel must be at least {_PANEL_MIN_WIDTH} columns wide, got {width}")
    tails = {name: np.full((rows, _TAIL), np.nan) for name in _TALIB_NAMES}
    arrays = (panel.high, panel.low, panel.close, panel.volume, panel.turnover)
    for r, n in enumerate(panel.counts.tolist()):
        if n == 0:
            continue
        start, keep = width - n, min(_TAIL, n)
        series = _talib_series(*(a[r, start:] for a in arrays))
        for name, values in series.items():
            tails[name][r, _TAIL - keep :] = values[n - keep :]
    close, volume = panel.close[:, -_TAIL:], panel.volume[:, -_TAIL:]
    derived = _derive(tails, close, volume)
    out = {name: values[:, -1] for name, values in derived.items()}
    out.update(_crosses(derived))

    # The 52-week range and the Bollinger bands stand in when no swing lies on a side.
    below = np.column_stack([out["low_52w"], out["bb_lower"]])
    above = np.column_stack([out["high_52w"], out["bb_upper"]])
    supports, resistances = _panel_levels(panel.high, panel.low, close[:, -1], below, above, _MAX_LEVELS)
    last = close[:, -1]
    for i in range(_MAX_LEVELS):
        out[f"support_{i + 1}"] = supports[:, i]
        out[f"resistance_{i + 1}"] = resistances[:, i]
    out["dist_support_pct"] = _pct(last - supports[:, 0], last)
    out["dist_resistance_pct"] = _pct(resistances[:, 0] - last, last)
    for name, values in out.items():
        out[name] = np.where(np.isfinite(values), values, np.nan)
    return out


def _crosses(series: dict[str, Floats]) -> dict[str, Floats]:
    """Days since the last cross of each CROSS_PAIRS pair within CROSS_LOOKBACK_DAYS, per row (the
    last column of ``cross_days``)."""
    return {name: days[:, -1] for name, days in cross_days(series).items()}


def cross_days(series: dict[str, Floats]) -> dict[str, Floats]:
    """Every cross metric as a series: at each column, the sessions since the fast line last crossed
    the slow one (0 = on that bar), NaN when it did not within CROSS_LOOKBACK_DAYS. ``series`` holds
    (rows × sessions) arrays or 1-D ones (one stock)."""
    out: dict[str, Floats] = {}
    for fast, slow in CROSS_PAIRS:
        diff = np.atleast_2d(_tie_snapped(series[fast], series[slow]))
        before, after = diff[:, :-1], diff[:, 1:]
        hits = (
            (cross_metric("above", fast, slow), (before <= 0) & (after > 0)),
            (cross_metric("below", fast, slow), (before >= 0) & (after < 0)),
        )
        landed = np.arange(1, diff.shape[1])  # transition j lands on column j + 1
        for name, hit in hits:
            latest = np.maximum.accumulate(np.where(hit, landed, -1), axis=1)
            days = (landed - latest).astype(float)
            values = np.full(diff.shape, np.nan)
            values[:, 1:] = np.where((latest >= 0) & (days <= CROSS_LOOKBACK_DAYS), days, np.nan)
            out[name] = values if np.ndim(series[fast]) > 1 else values[0]
    return out


def _tie_snapped(fast: Floats, slow: Floats) -> Floats:
    """``fast − slow`` with rounding noise (within 1e-9 of the lines' level) as an exact tie. TA-Lib's
    moving averages are running sums whose last bits depend on where the series starts, so two lines
    that are equal (the slow stochastic's %K and %D both at 100 for a week) differ by ±1e-14 one way
    from one start and the other way from another: a cross would appear or not depending on how much
    history was loaded (the backtest's warm-up check found it)."""
    diff = np.asarray(fast - slow, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        level = np.maximum(np.abs(fast), np.abs(slow))
        return np.where(np.abs(diff) <= 1e-9 * level, 0.0, diff)


def technical_series(
    high: Floats, low: Floats, close: Floats, volume: Floats, turnover: Floats
) -> dict[str, Floats]:
    """Every series metric of the catalog and every cross metric as full series, for one stock's
    usable split-adjusted bars (1-D arrays, no NaN inside: ``_bar_arrays`` skips the unusable rows).
    The backtest panel's technical half (``kabu_trade.engine.panel``); ``indicator_series`` and
    ``technical_metrics`` give the same values. Support/resistance levels are not series here."""
    derived = _derive(_talib_series(high, low, close, volume, turnover), close, volume)
    out = {name: derived[name] for name in SERIES_COLUMNS}
    out.update(cross_days(derived))
    return {name: np.where(np.isfinite(values), values, np.nan) for name, values in out.items()}
