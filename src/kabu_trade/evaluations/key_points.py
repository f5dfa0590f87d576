"""Key points (見極めポイント): the few concrete things to act on or watch for one stock.

Built from the score, the price levels, the policy's rule results and a few metrics:

- levels: the entry zone (buy; high priority when the recommendation is a buy, low when a sell),
  the stop-loss (sell, high), the target (sell, medium), the trailing stop (sell, low), a
  resistance before the target, a stop inside the daily noise, a risk/reward under 1 (cautions);
- the policy: each *required* rule that fails (caution, high) or cannot be judged (medium);
- events and conditions: earnings within 7 days (caution, high; 8–14 days: low), just after
  earnings (low), low liquidity, high volatility (ATR %), missing data (low confidence), the
  close near its 52-week high or low, RSI beyond 80 / 20;
- the strongest three buy and three sell signals (high ≥ 5 points, medium ≥ 2, else low), with
  the signal's own message.

Sorted by priority (high, medium, low), in a fixed order within a priority: deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from kabu_trade.analysis.scoring import ScoreResult
from kabu_trade.analysis.signals import LOW_TURNOVER_YEN, Params, Signal, clean_metrics
from kabu_trade.evaluations.levels import Levels

PointType = Literal["buy", "sell", "caution"]
Priority = Literal["high", "medium", "low"]
PRIORITY_ORDER: dict[str, int] = {"high": 0, "medium": 1, "low": 2}

EARNINGS_SOON_DAYS = 7
EARNINGS_UPCOMING_DAYS = 14
EARNINGS_JUST_OUT_DAYS = 2
VERY_LOW_TURNOVER_YEN = 10_000_000.0
HIGH_ATR_PCT, VERY_HIGH_ATR_PCT = 4.0, 6.0
NEAR_52W_PCT = 3.0
RSI_EXTREME_HIGH, RSI_EXTREME_LOW = 80.0, 20.0
LOW_CONFIDENCE, VERY_LOW_CONFIDENCE = 0.7, 0.5
POOR_RISK_REWARD = 1.0
PULLBACK_MARGIN = 1.005  # a close more than 0.5 % above the zone: wait for a pullback
TOP_SIGNALS = 3
HIGH_SIGNAL_POINTS, MEDIUM_SIGNAL_POINTS = 5.0, 2.0

MESSAGE_KEYS = frozenset(
    {
        "kp.entry_zone",
        "kp.entry_zone_pullback",
        "kp.entry_zone_atr",
        "kp.stop_loss_policy",
        "kp.stop_loss_atr",
        "kp.target_policy",
        "kp.target_default",
        "kp.trailing_stop",
        "kp.resistance_before_target",
        "kp.stop_inside_noise",
        "kp.poor_risk_reward",
        "kp.rule_failed",
        "kp.rule_unknown",
        "kp.earnings_soon",
        "kp.earnings_upcoming",
        "kp.earnings_just_out",
        "kp.low_liquidity",
        "kp.high_volatility",
        "kp.low_confidence",
        "kp.near_52w_high",
        "kp.near_52w_low",
        "kp.rsi_extreme_high",
        "kp.rsi_extreme_low",
    }
)


@dataclass(frozen=True)
class KeyPoint:
    type: PointType
    priority: Priority
    message_key: str
    params: Params = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def key_points(
    metrics: Mapping[str, float | None],
    score: ScoreResult,
    levels: Levels,
    rule_results: Sequence[Mapping[str, Any]] = (),
    *,
    stop_loss_pct: float | None = None,
    target_return_pct: float | None = None,
) -> list[KeyPoint]:
    """The key points of one evaluation, most important first."""
    values = clean_metrics(metrics)
    points: list[KeyPoint] = []
    points += _events(values)
    points += _rules(rule_results)
    points += _levels(values, score, levels, stop_loss_pct, target_return_pct)
    points += _signals(score.signals)
    points += _conditions(values, score)
    return sorted(points, key=lambda p: PRIORITY_ORDER[p.priority])


def _events(v: Mapping[str, float]) -> list[KeyPoint]:
    points = []
    days = v.get("days_to_next_disclosure")
    if days is not None and 0 <= days <= EARNINGS_SOON_DAYS:
        points.append(KeyPoint("caution", "high", "kp.earnings_soon", {"days": round(days)}))
    elif days is not None and 0 <= days <= EARNINGS_UPCOMING_DAYS:
        points.append(KeyPoint("caution", "low", "kp.earnings_upcoming", {"days": round(days)}))
    since = v.get("days_since_disclosure")
    if since is not None and 0 <= since <= EARNINGS_JUST_OUT_DAYS:
        points.append(KeyPoint("caution", "low", "kp.earnings_just_out", {"days": round(since)}))
    return points


def _rules(rule_results: Sequence[Mapping[str, Any]]) -> list[KeyPoint]:
    points = []
    for result in rule_results:
        if not result.get("required"):
            continue
        params: Params = {
            "rule": str(result.get("rule", "")),
            "metric": result.get("metric"),
            "value": result.get("value"),
            "distance": result.get("distance"),
        }
        if result.get("passed") is False:
            points.append(KeyPoint("caution", "high", "kp.rule_failed", params))
        elif result.get("passed") is None:
            points.append(KeyPoint("caution", "medium", "kp.rule_unknown", params))
    return points


def _levels(
    v: Mapping[str, float],
    score: ScoreResult,
    levels: Levels,
    stop_loss_pct: float | None,
    target_return_pct: float | None,
) -> list[KeyPoint]:
    if levels.entry_low is None or levels.entry_high is None:
        return []
    points = []
    close = v.get("close")
    rec = score.recommendation
    entry_priority: Priority = (
        "high" if rec in ("buy", "strong_buy") else "low" if rec in ("sell", "strong_sell") else "medium"
    )
    zone: Params = {
        "low": levels.entry_low,
        "high": levels.entry_high,
        "sources": list(levels.support_sources),
    }
    if not levels.support_sources:
        points.append(KeyPoint("buy", entry_priority, "kp.entry_zone_atr", zone))
    elif close is not None and close > levels.entry_high * PULLBACK_MARGIN:
        pullback: Params = {
            **zone,
            "close": close,
            "above_pct": round((close / levels.entry_high - 1) * 100, 2),
        }
        points.append(KeyPoint("buy", entry_priority, "kp.entry_zone_pullback", pullback))
    else:
        points.append(KeyPoint("buy", entry_priority, "kp.entry_zone", zone))

    stop, target = levels.stop_loss_price, levels.target_price
    if stop is not None:
        if stop_loss_pct is not None:
            points.append(
                KeyPoint("sell", "high", "kp.stop_loss_policy", {"price": stop, "pct": -abs(stop_loss_pct)})
            )
        else:
            params: Params = {"price": stop, "pct": -(levels.stop_pct or 0.0)}
            points.append(KeyPoint("sell", "high", "kp.stop_loss_atr", params))
    if target is not None:
        if target_return_pct is not None:
            points.append(
                KeyPoint("sell", "medium", "kp.target_policy", {"price": target, "pct": target_return_pct})
            )
        else:
            points.append(
                KeyPoint("sell", "medium", "kp.target_default", {"price": target, "pct": levels.target_pct})
            )
    if levels.trailing_stop_price is not None:
        points.append(KeyPoint("sell", "low", "kp.trailing_stop", {"price": levels.trailing_stop_price}))
    for basis in levels.basis:
        if basis.message_key == "level.target_beyond_resistance":
            params = {"resistance": basis.params.get("resistance"), "target": target}
            points.append(KeyPoint("caution", "medium", "kp.resistance_before_target", params))
        elif basis.message_key == "level.stop_inside_noise":
            points.append(KeyPoint("caution", "medium", "kp.stop_inside_noise", dict(basis.params)))
    if levels.risk_reward is not None and levels.risk_reward < POOR_RISK_REWARD:
        points.append(KeyPoint("caution", "medium", "kp.poor_risk_reward", {"value": levels.risk_reward}))
    return points


def _signals(signals: Sequence[Signal]) -> list[KeyPoint]:
    points = []
    for side in ("buy", "sell"):
        fired = [s for s in signals if s.side == side and not s.missing and s.contribution > 0]
        for s in sorted(fired, key=lambda s: (-s.contribution, s.name))[:TOP_SIGNALS]:
            priority: Priority = (
                "high"
                if s.contribution >= HIGH_SIGNAL_POINTS
                else "medium"
                if s.contribution >= MEDIUM_SIGNAL_POINTS
                else "low"
            )
            points.append(KeyPoint(s.side, priority, s.message_key, dict(s.params)))
    return points


def _conditions(v: Mapping[str, float], score: ScoreResult) -> list[KeyPoint]:
    points = []
    close = v.get("close")
    turnover = v.get("turnover_avg_20")
    if turnover is not None and turnover < LOW_TURNOVER_YEN:
        priority: Priority = "high" if turnover < VERY_LOW_TURNOVER_YEN else "medium"
        points.append(KeyPoint("caution", priority, "kp.low_liquidity", {"value": turnover}))
    atr_pct = v.get("atr_pct")
    if atr_pct is None and close and close > 0 and v.get("atr_14") is not None:
        atr_pct = v["atr_14"] / close * 100
    if atr_pct is not None and atr_pct >= HIGH_ATR_PCT:
        priority = "high" if atr_pct >= VERY_HIGH_ATR_PCT else "medium"
        points.append(KeyPoint("caution", priority, "kp.high_volatility", {"value": round(atr_pct, 2)}))
    if score.confidence < LOW_CONFIDENCE:
        priority = "high" if score.confidence < VERY_LOW_CONFIDENCE else "medium"
        params: Params = {
            "confidence_pct": round(score.confidence * 100, 1),
            "metrics": score.missing[:6],
            "count": len(score.missing),
        }
        points.append(KeyPoint("caution", priority, "kp.low_confidence", params))
    high, low = v.get("high_52w"), v.get("low_52w")
    if close is not None and close > 0 and high is not None and high > 0:
        below = (1 - close / high) * 100
        if below <= NEAR_52W_PCT:
            params = {"high": high, "dist_pct": round(max(below, 0.0), 2)}
            points.append(KeyPoint("caution", "low", "kp.near_52w_high", params))
    if close is not None and close > 0 and low is not None and low > 0:
        above = (close / low - 1) * 100
        if above <= NEAR_52W_PCT:
            params = {"low": low, "dist_pct": round(max(above, 0.0), 2)}
            points.append(KeyPoint("caution", "medium", "kp.near_52w_low", params))
    rsi = v.get("rsi_14")
    if rsi is not None and rsi >= RSI_EXTREME_HIGH:
        points.append(KeyPoint("caution", "medium", "kp.rsi_extreme_high", {"value": rsi}))
    elif rsi is not None and rsi <= RSI_EXTREME_LOW:
        points.append(KeyPoint("caution", "medium", "kp.rsi_extreme_low", {"value": rsi}))
    return points
