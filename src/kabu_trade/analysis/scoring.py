"""Buy and sell scores (0–100): the sum of named, explainable signal contributions.

Parts and default points (per side: the buy signals of a part can give at most its points, and
so can its sell signals; the signals themselves are defined in ``analysis.signals``):

========================  ======  ==========================================================
part                      points  signals (buy / sell)
========================  ======  ==========================================================
technical                 **60**
  trend                   20      close vs sma_25/75/200 (3 each), MA alignment 25>75>200 (4),
                                  golden/dead cross 25/75 within 20 days (4), ADX > 20 with
                                  the larger DI (3)
  momentum                15      MACD vs signal (4), MACD cross within 5 days (3), MACD vs
                                  zero (2), 20-day return (2), 60-day return (2), stochastics
                                  cross in the oversold/overbought zone (2)
  mean_reversion          15      RSI(14) < 30 / > 70 (5), Bollinger %B < 0 / > 1 (4), 25-day
                                  MA deviation (乖離率) beyond ∓10 % (3), within 3 % of
                                  support / resistance (3)
  volume                  10      volume ≥ 1.5× average on an up day (10) / on a down day (7)
                                  and turnover under ¥50M (3, a liquidity caution)
fundamental               **40**
  value                   15      PER < 15 / > 30 (6), forward PER < 15 / > 30 (4),
                                  PBR < 1 / > 4 (5)
  quality                 10      ROE ≥ 8 / < 5 % (4), equity ratio ≥ 50 / < 20 % (3),
                                  operating margin ≥ 10 / < 3 % (3)
  income                  8       dividend yield ≥ 3 % (5), payout ratio < 60 % (3) /
                                  payout ratio > 80 % (5), yield < 1 % (3)
  growth                  7       sales growth ≥ 5 % / < 0 (3), EPS growth ≥ 5 % / < 0 (4)
========================  ======  ==========================================================

**Policy weights** multiply each part's points (parts not named: 1.0); the parts are then
renormalised so that the best possible buy (and sell) score stays 100. All-zero weights leave
nothing to score: both scores and the confidence are 0 (as in the screener's vectorised copy).

**Contributions** are ``points × grade`` (grade 0–1, see ``analysis.signals``) to four decimals;
a part's signals on one side never add up to more than its maximum (their points are allotted
within it); ``buy_score``/``sell_score`` are the sums of their side's contributions, rounded to 0.01.

**Missing data** is never scored as neutral: a signal whose inputs are missing gives no points and
its points count as *not judged*. ``confidence`` = judged points / all points (both sides,
weighted); ``parts[p]["available"]`` is the same share within one part; ``signals`` holds one
``missing`` entry per part and side that lost points, naming the absent metrics.

**Recommendation** (``recommend``): the scores are first put on the scale of what could be judged
(buy / confidence, sell / confidence), so a stock without fundamentals is not pushed to neutral
just because 40 points could not be looked at; net = buy′ − sell′;
strong_buy if net ≥ 35 and buy′ ≥ 60; buy if net ≥ 15; strong_sell if net ≤ −35 and sell′ ≥ 60;
sell if net ≤ −15; otherwise neutral. Below 0.5 confidence, strong_* is capped to buy/sell; with
nothing judged (confidence 0) it is neutral.

**Whole frames** (``score_frame``): the default-weight scores of many stocks at once, equal value
for value to ``score()`` of each (the signals' array twins in ``analysis._signal_arrays``, and the
same roundings, reproduced exactly), for the metrics refresh that stores them for every stock.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

import numpy as np
import numpy.typing as npt
import pandas as pd

from kabu_trade.analysis._signal_arrays import judge
from kabu_trade.analysis.catalog import METRICS, SCORE_PARTS
from kabu_trade.analysis.signals import MISSING_KEY, SIGNALS, Params, Side, Signal, clean_metrics

__all__ = [
    "DEFAULT_PART_POINTS",
    "RECOMMENDATIONS",
    "FrameScores",
    "Recommendation",
    "ScoreResult",
    "Signal",
    "part_maxima",
    "recommend",
    "recommend_array",
    "score",
    "score_frame",
    "weighted_frame_scores",
]

Recommendation = Literal["strong_buy", "buy", "neutral", "sell", "strong_sell"]
RECOMMENDATIONS: tuple[Recommendation, ...] = get_args(Recommendation)

DEFAULT_PART_POINTS: dict[str, float] = {
    "trend": 20.0,
    "momentum": 15.0,
    "mean_reversion": 15.0,
    "volume": 10.0,
    "value": 15.0,
    "quality": 10.0,
    "income": 8.0,
    "growth": 7.0,
}
STRONG_NET, NET, STRONG_SIDE, MIN_CONFIDENCE_FOR_STRONG = 35.0, 15.0, 60.0, 0.5


def _check_table() -> None:
    """The signals must fill each part exactly, on both sides, or 100 would not be the maximum."""
    if tuple(DEFAULT_PART_POINTS) != SCORE_PARTS or not math.isclose(sum(DEFAULT_PART_POINTS.values()), 100):
        raise RuntimeError("DEFAULT_PART_POINTS must list SCORE_PARTS and add up to 100")
    for part, points in DEFAULT_PART_POINTS.items():
        for side in ("buy", "sell"):
            total = sum(s.points for s in SIGNALS if s.part == part and s.side == side)
            if not math.isclose(total, points):
                raise RuntimeError(f"{part}/{side}: the signals give {total} points, the part has {points}")


_check_table()


@dataclass(frozen=True)
class ScoreResult:
    buy_score: float
    sell_score: float
    recommendation: Recommendation
    confidence: float
    signals: list[Signal]
    parts: dict[str, dict[str, float]]  # part → {"buy", "sell", "max", "available"}
    missing: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def part_maxima(weights: Mapping[str, float] | None = None) -> dict[str, float]:
    """Each part's maximum points per side under ``weights`` (renormalised to a total of 100)."""
    if not weights:
        return dict(DEFAULT_PART_POINTS)
    unknown = sorted(set(weights) - set(SCORE_PARTS))
    if unknown:
        raise ValueError(f"weights: unknown score part(s) {unknown}; expected some of {list(SCORE_PARTS)}")
    scaled: dict[str, float] = {}
    for part, default in DEFAULT_PART_POINTS.items():
        raw = weights.get(part, 1.0)
        weight = float(raw)
        if not math.isfinite(weight) or weight < 0:
            raise ValueError(f"weights[{part!r}] must be a finite number ≥ 0, got {raw!r}")
        scaled[part] = default * weight
    total = math.fsum(scaled.values())
    if total <= 0:
        return dict.fromkeys(SCORE_PARTS, 0.0)
    return {part: points * 100.0 / total for part, points in scaled.items()}


def recommend(buy: float, sell: float, confidence: float) -> Recommendation:
    """The recommendation for one pair of scores (rule in the module docstring)."""
    if confidence <= 0:
        return "neutral"
    buy, sell = buy / confidence, sell / confidence
    net = buy - sell
    if net >= STRONG_NET and buy >= STRONG_SIDE:
        return "strong_buy" if confidence >= MIN_CONFIDENCE_FOR_STRONG else "buy"
    if net >= NET:
        return "buy"
    if net <= -STRONG_NET and sell >= STRONG_SIDE:
        return "strong_sell" if confidence >= MIN_CONFIDENCE_FOR_STRONG else "sell"
    if net <= -NET:
        return "sell"
    return "neutral"


def recommend_array(
    buy: npt.ArrayLike, sell: npt.ArrayLike, confidence: npt.ArrayLike
) -> npt.NDArray[np.str_]:
    """``recommend`` over arrays (the screener's vectorised path)."""
    b, s, c = (np.asarray(x, dtype=float) for x in (buy, sell, confidence))
    judged = c > 0
    # Divided, as recommend() does (not multiplied by 1/c): a score on a threshold stays on it.
    b = np.divide(b, c, out=np.zeros_like(b), where=judged)
    s = np.divide(s, c, out=np.zeros_like(s), where=judged)
    net = np.where(judged, b - s, 0.0)
    strong = c >= MIN_CONFIDENCE_FOR_STRONG
    conditions = [
        (net >= STRONG_NET) & (b >= STRONG_SIDE) & strong,
        net >= NET,
        (net <= -STRONG_NET) & (s >= STRONG_SIDE) & strong,
        net <= -NET,
    ]
    return np.select(conditions, ["strong_buy", "buy", "strong_sell", "sell"], default="neutral")


def _precise(points: float) -> float:
    # Four decimals: exact enough that the screener's re-weighting of stored part sums equals a
    # full score to the displayed two decimals.
    return round(points, 4)


def score(metrics: Mapping[str, float | None], weights: Mapping[str, float] | None = None) -> ScoreResult:
    """Score one stock's ``metrics`` (catalog names; ``None`` = missing) under part ``weights``."""
    values = clean_metrics(metrics)
    maxima = part_maxima(weights)
    fired: list[Signal] = []
    total = {(p, side): 0.0 for p in SCORE_PARTS for side in ("buy", "sell")}
    judged = dict(total)
    absent: dict[tuple[str, str], set[str]] = {}
    for definition in SIGNALS:
        points = definition.points * maxima[definition.part] / DEFAULT_PART_POINTS[definition.part]
        if points <= 0:
            continue  # a part weighted 0 needs no inputs
        key = (definition.part, definition.side)
        total[key] += points
        lacking = [name for name in definition.inputs if name not in values]
        if lacking and not definition.judged_as_loss(values):
            absent.setdefault(key, set()).update(lacking)
            continue
        judged[key] += points
        hit = definition.evaluate(values)
        contribution = _precise(points * min(1.0, hit.grade)) if hit is not None else 0.0
        if hit is None or contribution <= 0:
            continue
        params: Params = {**hit.params, "points": contribution}
        fired.append(
            Signal(
                name=definition.name,
                part=definition.part,
                side=definition.side,
                metric=hit.metric,
                value=hit.value,
                contribution=contribution,
                message_key=hit.message_key or f"signal.{definition.name}",
                params=params,
                max_points=round(points, 2),
            )
        )

    signals: list[Signal] = []
    parts: dict[str, dict[str, float]] = {}
    for part in SCORE_PARTS:
        own = [s for s in fired if s.part == part]
        signals.extend(own)
        for side in ("buy", "sell"):
            lost = total[(part, side)] - judged[(part, side)]
            if (part, side) in absent and lost > 0:
                signals.append(_missing_entry(part, side, sorted(absent[(part, side)]), lost))
        part_total = total[(part, "buy")] + total[(part, "sell")]
        parts[part] = {
            "buy": round(math.fsum(s.contribution for s in own if s.side == "buy"), 4),
            "sell": round(math.fsum(s.contribution for s in own if s.side == "sell"), 4),
            "max": round(maxima[part], 2),
            "available": round((judged[(part, "buy")] + judged[(part, "sell")]) / part_total, 4)
            if part_total > 0
            else 0.0,
        }

    buy = min(100.0, round(math.fsum(s.contribution for s in fired if s.side == "buy"), 2))
    sell = min(100.0, round(math.fsum(s.contribution for s in fired if s.side == "sell"), 2))
    all_points = math.fsum(total.values())
    confidence = round(min(1.0, math.fsum(judged.values()) / all_points), 3) if all_points > 0 else 0.0
    missing = sorted({name for names in absent.values() for name in names})
    return ScoreResult(buy, sell, recommend(buy, sell, confidence), confidence, signals, parts, missing)


def _missing_entry(part: str, side: Side, names: list[str], lost: float) -> Signal:
    return Signal(
        name=f"missing_{part}_{side}",
        part=part,
        side=side,
        metric=names[0],
        value=None,
        contribution=0.0,
        message_key=MISSING_KEY,
        params={"part": part, "metrics": names, "points": round(lost, 2)},
        max_points=round(lost, 2),
        missing=True,
    )


# --- the same scores for a whole frame ------------------------------------------------------------


@dataclass(frozen=True)
class FrameScores:
    """``score()`` with the default part weights, for each row of a frame: the fields the metrics
    refresh stores. Part arrays are (rows × parts), columns in ``SCORE_PARTS`` order."""

    buy: npt.NDArray[np.float64]
    sell: npt.NDArray[np.float64]
    confidence: npt.NDArray[np.float64]
    recommendation: npt.NDArray[np.str_]
    part_buy: npt.NDArray[np.float64]
    part_sell: npt.NDArray[np.float64]
    part_available: npt.NDArray[np.float64]
    part_max: npt.NDArray[np.float64]  # one per part

    def parts(self) -> list[dict[str, dict[str, float]]]:
        """``ScoreResult.parts`` of every row."""
        maxima = self.part_max.tolist()
        return [
            {
                part: {"buy": b, "sell": s, "max": m, "available": a}
                for part, b, s, m, a in zip(SCORE_PARTS, buys, sells, maxima, available, strict=True)
            }
            for buys, sells, available in zip(
                self.part_buy.tolist(), self.part_sell.tolist(), self.part_available.tolist(), strict=True
            )
        ]


_UNITS = 10_000  # contributions are rounded to 4 decimals: whole numbers of 1/10,000 of a point


def _check_whole_points() -> None:
    """score_frame adds judged points with plain sums, exact only for whole numbers (as they are)."""
    for definition in SIGNALS:
        if definition.points != int(definition.points):
            raise RuntimeError(f"{definition.name}: {definition.points} points is not a whole number")


_check_whole_points()


def score_frame(metrics: pd.DataFrame) -> FrameScores:
    """``score(row)`` for every row of ``metrics`` (catalog names as columns, NaN/±inf = missing; a
    metric without a column is missing everywhere), with the default part weights, computed for all
    rows at once. Equal to the per-row ``score()``: buy, sell, confidence, recommendation, parts."""
    if not isinstance(metrics, pd.DataFrame):
        raise ValueError(f"metrics must be a pandas DataFrame, got {type(metrics).__name__}")
    rows = len(metrics)
    values: dict[str, npt.NDArray[np.float64]] = {}
    for name in METRICS:
        if name in metrics.columns:
            try:
                column = metrics[name].to_numpy(dtype=float, na_value=np.nan)
            except (TypeError, ValueError):
                raise ValueError(f"metrics[{name!r}] is not numeric") from None
            values[name] = np.where(np.isfinite(column), column, np.nan)
    present = {name: ~np.isnan(column) for name, column in values.items()}
    none = np.zeros(rows, dtype=bool)

    maxima = part_maxima()
    sides = ("buy", "sell")
    total = {(p, side): 0.0 for p in SCORE_PARTS for side in sides}
    judged = {key: np.zeros(rows) for key in total}
    units = {key: np.zeros(rows, dtype=np.int64) for key in total}
    contributions: dict[str, list[npt.NDArray[np.float64]]] = {side: [] for side in sides}
    for definition in SIGNALS:
        points = definition.points * maxima[definition.part] / DEFAULT_PART_POINTS[definition.part]
        if points <= 0:
            continue
        key = (definition.part, definition.side)
        total[key] += points
        judgeable = np.logical_and.reduce([present.get(name, none) for name in definition.inputs])
        loss = values.get(definition.loss_metric) if definition.loss_metric else None
        if loss is not None:  # NaN ≤ 0 is false: a missing EPS is no loss
            judgeable = judgeable | (loss <= 0)
        judged[key] = np.where(judgeable, judged[key] + points, judged[key])
        fires, grade = judge(definition, values, rows)
        hit = judgeable & fires
        contribution = np.zeros(rows)
        contribution[hit] = _round(points * np.where(grade[hit] < 1.0, grade[hit], 1.0), 4)
        contribution[~(contribution > 0)] = 0.0
        units[key] += np.rint(contribution * _UNITS).astype(np.int64)
        contributions[definition.side].append(contribution)

    def side_total(side: str) -> npt.NDArray[np.float64]:
        # round(fsum(contributions), 2): exact from the whole units, except on a tie (…50 units),
        # where it depends on the contributions' binary errors: those rows take the scalar way.
        whole = sum(units[(p, side)] for p in SCORE_PARTS)
        result = np.asarray((whole + 50) // 100, dtype=float) / 100.0
        for row in np.flatnonzero(whole % 100 == 50):
            result[row] = round(math.fsum(float(c[row]) for c in contributions[side]), 2)
        return np.where(result < 100.0, result, 100.0)

    buy, sell = side_total("buy"), side_total("sell")
    all_points = math.fsum(total.values())
    if all_points > 0:
        share = sum(judged.values(), np.zeros(rows)) / all_points
        confidence = _round(np.where(share < 1.0, share, 1.0), 3)
    else:
        confidence = np.zeros(rows)

    def part_columns(of: Any) -> npt.NDArray[np.float64]:
        return np.column_stack([of(p) for p in SCORE_PARTS]) if rows else np.zeros((0, len(SCORE_PARTS)))

    def available(part: str) -> npt.NDArray[np.float64]:
        part_total = total[(part, "buy")] + total[(part, "sell")]
        if part_total <= 0:
            return np.zeros(rows)
        return _round((judged[(part, "buy")] + judged[(part, "sell")]) / part_total, 4)

    return FrameScores(
        buy=buy,
        sell=sell,
        confidence=confidence,
        recommendation=recommend_array(buy, sell, confidence),
        part_buy=part_columns(lambda p: units[(p, "buy")] / _UNITS),
        part_sell=part_columns(lambda p: units[(p, "sell")] / _UNITS),
        part_available=part_columns(available),
        part_max=np.array([round(maxima[p], 2) for p in SCORE_PARTS]),
    )


def weighted_frame_scores(
    scores: FrameScores, weights: Mapping[str, float] | None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.str_]]:
    """Buy, sell, confidence and recommendation of every row of ``score_frame`` under a policy's part
    ``weights``: each part's default-weight points scaled to its weighted maximum (``part_maxima``),
    the rule ``score()`` applies to one stock, to two decimals as ``score()`` rounds them."""
    maxima = part_maxima(weights)
    ratio = np.array([maxima[p] / DEFAULT_PART_POINTS[p] for p in SCORE_PARTS])
    new_max = np.array([maxima[p] for p in SCORE_PARTS])
    buy = np.minimum(100.0, np.round((scores.part_buy * ratio).sum(axis=1), 2))
    sell = np.minimum(100.0, np.round((scores.part_sell * ratio).sum(axis=1), 2))
    confidence = np.clip(np.round((scores.part_available * new_max).sum(axis=1) / 100.0, 3), 0.0, 1.0)
    return buy, sell, confidence, recommend_array(buy, sell, confidence)


def _round(values: npt.NDArray[np.float64], digits: int) -> npt.NDArray[np.float64]:
    """Python's ``round(x, digits)`` for each value. numpy rounds ``x × 10^digits``, a product that
    can land on the other side of a half than x's exact decimal value; the values within a few
    units in the last place of a half (and any too large or not finite) are rounded by Python."""
    scale = 10.0**digits
    scaled = values * scale
    out = np.rint(scaled) / scale
    with np.errstate(invalid="ignore"):
        half = np.abs(scaled - np.floor(scaled) - 0.5) <= 4 * np.spacing(np.abs(scaled))
        unusual = half | ~np.isfinite(scaled) | (np.abs(scaled) >= 2.0**52)
    for i in np.flatnonzero(unusual):
        out[i] = round(float(values[i]), digits)
    return out
