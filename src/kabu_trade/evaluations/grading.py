"""答え合わせ: grade stored evaluations against what prices did afterwards. Pure functions over
frames and arrays, no database (``grading_reads`` loads the data and caches the answers).

Each evaluation is graded at +5, +20 and +60 sessions and at its policy's horizon (the holding
limit the backtests use, ``engine.decisions.HORIZON_SESSIONS``):

- **forward return**: split-adjusted close of the window's last session over the close of
  ``as_of``, minus 1;
- **benchmark return**: the equal-weight universe's mean forward return over the same two
  sessions (every stock with a close on both days, split-adjusted), computed for all stocks at
  once as columns of one matrix; **excess** = forward − benchmark;
- **entry reached**: some low within the window at or below the upper bound of the entry zone;
- **first hit**: whether the target (high ≥ target) or the stop (low ≤ stop) came first within
  the window, the same rule as ``outcome.outcome_since``; both on the same bar counts as the stop
  (the conservative reading: a daily bar does not say which came first).

A window that the data has not reached yet is ``pending``: no partial figure is ever given.
Everything is vectorised over the evaluations (one gather of windows for all of them), so
thousands of evaluations grade in well under a second once the bars are read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from kabu_trade.engine.decisions import HORIZON_SESSIONS

Floats = npt.NDArray[np.float64]
# The fixed checkpoints, in sessions after as_of; "policy" is the policy's own horizon.
CHECKPOINTS: dict[str, int] = {"5": 5, "20": 20, "60": 60}
HORIZON_LABELS: tuple[str, ...] = (*CHECKPOINTS, "policy")
BENCHMARK_NAME = "equal_weight_universe_mean_forward_return"
# Universe closes on the needed dates → code, date, close (raw, as traded).
ClosesOn = Callable[[Sequence[date]], pd.DataFrame]
# How many (start, end) pairs of sessions go through the universe matrix at once (memory bound).
_PAIR_CHUNK = 256

GRADE_COLUMNS = [
    "id",
    "horizon",
    "sessions",
    "status",
    "end_date",
    "forward_return_pct",
    "benchmark_return_pct",
    "excess_return_pct",
    "entry_reached",
    "first_hit",
]


def policy_sessions(policy: dict[str, Any] | None) -> int | None:
    """The sessions of a policy snapshot's horizon (short/medium/long), None without a policy."""
    if not policy:
        return None
    return HORIZON_SESSIONS.get(str(policy.get("horizon")))


def _axis(days: Sequence[date] | pd.Series | npt.NDArray[Any]) -> npt.NDArray[np.datetime64]:
    return np.array([np.datetime64(d, "D") for d in days], dtype="datetime64[D]")


def _matrix(
    frame: pd.DataFrame, column: str, axis: pd.DatetimeIndex, codes: list[str], fill: float | None = None
) -> Floats:
    """``frame[column]`` as a (session × code) matrix; missing cells NaN, or ``fill``."""
    if frame.empty:
        return np.full((len(axis), len(codes)), np.nan if fill is None else fill)
    wide = frame.pivot_table(index="date", columns="code", values=column, aggfunc="last", dropna=False)
    wide.index = pd.to_datetime(wide.index)
    wide = wide.reindex(index=axis, columns=codes).astype(float)
    return (wide if fill is None else wide.fillna(fill)).to_numpy(dtype=float)


def _split_basis(factors: Floats) -> Floats:
    """Cumulative split factor up to and including each row: raw ÷ basis is on one share basis
    per column (the basis of the first row), so ratios of two days are split-adjusted."""
    cleaned: Floats = np.where(np.isfinite(factors) & (factors > 0), factors, 1.0)
    return np.asarray(np.cumprod(cleaned, axis=0), dtype=float)


def grade_frame(
    evaluations: pd.DataFrame,
    sessions: Sequence[date],
    last_data: date,
    bars: pd.DataFrame,
    universe_closes_on: ClosesOn,
    universe_splits: pd.DataFrame,
) -> pd.DataFrame:
    """Grades of ``evaluations`` (columns id, code, as_of, entry_high, target, stop,
    policy_sessions — levels on the raw prices of as_of, NaN where absent), one row per
    evaluation and horizon (``GRADE_COLUMNS``).

    ``sessions``: the trading days from the earliest as_of on (they may run past ``last_data``,
    the last day with data: windows ending after it are pending). ``bars``: code, date, high,
    low, close, adj_factor of the evaluated stocks. ``universe_splits``: code, date, factor of the
    universe's splits after the earliest as_of.
    """
    if evaluations.empty:
        return pd.DataFrame(columns=GRADE_COLUMNS)
    axis = _axis(sessions)
    index = pd.DatetimeIndex(axis)
    n_data = int(np.searchsorted(axis, np.datetime64(last_data, "D"), side="right"))  # rows with data
    codes = sorted(set(evaluations["code"]))
    col = np.searchsorted(codes, evaluations["code"].to_numpy())
    p = np.searchsorted(axis, _axis(evaluations["as_of"]), side="right") - 1  # last session ≤ as_of

    basis = _split_basis(_matrix(bars, "adj_factor", index, codes, 1.0))
    high = _matrix(bars, "high", index, codes) / basis
    low = _matrix(bars, "low", index, codes) / basis
    close = pd.DataFrame(_matrix(bars, "close", index, codes) / basis).ffill().to_numpy()
    known = p >= 0
    safe_p = np.where(known, p, 0)
    base = np.where(known, close[safe_p, col], np.nan)
    at_p = np.where(known, basis[safe_p, col], np.nan)
    entry_high = evaluations["entry_high"].to_numpy(dtype=float) / at_p
    target = evaluations["target"].to_numpy(dtype=float) / at_p
    stop = evaluations["stop"].to_numpy(dtype=float) / at_p

    horizons = _horizons(evaluations)
    longest = int(max(np.nanmax(h) if np.isfinite(h).any() else 0 for h in horizons.values()))
    offsets = np.arange(longest)
    rows = p[:, None] + 1 + offsets[None, :]
    inside = known[:, None] & (rows < n_data)
    rows = np.clip(rows, 0, max(len(axis) - 1, 0))
    window_high = np.where(inside, high[rows, col[:, None]], np.nan) if longest else np.empty((len(p), 0))
    window_low = np.where(inside, low[rows, col[:, None]], np.nan) if longest else np.empty((len(p), 0))

    parts = []
    for label, h in horizons.items():
        has = np.isfinite(h)
        hh = np.where(has, h, 0).astype(int)
        end = p + hh
        pending = has & known & (end > n_data - 1)
        graded = has & known & ~pending & np.isfinite(base)
        safe_end = np.clip(end, 0, max(len(axis) - 1, 0))
        forward = np.where(graded, close[safe_end, col] / base - 1, np.nan)
        in_window = offsets[None, :] < hh[:, None]
        bench = _benchmark(axis, safe_p, safe_end, graded, universe_closes_on, universe_splits)
        first = _first_hit(window_high, window_low, target, stop, in_window)
        reached_low = np.where(in_window, window_low, np.nan)
        lowest = _nanmin_rows(reached_low)
        entry = (lowest <= entry_high).astype(object)
        entry[~np.isfinite(entry_high) | ~graded] = None
        first = first.copy()
        first[~graded] = None
        status = np.where(
            ~has,
            "none",
            np.where(~known | (~pending & ~graded), "no_data", np.where(pending, "pending", "graded")),
        )
        frame = pd.DataFrame(
            {
                "id": evaluations["id"].to_numpy(),
                "horizon": label,
                "sessions": np.where(has, hh, 0),
                "status": status,
                "end_date": [
                    pd.Timestamp(axis[e]).date() if k and e < len(axis) else None
                    for e, k in zip(end, has & known, strict=True)
                ],
                "forward_return_pct": forward * 100,
                "benchmark_return_pct": bench * 100,
                "excess_return_pct": (forward - bench) * 100,
                "entry_reached": entry,
                "first_hit": first,
            }
        )
        parts.append(frame[frame["status"] != "none"])
    return pd.concat(parts, ignore_index=True)[GRADE_COLUMNS]


def _horizons(evaluations: pd.DataFrame) -> dict[str, Floats]:
    n = len(evaluations)
    out: dict[str, Floats] = {label: np.full(n, float(h)) for label, h in CHECKPOINTS.items()}
    out["policy"] = evaluations["policy_sessions"].to_numpy(dtype=float)
    return out


def _nanmin_rows(values: Floats) -> Floats:
    if values.shape[1] == 0:
        return np.full(values.shape[0], np.nan)
    filled = np.where(np.isnan(values), np.inf, values)
    lowest = filled.min(axis=1)
    return np.where(np.isinf(lowest), np.nan, lowest)


def _first_index(mask: npt.NDArray[np.bool_]) -> Floats:
    """The column of each row's first True, +inf where none."""
    if mask.shape[1] == 0:
        return np.full(mask.shape[0], np.inf)
    return np.where(mask.any(axis=1), mask.argmax(axis=1).astype(float), np.inf)


def _first_hit(
    high: Floats, low: Floats, target: Floats, stop: Floats, in_window: npt.NDArray[np.bool_]
) -> npt.NDArray[Any]:
    """ "target", "stop_loss", "neither" (none hit within the window) or None (no levels)."""
    with np.errstate(invalid="ignore"):
        hit_target = in_window & (high >= target[:, None])
        hit_stop = in_window & (low <= stop[:, None])
    first_target, first_stop = _first_index(hit_target), _first_index(hit_stop)
    result = np.where(
        np.isinf(first_target) & np.isinf(first_stop),
        "neither",
        np.where(first_stop <= first_target, "stop_loss", "target"),  # same bar: the stop
    ).astype(object)
    result[~np.isfinite(target) & ~np.isfinite(stop)] = None
    return result


def _benchmark(
    axis: npt.NDArray[np.datetime64],
    start: npt.NDArray[np.int64],
    end: npt.NDArray[np.int64],
    graded: npt.NDArray[np.bool_],
    closes_on: ClosesOn,
    splits: pd.DataFrame,
) -> Floats:
    """The equal-weight universe's mean forward return from ``start`` to ``end`` (row indices
    into ``axis``) for each graded row, NaN elsewhere: one matrix of the universe's closes on
    the sessions needed, split-adjusted column by column, each pair a row-wise mean."""
    out = np.full(len(start), np.nan)
    if not graded.any():
        return out
    pairs, inverse = np.unique(np.stack([start[graded], end[graded]], axis=1), axis=0, return_inverse=True)
    needed = np.unique(pairs)
    days = [pd.Timestamp(axis[i]).date() for i in needed]
    closes = closes_on(days)
    if closes.empty:
        return out
    codes = sorted(set(closes["code"]))
    index = pd.DatetimeIndex(axis[needed])
    raw = _matrix(closes, "close", index, codes)
    adjusted = raw / _sparse_basis(axis[needed], codes, splits)
    row_of = {int(i): k for k, i in enumerate(needed)}
    values = np.full(len(pairs), np.nan)
    for chunk in range(0, len(pairs), _PAIR_CHUNK):
        block = pairs[chunk : chunk + _PAIR_CHUNK]
        first = adjusted[[row_of[int(i)] for i in block[:, 0]]]
        last = adjusted[[row_of[int(i)] for i in block[:, 1]]]
        with np.errstate(invalid="ignore", divide="ignore"):
            returns = last / first - 1
        returns[~np.isfinite(returns)] = np.nan
        counts = np.isfinite(returns).sum(axis=1)
        sums = np.nansum(returns, axis=1)
        values[chunk : chunk + len(block)] = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    out[graded] = values[inverse.ravel()]
    return out


def _sparse_basis(days: npt.NDArray[np.datetime64], codes: list[str], splits: pd.DataFrame) -> Floats:
    """The cumulative split factor of each code on each of ``days`` (sorted), from the events."""
    basis = np.ones((len(days), len(codes)))
    if splits.empty:
        return basis
    position = {code: k for k, code in enumerate(codes)}
    for code, day, factor in splits[["code", "date", "factor"]].itertuples(index=False):
        k = position.get(code)
        if k is None or not factor or factor <= 0:
            continue
        basis[days >= np.datetime64(day, "D"), k] *= float(factor)
    return basis
