"""The signals behind the buy and sell scores: what each one looks at and how many points it gives.

A signal belongs to one score part (``catalog.SCORE_PARTS``) and one side (buy or sell). It has a
number of default points and a *grade* between 0 and 1 computed from the metrics; it contributes
``points × grade``. Grades are graded, not binary: most signals fire at a threshold with 40 % of
their points and reach 100 % at a "full" value (RSI 27 gives more than RSI 29), see ``_beyond``.

Within each part the buy signals' points add up to exactly the part's points, and so do the sell
signals' (``analysis.scoring`` documents the table and checks it at import), so a score can never
exceed 100. ``analysis.scoring.score`` runs the signals; this module only defines them.

A signal's ``inputs`` are the metrics it cannot be judged without: if one of them is missing, the
signal's points count as *not judged* (lower confidence) instead of as a neutral 0. Cross metrics
(``cross_above__…``) are not inputs: ``None`` there means "no cross within the lookback", which is an
answer, not missing data.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from kabu_trade.analysis.catalog import cross_metric

Side = Literal["buy", "sell"]
ParamValue = float | int | str | list[str] | None
Params = dict[str, ParamValue]

LOW_TURNOVER_YEN = 50_000_000.0  # below ¥50M a day a stock is hard to trade in size
VERY_LOW_TURNOVER_YEN = 5_000_000.0


@dataclass(frozen=True)
class Signal:
    """One line of a score's explanation: ``contribution`` points to the ``side`` score.

    ``missing`` entries (contribution 0) say which inputs of a part/side were absent and how many
    points could therefore not be judged (``max_points``).
    """

    name: str
    part: str
    side: Side
    metric: str | None
    value: float | None
    contribution: float
    message_key: str
    params: Params = field(default_factory=dict)
    max_points: float = 0.0
    missing: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Hit:
    """What a signal's evaluation found: grade in (0, 1], the main metric and message params."""

    grade: float
    metric: str
    value: float
    params: Params
    message_key: str | None = None  # defaults to "signal.<name>"


Evaluate = Callable[[Mapping[str, float]], Hit | None]


@dataclass(frozen=True)
class SignalDef:
    name: str
    part: str
    side: Side
    points: float
    inputs: tuple[str, ...]
    evaluate: Evaluate
    message_keys: tuple[str, ...] = ()  # every key it may emit; () means ("signal.<name>",)
    # A loss is an answer, not missing data: with this metric (EPS) ≤ 0 the signal is judged even
    # though its own metric is undefined (no PER of a loss, no growth from a base ≤ 0).
    loss_metric: str | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        return self.message_keys or (f"signal.{self.name}",)

    def judged_as_loss(self, values: Mapping[str, float]) -> bool:
        return self.loss_metric is not None and values.get(self.loss_metric, math.inf) <= 0


def clean_metrics(metrics: Mapping[str, float | None]) -> dict[str, float]:
    """The present values as floats; ``None``, NaN and ±inf count as missing."""
    values: dict[str, float] = {}
    for name, raw in metrics.items():
        if raw is None:
            continue
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"metrics[{name!r}] is not a number: {raw!r}") from None
        if math.isfinite(value):
            values[name] = value
    return values


def _ramp(x: float, start: float, end: float) -> float:
    """0 at ``start``, 1 at ``end`` (either direction), linear and clamped in between."""
    return min(1.0, max(0.0, (x - start) / (end - start)))


def _beyond(x: float, threshold: float, full: float, floor: float = 0.4) -> float:
    """0 unless ``x`` is strictly past ``threshold`` towards ``full``; then ``floor`` rising to 1."""
    past = x > threshold if full > threshold else x < threshold
    return floor + (1.0 - floor) * _ramp(x, threshold, full) if past else 0.0


def _sign(side: Side) -> float:
    return 1.0 if side == "buy" else -1.0


def _level(
    name: str,
    part: str,
    side: Side,
    points: float,
    metric: str,
    threshold: float,
    full: float,
    *,
    floor: float = 0.4,
    positive: bool = False,
    loss_metric: str | None = None,
) -> SignalDef:
    """A one-metric signal: fires past ``threshold``, full points at ``full``. ``positive``: values
    ≤ 0 are meaningless (a PER of a loss) and never fire.

    ``loss_metric`` (an EPS): the metric is undefined for a loss, which is judged all the same — a
    buy signal does not fire, a sell signal fires in full with ``signal.<loss_key>``.
    """
    loss_key = f"signal.{LOSS_KEYS[name]}" if loss_metric is not None and side == "sell" else None

    def evaluate(v: Mapping[str, float]) -> Hit | None:
        x = v.get(metric)
        if x is None:  # judged through the loss alone
            if loss_key is None or loss_metric is None:
                return None
            eps = v[loss_metric]
            return Hit(1.0, loss_metric, eps, {"value": eps}, loss_key)
        grade = 0.0 if positive and x <= 0 else _beyond(x, threshold, full, floor)
        return Hit(grade, metric, x, {"value": x, "threshold": threshold}) if grade > 0 else None

    keys = (f"signal.{name}", loss_key) if loss_key else ()
    return SignalDef(name, part, side, points, (metric,), evaluate, keys, loss_metric)


def _ma_position(ma: str, side: Side, points: float) -> SignalDef:
    """Close above (buy) / below (sell) a moving average; 50 % of the points on crossing, full at 5 %."""

    def evaluate(v: Mapping[str, float]) -> Hit | None:
        close, level = v["close"], v[ma]
        if close <= 0 or level <= 0:
            return None
        dist = (close / level - 1.0) * 100.0
        grade = _beyond(_sign(side) * dist, 0.0, 5.0, 0.5)
        params: Params = {"value": close, "ma": ma, "ma_value": level, "dist_pct": round(dist, 2)}
        key = f"signal.close_{'above' if side == 'buy' else 'below'}_ma"
        return Hit(grade, "close", close, params, key) if grade > 0 else None

    word = "above" if side == "buy" else "below"
    return SignalDef(
        f"close_{word}_{ma}", "trend", side, points, ("close", ma), evaluate, (f"signal.close_{word}_ma",)
    )


def _alignment(side: Side, points: float) -> SignalDef:
    """sma_25 > sma_75 > sma_200 (buy) or the reverse (sell): half the points for each ordering."""
    word = "bullish" if side == "buy" else "bearish"

    def evaluate(v: Mapping[str, float]) -> Hit | None:
        s25, s75, s200 = v["sma_25"], v["sma_75"], v["sma_200"]
        short = _sign(side) * (s25 - s75) > 0
        long = _sign(side) * (s75 - s200) > 0
        if not (short or long):
            return None
        suffix = "alignment" if short and long else ("short" if short else "long")
        params: Params = {"sma_25": s25, "sma_75": s75, "sma_200": s200}
        return Hit(0.5 * short + 0.5 * long, "sma_25", s25, params, f"signal.ma_{word}_{suffix}")

    keys = tuple(f"signal.ma_{word}_{s}" for s in ("alignment", "short", "long"))
    return SignalDef(
        f"ma_{word}_alignment", "trend", side, points, ("sma_25", "sma_75", "sma_200"), evaluate, keys
    )


def _cross(name: str, part: str, side: Side, points: float, fast: str, slow: str, window: int) -> SignalDef:
    """``fast`` crossed ``slow`` in the signal's direction within ``window`` days and still is on that
    side: full points on the day, fading to 40 % at ``window`` days."""
    cross = cross_metric("above" if side == "buy" else "below", fast, slow)

    def evaluate(v: Mapping[str, float]) -> Hit | None:
        days = v.get(cross)
        if days is None or not 0 <= days <= window or _sign(side) * (v[fast] - v[slow]) <= 0:
            return None
        return Hit(1.0 - 0.6 * days / window, cross, days, {"days": int(days), "fast": fast, "slow": slow})

    return SignalDef(name, part, side, points, (fast, slow), evaluate)


def _adx(side: Side, points: float) -> SignalDef:
    """A trend strong enough to follow (ADX > 20, full at 40) in the direction of the larger DI."""

    def evaluate(v: Mapping[str, float]) -> Hit | None:
        adx, plus_di, minus_di = v["adx_14"], v["plus_di_14"], v["minus_di_14"]
        if _sign(side) * (plus_di - minus_di) <= 0:
            return None
        grade = _beyond(adx, 20.0, 40.0)
        params: Params = {"value": adx, "plus_di": plus_di, "minus_di": minus_di}
        return Hit(grade, "adx_14", adx, params) if grade > 0 else None

    name = "adx_uptrend" if side == "buy" else "adx_downtrend"
    return SignalDef(name, "trend", side, points, ("adx_14", "plus_di_14", "minus_di_14"), evaluate)


def _macd_gap(side: Side, points: float) -> SignalDef:
    """MACD above (buy) / below (sell) its signal line (= histogram sign); full when the gap is
    0.5 % of the close."""

    def evaluate(v: Mapping[str, float]) -> Hit | None:
        macd, signal, close = v["macd"], v["macd_signal"], v["close"]
        if close <= 0:
            return None
        grade = _beyond(_sign(side) * (macd - signal) / close * 100.0, 0.0, 0.5, 0.5)
        params: Params = {"value": macd, "signal": signal, "hist": macd - signal}
        return Hit(grade, "macd", macd, params) if grade > 0 else None

    name = "macd_above_signal" if side == "buy" else "macd_below_signal"
    return SignalDef(name, "momentum", side, points, ("macd", "macd_signal", "close"), evaluate)


def _macd_zero(side: Side, points: float) -> SignalDef:
    """MACD above (buy) / below (sell) zero: the 12-day EMA over the 26-day; full at 1 % of the close."""

    def evaluate(v: Mapping[str, float]) -> Hit | None:
        macd, close = v["macd"], v["close"]
        if close <= 0:
            return None
        grade = _beyond(_sign(side) * macd / close * 100.0, 0.0, 1.0, 0.5)
        return Hit(grade, "macd", macd, {"value": macd}) if grade > 0 else None

    name = "macd_above_zero" if side == "buy" else "macd_below_zero"
    return SignalDef(name, "momentum", side, points, ("macd", "close"), evaluate)


def _stoch_cross(side: Side, points: float) -> SignalDef:
    """%K crossed %D within 3 days inside the oversold (< 20… 30) / overbought (> 70… 80) zone."""
    cross = cross_metric("above" if side == "buy" else "below", "stoch_k", "stoch_d")

    def evaluate(v: Mapping[str, float]) -> Hit | None:
        k, d, days = v["stoch_k"], v["stoch_d"], v.get(cross)
        if days is None or not 0 <= days <= 3 or _sign(side) * (k - d) <= 0:
            return None
        zone = _beyond(min(k, d), 30.0, 15.0) if side == "buy" else _beyond(max(k, d), 70.0, 85.0)
        grade = zone * (1.0 - 0.5 * days / 3.0)
        params: Params = {"value": k, "stoch_d": d, "days": int(days)}
        return Hit(grade, "stoch_k", k, params) if grade > 0 else None

    name = "stoch_bullish_cross" if side == "buy" else "stoch_bearish_cross"
    return SignalDef(name, "momentum", side, points, ("stoch_k", "stoch_d"), evaluate)


def _deviation(side: Side, points: float) -> SignalDef:
    """乖離率: close more than 10 % below (buy) / above (sell) the 25-day MA; full at 20 %."""

    def evaluate(v: Mapping[str, float]) -> Hit | None:
        close, sma = v["close"], v["sma_25"]
        if close <= 0 or sma <= 0:
            return None
        dist = (close / sma - 1.0) * 100.0
        grade = _beyond(-_sign(side) * dist, 10.0, 20.0)
        params: Params = {"value": round(dist, 2), "threshold": -_sign(side) * 10.0}
        return Hit(grade, "dist_sma_25_pct", dist, params) if grade > 0 else None

    name = "deviation_below_sma_25" if side == "buy" else "deviation_above_sma_25"
    return SignalDef(name, "mean_reversion", side, points, ("close", "sma_25"), evaluate)


def _near_level(side: Side, points: float) -> SignalDef:
    """Close within 3 % above the nearest support (buy) / below the nearest resistance (sell)."""
    level_name = "support_1" if side == "buy" else "resistance_1"

    def evaluate(v: Mapping[str, float]) -> Hit | None:
        close, level = v["close"], v[level_name]
        if close <= 0 or level <= 0:
            return None
        dist = (close / level - 1.0) * 100.0 if side == "buy" else (level / close - 1.0) * 100.0
        if dist < 0:
            return None
        grade = _beyond(dist, 3.0, 0.0)
        params: Params = {"value": close, "level": level, "dist_pct": round(dist, 2)}
        return Hit(grade, level_name, level, params) if grade > 0 else None

    name = "near_support" if side == "buy" else "near_resistance"
    return SignalDef(name, "mean_reversion", side, points, ("close", level_name), evaluate)


def _volume_spike(side: Side, points: float) -> SignalDef:
    """Volume ≥ 1.5× its 20-day average (full at 3×) on an up (buy) / down (sell) day; a bigger
    move confirms more (half the grade at +0 %, all of it at ±3 %)."""

    def evaluate(v: Mapping[str, float]) -> Hit | None:
        ratio, change = v["volume_ratio_20"], v["change_pct"]
        move = _sign(side) * change
        if move <= 0:
            return None
        grade = _beyond(ratio, 1.5, 3.0) * (0.5 + 0.5 * _ramp(move, 0.0, 3.0))
        params: Params = {"value": ratio, "change_pct": change}
        return Hit(grade, "volume_ratio_20", ratio, params) if grade > 0 else None

    name = "volume_spike_up" if side == "buy" else "volume_spike_down"
    return SignalDef(name, "volume", side, points, ("volume_ratio_20", "change_pct"), evaluate)


def _low_liquidity(points: float) -> SignalDef:
    """Average turnover under ¥50M a day (full at ¥5M, on a log scale): hard to enter and exit."""

    def evaluate(v: Mapping[str, float]) -> Hit | None:
        turnover = v["turnover_avg_20"]
        if turnover >= LOW_TURNOVER_YEN:
            return None
        depth = math.log10(LOW_TURNOVER_YEN / turnover) if turnover > 0 else 1.0
        grade = 0.4 + 0.6 * min(1.0, depth / math.log10(LOW_TURNOVER_YEN / VERY_LOW_TURNOVER_YEN))
        return Hit(grade, "turnover_avg_20", turnover, {"value": turnover, "threshold": LOW_TURNOVER_YEN})

    return SignalDef("low_liquidity", "volume", "sell", points, ("turnover_avg_20",), evaluate)


def _payout_sustainable(points: float) -> SignalDef:
    """A dividend the profits cover: payout ratio under 60 % (full at 30 % or less)."""

    def evaluate(v: Mapping[str, float]) -> Hit | None:
        payout = v["payout_ratio"]
        grade = _beyond(payout, 60.0, 30.0) if payout > 0 else 0.0
        return Hit(grade, "payout_ratio", payout, {"value": payout, "threshold": 60.0}) if grade > 0 else None

    return SignalDef("payout_sustainable", "income", "buy", points, ("payout_ratio",), evaluate)


TR, MO, MR, VO = "trend", "momentum", "mean_reversion", "volume"
# The sell signals a loss fires, and the message each says it with.
LOSS_KEYS = {"per_high": "per_loss", "forward_per_high": "forward_per_loss", "eps_decline": "eps_loss"}
VA, QU, IN, GR = "value", "quality", "income", "growth"

SIGNALS: tuple[SignalDef, ...] = (
    # trend: 20 buy / 20 sell
    _ma_position("sma_25", "buy", 3),
    _ma_position("sma_75", "buy", 3),
    _ma_position("sma_200", "buy", 3),
    _alignment("buy", 4),
    _cross("golden_cross", TR, "buy", 4, "sma_25", "sma_75", 20),
    _adx("buy", 3),
    _ma_position("sma_25", "sell", 3),
    _ma_position("sma_75", "sell", 3),
    _ma_position("sma_200", "sell", 3),
    _alignment("sell", 4),
    _cross("dead_cross", TR, "sell", 4, "sma_25", "sma_75", 20),
    _adx("sell", 3),
    # momentum: 15 / 15
    _macd_gap("buy", 4),
    _cross("macd_bullish_cross", MO, "buy", 3, "macd", "macd_signal", 5),
    _macd_zero("buy", 2),
    _level("return_20d_up", MO, "buy", 2, "return_20d_pct", 0.0, 10.0, floor=0.2),
    _level("return_60d_up", MO, "buy", 2, "return_60d_pct", 0.0, 20.0, floor=0.2),
    _stoch_cross("buy", 2),
    _macd_gap("sell", 4),
    _cross("macd_bearish_cross", MO, "sell", 3, "macd", "macd_signal", 5),
    _macd_zero("sell", 2),
    _level("return_20d_down", MO, "sell", 2, "return_20d_pct", 0.0, -10.0, floor=0.2),
    _level("return_60d_down", MO, "sell", 2, "return_60d_pct", 0.0, -20.0, floor=0.2),
    _stoch_cross("sell", 2),
    # mean reversion: 15 / 15
    _level("rsi_oversold", MR, "buy", 5, "rsi_14", 30.0, 20.0),
    _level("bb_below_lower", MR, "buy", 4, "bb_percent_b", 0.0, -0.25),
    _deviation("buy", 3),
    _near_level("buy", 3),
    _level("rsi_overbought", MR, "sell", 5, "rsi_14", 70.0, 80.0),
    _level("bb_above_upper", MR, "sell", 4, "bb_percent_b", 1.0, 1.25),
    _deviation("sell", 3),
    _near_level("sell", 3),
    # volume: 10 / 10
    _volume_spike("buy", 10),
    _volume_spike("sell", 7),
    _low_liquidity(3),
    # value: 15 / 15
    _level("per_low", VA, "buy", 6, "per", 15.0, 8.0, positive=True, loss_metric="eps"),
    _level(
        "forward_per_low", VA, "buy", 4, "forward_per", 15.0, 8.0, positive=True, loss_metric="forecast_eps"
    ),
    _level("pbr_low", VA, "buy", 5, "pbr", 1.0, 0.5, positive=True),
    _level("per_high", VA, "sell", 6, "per", 30.0, 60.0, loss_metric="eps"),
    _level("forward_per_high", VA, "sell", 4, "forward_per", 30.0, 60.0, loss_metric="forecast_eps"),
    _level("pbr_high", VA, "sell", 5, "pbr", 4.0, 8.0),
    # quality: 10 / 10
    _level("roe_high", QU, "buy", 4, "roe", 8.0, 15.0),
    _level("equity_ratio_high", QU, "buy", 3, "equity_ratio", 50.0, 70.0),
    _level("operating_margin_high", QU, "buy", 3, "operating_margin", 10.0, 20.0),
    _level("roe_low", QU, "sell", 4, "roe", 5.0, 0.0),
    _level("equity_ratio_low", QU, "sell", 3, "equity_ratio", 20.0, 10.0),
    _level("operating_margin_low", QU, "sell", 3, "operating_margin", 3.0, -5.0),
    # income: 8 / 8
    _level("dividend_yield_high", IN, "buy", 5, "dividend_yield", 3.0, 5.0),
    _payout_sustainable(3),
    _level("payout_unsustainable", IN, "sell", 5, "payout_ratio", 80.0, 150.0),
    _level("dividend_yield_low", IN, "sell", 3, "dividend_yield", 1.0, 0.0),
    # growth: 7 / 7
    _level("sales_growth", GR, "buy", 3, "sales_growth_pct", 5.0, 20.0),
    _level("eps_growth", GR, "buy", 4, "eps_growth_pct", 5.0, 30.0, loss_metric="eps"),
    _level("sales_decline", GR, "sell", 3, "sales_growth_pct", 0.0, -15.0),
    _level("eps_decline", GR, "sell", 4, "eps_growth_pct", 0.0, -30.0, loss_metric="eps"),
)

# The words of the loss messages (ja, en), for ``evaluations.message_templates`` to take in.
LOSS_MESSAGES: dict[str, tuple[str, str]] = {
    "signal.per_loss": (
        "EPS {value:yen}の赤字でPERが付かず、割安とはいえない（{points:pts}点）",
        "EPS {value:yen}: a loss, no PER, not cheap, {points:pts}",
    ),
    "signal.forward_per_loss": (
        "予想EPS {value:yen}の赤字予想で予想PERが付かない（{points:pts}点）",
        "Forecast EPS {value:yen}: a loss expected, no forward PER, {points:pts}",
    ),
    "signal.eps_loss": (
        "EPS {value:yen}の赤字（{points:pts}点）",
        "EPS {value:yen}: loss-making, {points:pts}",
    ),
}

MISSING_KEY = "signal.missing"
MESSAGE_KEYS: frozenset[str] = frozenset({MISSING_KEY, *(k for s in SIGNALS for k in s.keys)})
