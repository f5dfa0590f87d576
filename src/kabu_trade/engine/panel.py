"""The panel: every metric of every stock at every session, as (sessions × symbols) arrays.

A backtest decides at each session's close with what was known then; the panel holds, at row D,
exactly the metrics a stock had at D's close:

- **Technical** metrics are full TA-Lib series over each stock's split-adjusted bars (one call per
  stock, never per bar): a series' value at D reads bars up to D only, so it is what it would have
  been on D.
- **Fundamental** metrics are point in time: a disclosure counts from the session *after* its
  disclosed date (D+1): Japanese companies publish 決算短信 after the 15:00 close, so a decision at
  that day's close could not have read it. Between two disclosures only the close and the day
  counts move.
- **One share basis per session.** Indicators run on split-adjusted bars (a split would otherwise
  look like a crash), adjusted to the basis of the *first* session: that basis depends on past
  splits only, so truncating the data after D leaves every input of D's indicators bit for bit the
  same (adjusting to the last session's basis would not: a later split rescales the past, and
  tie-sensitive indicators such as ADX's directional movement can break a tie differently after a
  division). Fundamentals are computed on the last session's basis (``fundamental_panel``) and
  their per-share figures brought back likewise. Every per-share price (close, moving averages,
  ATR, EPS…) and share count is then on the basis of its own session, so a rule like
  ``close > 1000`` reads the price traded that day (ratios and percentages are the same on any
  basis).

What computes a metric is not the engine's to know: a :class:`MetricSource` gives the series (the
analysis domain's ``analysis.panel_metrics.AnalysisMetrics``, the code the stock page and the
screener use, so the panel's last row is what they show). Support/resistance levels are not series
yet: they are absent (missing) from the panel.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from kabu_trade.engine.backtest.errors import EngineInputError

Floats = npt.NDArray[np.float64]
Dates = npt.NDArray[np.datetime64]


class MetricSource(Protocol):
    """Computes metrics for the panel; names are the metric catalog's."""

    @property
    def price_metrics(self) -> frozenset[str]:
        """Metrics in yen per share: rescaled to their session's share basis."""
        ...

    @property
    def share_metrics(self) -> frozenset[str]:
        """Metrics in shares (volume): rescaled to their session's share basis."""
        ...

    def technical(
        self, high: Floats, low: Floats, close: Floats, volume: Floats, turnover: Floats
    ) -> Mapping[str, Floats]:
        """Full series of one stock's usable split-adjusted bars (1-D, no gaps), one per metric."""
        ...

    def fundamental(
        self, symbols: tuple[str, ...], sessions: Dates, closes: Floats, known_by: Dates, splits: pd.DataFrame
    ) -> Mapping[str, Floats]:
        """(sessions × symbols) fundamental metrics; ``closes`` and per-share figures on the last
        session's share basis (``splits``: code, date, factor of every split up to it);
        disclosures dated after ``known_by[i]`` do not count at session i."""
        ...


@dataclass(frozen=True)
class Bars:
    """Raw (as traded) daily bars, (sessions × symbols), NaN where a symbol has no bar.
    ``adj_factor``: J-Quants' AdjustmentFactor on each ex-date (0.5 for 1:2), 1 elsewhere."""

    dates: Dates
    symbols: tuple[str, ...]
    open: Floats
    high: Floats
    low: Floats
    close: Floats
    volume: Floats
    turnover: Floats | None = None
    adj_factor: Floats | None = None

    def __post_init__(self) -> None:
        shape = (len(self.dates), len(self.symbols))
        if shape[0] < 1 or shape[1] < 1:
            raise EngineInputError("bars", "needs at least one session and one symbol")
        if len(self.dates) > 1 and not bool(np.all(self.dates[1:] > self.dates[:-1])):
            raise EngineInputError("bars.dates", "must be strictly ascending")
        for name in ("open", "high", "low", "close", "volume", "turnover", "adj_factor"):
            value = getattr(self, name)
            if value is not None and value.shape != shape:
                raise EngineInputError(f"bars.{name}", f"must have shape {shape}, not {value.shape}")
        if self.adj_factor is not None and not np.all(self.adj_factor > 0):
            raise EngineInputError("bars.adj_factor", "must be positive (1 when nothing happened)")

    def truncated(self, sessions: int) -> Bars:
        """The first ``sessions`` sessions only: the data as it stood at that close."""
        cut = slice(0, sessions)

        def head(values: Floats | None) -> Floats | None:
            return None if values is None else values[cut]

        return Bars(
            self.dates[cut],
            self.symbols,
            self.open[cut],
            self.high[cut],
            self.low[cut],
            self.close[cut],
            self.volume[cut],
            head(self.turnover),
            head(self.adj_factor),
        )


def prior_factors(adj_factor: Floats | None, shape: tuple[int, int]) -> Floats:
    """``prior[D, s]``: the product of the split factors dated up to D (first-session basis =
    raw ÷ prior for prices, raw × prior for share counts)."""
    if adj_factor is None:
        return np.ones(shape)
    return np.asarray(np.cumprod(adj_factor, axis=0), dtype=np.float64)


def later_factors(adj_factor: Floats | None, shape: tuple[int, int]) -> Floats:
    """``later[D, s]``: the product of the split factors dated after D (adjusted = raw × later)."""
    if adj_factor is None:
        return np.ones(shape)
    after = np.ones(shape)
    after[:-1] = adj_factor[1:]
    # Products from the end: later[D] = f[D+1] × f[D+2] × …
    return np.asarray(np.cumprod(after[::-1], axis=0)[::-1], dtype=np.float64).copy()


@dataclass(frozen=True)
class Panel:
    """Metrics by name, each (sessions × symbols) on its session's share basis; NaN = missing."""

    dates: Dates
    symbols: tuple[str, ...]
    columns: dict[str, Floats] = field(repr=False)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.dates), len(self.symbols)

    def __getitem__(self, name: str) -> Floats:
        found = self.columns.get(name)
        return found if found is not None else np.full(self.shape, np.nan)

    def rows(self, start: int = 0, stop: int | None = None) -> pd.DataFrame:
        """Sessions [start, stop) as a long frame, one row per (session, symbol) in row-major order
        (``values.reshape(-1)`` of each column): what ``score_frame`` and the rule frames read."""
        stop = self.shape[0] if stop is None else stop
        return pd.DataFrame({name: values[start:stop].reshape(-1) for name, values in self.columns.items()})

    def chunks(self, cells: int = 1 << 17) -> Iterator[tuple[int, int, pd.DataFrame]]:
        """``rows`` in blocks of sessions of about ``cells`` rows each, so a frame stays small."""
        step = max(1, cells // max(1, self.shape[1]))
        for start in range(0, self.shape[0], step):
            stop = min(self.shape[0], start + step)
            yield start, stop, self.rows(start, stop)


def usable(bars: Bars) -> npt.NDArray[np.bool_]:
    """Bars with a positive open/high/low/close: the rows indicators read (as ``analysis`` skips
    the others: a NaN inside a recursive indicator would poison every later value)."""
    with np.errstate(invalid="ignore"):
        ok = np.ones(bars.close.shape, dtype=bool)
        for prices in (bars.open, bars.high, bars.low, bars.close):
            ok &= np.isfinite(prices) & (prices > 0)
    return ok


def split_events(bars: Bars) -> pd.DataFrame:
    """The splits of the bars as events: code, date (ex-date), factor."""
    if bars.adj_factor is None:
        return pd.DataFrame({"code": [], "date": [], "factor": []})
    rows, cols = np.nonzero(bars.adj_factor != 1.0)
    return pd.DataFrame(
        {
            "code": [bars.symbols[c] for c in cols.tolist()],
            "date": bars.dates[rows].astype("datetime64[D]"),
            "factor": bars.adj_factor[rows, cols],
        }
    )


def build_panel(bars: Bars, source: MetricSource) -> Panel:
    """The metrics of every stock at every session (module docstring)."""
    shape = bars.close.shape
    prior = prior_factors(bars.adj_factor, shape)
    later = later_factors(bars.adj_factor, shape)
    keep = usable(bars)
    high, low, close = bars.high / prior, bars.low / prior, bars.close / prior
    volume = np.nan_to_num(bars.volume, nan=0.0) * prior
    raw_turnover = bars.turnover if bars.turnover is not None else np.full(shape, np.nan)
    turnover = np.where(
        np.isfinite(raw_turnover), raw_turnover, bars.close * np.nan_to_num(bars.volume, nan=0.0)
    )

    columns: dict[str, Floats] = {}
    for s in range(shape[1]):
        rows = np.flatnonzero(keep[:, s])
        if len(rows) == 0:
            continue
        series = source.technical(
            high[rows, s], low[rows, s], close[rows, s], volume[rows, s], turnover[rows, s]
        )
        for name, values in series.items():
            column = columns.get(name)
            if column is None:
                column = columns[name] = np.full(shape, np.nan)
            column[rows, s] = values

    for name in source.price_metrics & columns.keys():
        columns[name] = columns[name] * prior
    for name in source.share_metrics & columns.keys():
        columns[name] = columns[name] / prior

    last_basis_close = np.where(keep, bars.close * later, np.nan)
    # D+1 (module docstring): at session D only disclosures dated before D count.
    known_by: Dates = np.asarray(
        bars.dates.astype("datetime64[D]") - np.timedelta64(1, "D"), dtype="datetime64[D]"
    )
    fundamentals = source.fundamental(
        bars.symbols, bars.dates, last_basis_close, known_by, split_events(bars)
    )
    for name, values in fundamentals.items():
        values = np.asarray(values, dtype=np.float64)
        columns[name] = values / later if name in source.price_metrics else values
    return Panel(bars.dates, bars.symbols, columns)


def bars_from_long(frame: pd.DataFrame, sessions: Dates | None = None) -> Bars:
    """:class:`Bars` from long rows (code, date, open, high, low, close, volume[, turnover,
    adj_factor]) — the market domain's bar table. ``sessions``: the calendar to lay them on
    (default: the dates any symbol traded); a symbol without a bar on a session has NaN there."""
    missing = [
        c for c in ("code", "date", "open", "high", "low", "close", "volume") if c not in frame.columns
    ]
    if missing:
        raise EngineInputError("bars", f"missing columns {missing}")
    if frame.empty:
        raise EngineInputError("bars", "needs at least one session and one symbol")
    long = frame.assign(date=pd.to_datetime(frame["date"]), code=frame["code"].astype(str))
    names = [
        c for c in ("open", "high", "low", "close", "volume", "turnover", "adj_factor") if c in long.columns
    ]
    wide = long.pivot_table(index="date", columns="code", values=names, aggfunc="last", dropna=False)
    if sessions is not None:
        wide = wide.reindex(pd.DatetimeIndex(np.asarray(sessions, dtype="datetime64[ns]")))
    dates = wide.index.to_numpy().astype("datetime64[D]")
    symbols = tuple(str(c) for c in sorted(long["code"].unique()))

    def grid(name: str) -> Floats | None:
        if name not in names:
            return None
        block = pd.DataFrame(wide[name]).reindex(columns=list(symbols))
        return np.asarray(block.to_numpy(dtype=float), dtype=np.float64)

    def need(name: str) -> Floats:
        found = grid(name)
        if found is None:  # a required column, checked above: only a change of that check gets here
            raise EngineInputError(f"bars.{name}", "is missing")
        return found

    factor = grid("adj_factor")
    if factor is not None:
        factor = np.where(np.isfinite(factor) & (factor > 0), factor, 1.0)
    return Bars(
        dates,
        symbols,
        need("open"),
        need("high"),
        need("low"),
        need("close"),
        need("volume"),
        grid("turnover"),
        factor,
    )
