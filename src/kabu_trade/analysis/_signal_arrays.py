"""The signals of ``analysis.signals`` over arrays: each signal judged for many stocks at once.

Every signal factory of ``signals.py`` (``_level``, ``_cross``, …) has a twin here with the same
name. The twin reads the factory's parameters (metric, thresholds, side…) from the closure of the
scalar ``evaluate`` it made, so each threshold is written once, in ``signals.py``; a factory without
a twin fails at import. A twin performs the same float operations in the same order as its scalar
original, and keeps Python's ``min``/``max`` (``max(a, b)`` is ``a`` unless ``b > a``), so a grade is
equal to the scalar one bit for bit — which ``tests/analysis/test_score_frame.py`` checks.

A twin returns ``(fires, grade)``: where ``fires`` is false the scalar ``evaluate`` returns None; the
grade is meaningful only where it fires.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from types import FunctionType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kabu_trade.analysis.signals import LOW_TURNOVER_YEN, VERY_LOW_TURNOVER_YEN, SignalDef

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]
Values = Mapping[str, Floats]  # metric name → one value per stock, NaN where missing
Judged = tuple[Bools, Floats]

__all__ = ["Judged", "Values", "judge"]


def judge(definition: SignalDef, values: Values, rows: int) -> Judged:
    """``definition.evaluate`` for every stock: whether it fires and its grade."""
    evaluate = definition.evaluate
    factory = evaluate.__qualname__.split(".")[0]
    twin = _TWINS[factory]
    with np.errstate(all="ignore"):  # the scalar code never sees these rows' values (masked below)
        return twin(_Inputs(values, rows), **_closure(evaluate))


def _closure(function: Callable[..., Any]) -> dict[str, Any]:
    """The variables a factory's inner ``evaluate`` closed over, by name."""
    if not isinstance(function, FunctionType):
        raise TypeError(f"{function!r} is not a plain function")
    cells = function.__closure__ or ()
    return dict(zip(function.__code__.co_freevars, (c.cell_contents for c in cells), strict=True))


class _Inputs:
    """Metric columns by name; one absent from the frame reads as all missing (NaN)."""

    def __init__(self, values: Values, rows: int) -> None:
        self._values, self._rows = values, rows

    def __getitem__(self, name: str) -> Floats:
        found = self._values.get(name)
        return found if found is not None else np.full(self._rows, np.nan)


# --- Python's min/max and the grading helpers of signals.py, elementwise --------------------------


def _pymax(a: Floats | float, b: Floats | float) -> Floats:
    return np.where(np.greater(b, a), b, a)


def _pymin(a: Floats | float, b: Floats | float) -> Floats:
    return np.where(np.less(b, a), b, a)


def _sign(side: str) -> float:
    return 1.0 if side == "buy" else -1.0


def _ramp(x: Floats, start: float, end: float) -> Floats:
    return _pymin(1.0, _pymax(0.0, (x - start) / (end - start)))


def _beyond(x: Floats, threshold: float, full: float, floor: float = 0.4) -> Floats:
    past = x > threshold if full > threshold else x < threshold
    return np.where(past, floor + (1.0 - floor) * _ramp(x, threshold, full), 0.0)


# --- one twin per factory of signals.py ------------------------------------------------------------


def _level(
    v: _Inputs,
    *,
    metric: str,
    threshold: float,
    full: float,
    floor: float,
    positive: bool,
    loss_key: str | None,
    loss_metric: str | None,
    **_: Any,
) -> Judged:
    x = v[metric]
    grade = _beyond(x, threshold, full, floor)
    if positive:
        grade = np.where(x <= 0, 0.0, grade)
    fires = grade > 0
    if loss_key is not None and loss_metric is not None:
        loss = np.isnan(x) & (v[loss_metric] <= 0)
        fires, grade = fires | loss, np.where(loss, 1.0, grade)
    return fires, grade


def _ma_position(v: _Inputs, *, ma: str, side: str, **_: Any) -> Judged:
    close, level = v["close"], v[ma]
    usable = ~((close <= 0) | (level <= 0))
    dist = (close / level - 1.0) * 100.0
    grade = _beyond(_sign(side) * dist, 0.0, 5.0, 0.5)
    return usable & (grade > 0), grade


def _alignment(v: _Inputs, *, side: str, **_: Any) -> Judged:
    short = _sign(side) * (v["sma_25"] - v["sma_75"]) > 0
    long = _sign(side) * (v["sma_75"] - v["sma_200"]) > 0
    return short | long, 0.5 * short + 0.5 * long


def _cross(v: _Inputs, *, cross: str, window: int, side: str, fast: str, slow: str, **_: Any) -> Judged:
    days = v[cross]
    fires = (days >= 0) & (days <= window) & ~(_sign(side) * (v[fast] - v[slow]) <= 0)
    return fires, 1.0 - 0.6 * days / window


def _adx(v: _Inputs, *, side: str, **_: Any) -> Judged:
    usable = ~(_sign(side) * (v["plus_di_14"] - v["minus_di_14"]) <= 0)
    grade = _beyond(v["adx_14"], 20.0, 40.0)
    return usable & (grade > 0), grade


def _macd_gap(v: _Inputs, *, side: str, **_: Any) -> Judged:
    close = v["close"]
    grade = _beyond(_sign(side) * (v["macd"] - v["macd_signal"]) / close * 100.0, 0.0, 0.5, 0.5)
    return ~(close <= 0) & (grade > 0), grade


def _macd_zero(v: _Inputs, *, side: str, **_: Any) -> Judged:
    close = v["close"]
    grade = _beyond(_sign(side) * v["macd"] / close * 100.0, 0.0, 1.0, 0.5)
    return ~(close <= 0) & (grade > 0), grade


def _stoch_cross(v: _Inputs, *, cross: str, side: str, **_: Any) -> Judged:
    k, d, days = v["stoch_k"], v["stoch_d"], v[cross]
    usable = (days >= 0) & (days <= 3) & ~(_sign(side) * (k - d) <= 0)
    zone = _beyond(_pymin(k, d), 30.0, 15.0) if side == "buy" else _beyond(_pymax(k, d), 70.0, 85.0)
    grade = zone * (1.0 - 0.5 * days / 3.0)
    return usable & (grade > 0), grade


def _deviation(v: _Inputs, *, side: str, **_: Any) -> Judged:
    close, sma = v["close"], v["sma_25"]
    usable = ~((close <= 0) | (sma <= 0))
    dist = (close / sma - 1.0) * 100.0
    grade = _beyond(-_sign(side) * dist, 10.0, 20.0)
    return usable & (grade > 0), grade


def _near_level(v: _Inputs, *, level_name: str, side: str, **_: Any) -> Judged:
    close, level = v["close"], v[level_name]
    usable = ~((close <= 0) | (level <= 0))
    dist = (close / level - 1.0) * 100.0 if side == "buy" else (level / close - 1.0) * 100.0
    usable &= ~(dist < 0)
    grade = _beyond(dist, 3.0, 0.0)
    return usable & (grade > 0), grade


def _volume_spike(v: _Inputs, *, side: str, **_: Any) -> Judged:
    ratio, move = v["volume_ratio_20"], _sign(side) * v["change_pct"]
    grade = _beyond(ratio, 1.5, 3.0) * (0.5 + 0.5 * _ramp(move, 0.0, 3.0))
    return ~(move <= 0) & (grade > 0), grade


def _low_liquidity(v: _Inputs, **_: Any) -> Judged:
    turnover = v["turnover_avg_20"]
    fires = ~(turnover >= LOW_TURNOVER_YEN)
    depth = np.ones_like(turnover)
    # math.log10, not np.log10: numpy's vectorised logarithm may differ in the last bit.
    logged = fires & (turnover > 0)
    depth[logged] = [math.log10(x) for x in (LOW_TURNOVER_YEN / turnover[logged]).tolist()]
    scale = math.log10(LOW_TURNOVER_YEN / VERY_LOW_TURNOVER_YEN)
    return fires, 0.4 + 0.6 * _pymin(1.0, depth / scale)


def _payout_sustainable(v: _Inputs, **_: Any) -> Judged:
    payout = v["payout_ratio"]
    grade = np.where(payout > 0, _beyond(payout, 60.0, 30.0), 0.0)
    return grade > 0, grade


_TWINS: dict[str, Callable[..., Judged]] = {
    twin.__name__: twin
    for twin in (
        _level,
        _ma_position,
        _alignment,
        _cross,
        _adx,
        _macd_gap,
        _macd_zero,
        _stoch_cross,
        _deviation,
        _near_level,
        _volume_spike,
        _low_liquidity,
        _payout_sustainable,
    )
}


def _check_twins() -> None:
    """Every signal has a twin that accepts its factory's parameters (else a new factory was added
    to signals.py without one here)."""
    from kabu_trade.analysis.signals import SIGNALS

    for definition in SIGNALS:
        factory = definition.evaluate.__qualname__.split(".")[0]
        if factory not in _TWINS:
            raise RuntimeError(f"signal {definition.name!r}: no array twin for the factory {factory}()")
        _closure(definition.evaluate)


_check_twins()
