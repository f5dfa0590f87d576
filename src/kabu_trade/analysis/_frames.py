"""Checks and conversions shared by the analysis modules: frames in, numpy arrays out, with errors
that name the bad argument."""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import NDArray

Floats = NDArray[np.float64]

PRICE_COLUMNS = ("open", "high", "low", "close")
REQUIRED_BAR_COLUMNS = ("date", *PRICE_COLUMNS, "volume")


class _Bars(NamedTuple):
    """One stock's usable bars as float arrays (rows without a positive OHLC removed; the open only
    decides that, no indicator reads it)."""

    keep: NDArray[np.bool_]  # which input rows were used
    dates: NDArray[np.datetime64]
    high: Floats
    low: Floats
    close: Floats
    volume: Floats
    turnover: Floats


def _require_frame(frame: object, columns: tuple[str, ...] | list[str], name: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing columns {missing}")
    return frame


def _floats(values: pd.Series, name: str) -> Floats:
    try:
        return np.asarray(values.to_numpy(dtype=float, na_value=np.nan), dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric: {exc}") from None


def _days(values: pd.Series, name: str) -> NDArray[np.datetime64]:
    try:
        with warnings.catch_warnings():  # pandas warns before it fails on text that is no date
            warnings.simplefilter("ignore", UserWarning)
            days = pd.to_datetime(values).to_numpy().astype("datetime64[D]")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must hold dates: {exc}") from None
    if np.isnat(days).any():
        raise ValueError(f"{name} has missing dates")
    return days


def _bar_arrays(bars: object, name: str = "bars") -> _Bars:
    """Check one stock's split-adjusted bars and return the rows usable for indicators.

    A row without a positive open/high/low/close (a day without trades, or a bad value) is skipped
    rather than filled: a NaN inside a TA-Lib series would poison every later value of recursive
    indicators. A missing volume counts as 0; a missing turnover as close × volume.
    """
    frame = _require_frame(bars, REQUIRED_BAR_COLUMNS, name)
    dates = _days(frame["date"], f"{name}.date")
    if len(dates) > 1 and not bool((dates[1:] > dates[:-1]).all()):
        raise ValueError(f"{name}.date must be strictly ascending (one bar per day)")
    prices = [_floats(frame[c], f"{name}.{c}") for c in PRICE_COLUMNS]
    with np.errstate(invalid="ignore"):
        keep = np.logical_and.reduce([np.isfinite(p) & (p > 0) for p in prices])
    volume = np.nan_to_num(_floats(frame["volume"], f"{name}.volume")[keep], nan=0.0)
    close = prices[3][keep]
    fallback = close * volume
    if "turnover" in frame.columns:
        turnover = _floats(frame["turnover"], f"{name}.turnover")[keep]
        turnover = np.where(np.isfinite(turnover), turnover, fallback)
    else:
        turnover = fallback
    return _Bars(keep, dates[keep], prices[1][keep], prices[2][keep], close, volume, turnover)
