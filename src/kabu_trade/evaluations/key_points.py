"""Key points (見極めポイント): the few concrete things to act on or watch for one stock.

Built from the score, the price levels, the policy's rule results and a few metrics:

- the policy first: its verdict (fits / does not fit, how many required and other rules failed,
  the match score; high), then each *required* rule that fails (caution, high) or cannot be judged
  (medium), and each other rule that fails (caution, medium), each in words with its value and
  how far it missed (``evaluations.rule_text``);
- levels: the entry zone (buy; high priority when the recommendation is a buy, low when a sell),
  the stop-loss (sell; high for a buy — it is part of the plan —, medium for a sell, low for a
  neutral stock, where it is no reason to sell), the target (sell, medium), the trailing stop
  (sell, low), a resistance before the target, a stop inside the daily noise, a risk/reward
  under 1 (cautions);
- events and conditions: the estimated earnings date within 10 sessions of the as-of date, named
  with the sessions left (caution, high within 5 sessions, else medium; an evaluation without its
  as-of date counts calendar days: within 7 high, 8–14 low), just after earnings (low), low
  liquidity, high volatility (ATR %), missing data (low confidence), the
  close near its 52-week high or low, RSI beyond 80 / 20;
- the strongest three buy and three sell signals (high ≥ 5 points, medium ≥ 2, else low), with
  the signal's own message; the close above (below) two or more moving averages is one point
  with the averages named and the points added up, not a point per average.

Sorted by priority (high, medium, low), in a fixed order within a priority (the policy's points
first): deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from kabu_trade.analysis.scoring import ScoreResult
from kabu_trade.analysis.signals import LOW_TURNOVER_YEN, Params, Signal, clean_metrics
from kabu_trade.evaluations.levels import Levels
from kabu_trade.market.calendar import sessions_after

PointType = Literal["buy", "sell", "caution"]
Priority = Literal["high", "medium", "low"]
PRIORITY_ORDER: dict[str, int] = {"high": 0, "medium": 1, "low": 2}

EARNINGS_SOON_DAYS = 7
EARNINGS_UPCOMING_DAYS = 14
EARNINGS_JUST_OUT_DAYS = 2
EARNINGS_NEAR_SESSIONS, EARNINGS_VERY_NEAR_SESSIONS = 10, 5
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
        "kp.rule_failed",  # no longer emitted; kept for evaluations stored before kp.policy_*
        "kp.rule_unknown",
        "kp.policy_not_qualified",
        "kp.policy_qualified",
        "kp.policy_all_pass",
        "kp.policy_required_failed",
        "kp.policy_rule_failed",
        "kp.policy_rule_unknown",
        "kp.close_above_mas",
        "kp.close_below_mas",
        "kp.earnings_date_near",
        "kp.earnings_soon",  # emitted only without an as-of date (and stored before the date)
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
    params: dict[str, Any] = field(default_factory=dict)  # Params, or a rule verdict (a mapping)

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
    policy_name: str | None = None,
    match: float | None = None,
    as_of: date | None = None,
) -> list[KeyPoint]:
    """The key points of one evaluation, most important first, the policy's verdict leading.
    ``policy_name`` is None for an evaluation without a policy (``match``: its match score);
    ``as_of``: the date of the metrics, which dates the estimated next earnings."""
    values = clean_metrics(metrics)
    policy: list[KeyPoint] = []
    if policy_name is not None and rule_results:
        policy += _verdict(rule_results, policy_name, match)
    policy += _rules(rule_results)
    points: list[KeyPoint] = []
    points += _events(values, as_of)
    points += _levels(values, score, levels, stop_loss_pct, target_return_pct)
    points += _signals(score.signals)
    points += _conditions(values, score)
    # The policy's verdict and its failed rules lead, whatever the priority of what follows.
    return sorted(policy, key=lambda p: PRIORITY_ORDER[p.priority]) + sorted(
        points, key=lambda p: PRIORITY_ORDER[p.priority]
    )


def _events(v: Mapping[str, float], as_of: date | None) -> list[KeyPoint]:
    points = []
    days = v.get("days_to_next_disclosure")
    if days is not None and days >= 0 and as_of is not None:
        # The date and the sessions left: a trader counts sessions, and a holiday week is not 5.
        day = as_of + timedelta(days=round(days))
        sessions = sessions_after(as_of, day)
        if sessions is not None and sessions <= EARNINGS_NEAR_SESSIONS:
            priority: Priority = "high" if sessions <= EARNINGS_VERY_NEAR_SESSIONS else "medium"
            params = {"date": day.isoformat(), "sessions": sessions}
            points.append(KeyPoint("caution", priority, "kp.earnings_date_near", params))
    elif days is not None and 0 <= days <= EARNINGS_SOON_DAYS:
        points.append(KeyPoint("caution", "high", "kp.earnings_soon", {"days": round(days)}))
    elif days is not None and 0 <= days <= EARNINGS_UPCOMING_DAYS:
        points.append(KeyPoint("caution", "low", "kp.earnings_upcoming", {"days": round(days)}))
    since = v.get("days_since_disclosure")
    if since is not None and 0 <= since <= EARNINGS_JUST_OUT_DAYS:
        points.append(KeyPoint("caution", "low", "kp.earnings_just_out", {"days": round(since)}))
    return points


def _verdict(rule_results: Sequence[Mapping[str, Any]], policy: str, match: float | None) -> list[KeyPoint]:
    required_failed = sum(1 for r in rule_results if r.get("required") and r.get("passed") is not True)
    others_failed = sum(1 for r in rule_results if not r.get("required") and r.get("passed") is False)
    params: Params = {
        "policy": policy,
        "match": None if match is None else round(match, 1),
        "required_failed": required_failed,
        "others_failed": others_failed,
    }
    if required_failed:
        return [KeyPoint("caution", "high", "kp.policy_not_qualified", params)]
    if others_failed:
        return [KeyPoint("caution", "high", "kp.policy_qualified", params)]
    return [KeyPoint("buy", "high", "kp.policy_all_pass", params)]


def _rules(rule_results: Sequence[Mapping[str, Any]]) -> list[KeyPoint]:
    """Each required rule that fails or cannot be judged, then each other rule that fails."""
    required: list[KeyPoint] = []
    others: list[KeyPoint] = []
    for result in rule_results:
        passed = result.get("passed")
        if passed is True or (passed is None and not result.get("required")):
            continue
        verdict = {
            key: result.get(key)
            for key in ("spec", "rule", "metric", "value", "threshold", "passed", "distance")
        }
        weight = float(result.get("weight") or 1.0)
        params: dict[str, Any] = {"rule": verdict, "weight": f"{weight:g}"}
        if result.get("spec") is None:  # a result without its rule (a caller's hand-made dict)
            legacy: Params = {k: result.get(k) for k in ("rule", "metric", "value", "distance")}
            key = "kp.rule_failed" if passed is False else "kp.rule_unknown"
            priority: Priority = "high" if passed is False and result.get("required") else "medium"
            (required if result.get("required") else others).append(
                KeyPoint("caution", priority, key, dict(legacy))
            )
        elif result.get("required"):
            key = "kp.policy_required_failed" if passed is False else "kp.policy_rule_unknown"
            required.append(KeyPoint("caution", "high" if passed is False else "medium", key, params))
        else:
            others.append(KeyPoint("caution", "medium", "kp.policy_rule_failed", params))
    # The heaviest misses first among the other rules: they cost the match score the most.
    others.sort(key=lambda p: -float(p.params.get("weight") or 1))
    return required + others


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
    # The stop is part of a buy's plan; for a neutral stock it is no reason to sell.
    stop_priority: Priority = (
        "high" if rec in ("buy", "strong_buy") else "medium" if rec in ("sell", "strong_sell") else "low"
    )
    if stop is not None:
        if stop_loss_pct is not None:
            params: Params = {"price": stop, "pct": -abs(stop_loss_pct)}
            points.append(KeyPoint("sell", stop_priority, "kp.stop_loss_policy", params))
        else:
            params = {"price": stop, "pct": -(levels.stop_pct or 0.0)}
            points.append(KeyPoint("sell", stop_priority, "kp.stop_loss_atr", params))
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


def _priority(points: float) -> Priority:
    return "high" if points >= HIGH_SIGNAL_POINTS else "medium" if points >= MEDIUM_SIGNAL_POINTS else "low"


def _signals(signals: Sequence[Signal]) -> list[KeyPoint]:
    points = []
    for side in ("buy", "sell"):
        fired = [s for s in signals if s.side == side and not s.missing and s.contribution > 0]
        # The close above (below) the 25-, 75- and 200-day averages says one thing: one point.
        word = "above" if side == "buy" else "below"
        averages = [s for s in fired if s.message_key == f"signal.close_{word}_ma"]
        candidates: list[tuple[float, str, KeyPoint]] = []
        if len(averages) >= 2:
            fired = [s for s in fired if s not in averages]
            total = round(sum(s.contribution for s in averages), 2)
            distances = [
                abs(float(d)) for s in averages if isinstance(d := s.params.get("dist_pct"), int | float)
            ]
            grouped: Params = {
                "value": averages[0].params.get("value"),
                "mas": [str(s.params.get("ma")) for s in averages],
                "max_dist_pct": max(distances) if distances else None,
                "points": total,
            }
            candidates.append(
                (
                    total,
                    f"close_{word}_mas",
                    KeyPoint(side, _priority(total), f"kp.close_{word}_mas", grouped),
                )
            )
        candidates += [
            (
                s.contribution,
                s.name,
                KeyPoint(s.side, _priority(s.contribution), s.message_key, dict(s.params)),
            )
            for s in fired
        ]
        points += [point for _, _, point in sorted(candidates, key=lambda c: (-c[0], c[1]))[:TOP_SIGNALS]]
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
