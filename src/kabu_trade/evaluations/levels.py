"""Concrete price levels for one stock: entry zone, target, stop-loss, trailing stop.

**ATR** is ``atr_14``; without it ``atr_pct × close``; without both, 2 % of the close (said in
``basis``).

**Entry zone**: a band around the nearest support at or below the close — the highest of
``sma_25``, ``bb_lower`` and ``support_1`` (``support_2`` only when none of those is below the
close). ``entry_low = support − 0.25 × ATR`` and ``entry_high = min(close, support + r × ATR)``,
where the reach ``r`` grows with the risk tolerance (1 → 0.25 … 3 or none → 0.5 … 5 → 0.75): a
bolder investor pays closer to the current price. Other supports within 0.5 × ATR of the chosen
one are named with it (confluence: "25-day MA / lower Bollinger band"). With no support below the
close the zone is built on ``close − 1 × ATR``. Always ``entry_low ≤ entry_high ≤ close`` (to the
tick).

**Target**: the entry midpoint × (1 + target_return_pct / 100), default 10 %. A nearest resistance
between the midpoint and the target is *said* in ``basis`` (the policy's figure stays the rule).

**Stop-loss**: the policy's percentage is the rule — midpoint × (1 − stop_loss_pct / 100), never
widened. When it lies within 1 × ATR of the midpoint (inside normal daily noise) ``basis`` says so
rather than quietly risking more than the policy allows. Without a policy: midpoint − k × ATR with
k = 2 (risk tolerance 1 → 1.5 … 5 → 3). If the stop reaches into the entry zone, the zone's low
end is raised to one tick above the stop, so ``stop < entry_low ≤ entry_high < target``.

**Trailing stop** (only with ``trailing_stop_pct``): the close × (1 − pct / 100), to be raised with
new highs.

Prices are rounded to the TSE tick (``tick_round``): entry_low and the ATR stop down, the policy's
stop and trailing stop up (so the loss never exceeds the policy's percentage, unless it is smaller
than one tick), the rest to the nearest tick. ``risk_reward`` = (target − midpoint) / (midpoint − stop).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from kabu_trade.analysis.signals import Params, clean_metrics

Rounding = Literal["nearest", "down", "up"]

# Standard TSE tick sizes (呼値): (price up to and including, tick).
TICK_TABLE: tuple[tuple[float, float], ...] = (
    (3_000, 1),
    (5_000, 5),
    (30_000, 10),
    (50_000, 50),
    (300_000, 100),
    (500_000, 500),
    (3_000_000, 1_000),
    (5_000_000, 5_000),
    (30_000_000, 10_000),
    (50_000_000, 50_000),
    (math.inf, 100_000),
)
# In ticks: a price this close to a grid point is on it, so that float noise from arithmetic such as
# 3000 × 1.1 = 3300.0000000000005 never moves a "down" or "up" rounding by a whole tick. The levels
# may therefore lie this far beyond the bound they are rounded towards (e.g. entry_high above a close
# of 50.9999999999 is 51).
GRID_TOLERANCE = 1e-9
DEFAULT_TARGET_PCT = 10.0
FALLBACK_ATR_PCT = 2.0
ENTRY_BELOW_ATR = 0.25
ENTRY_REACH_ATR = {1: 0.25, 2: 0.375, 3: 0.5, 4: 0.625, 5: 0.75}
STOP_ATR_MULTIPLE = {1: 1.5, 2: 1.75, 3: 2.0, 4: 2.5, 5: 3.0}
CONFLUENCE_ATR = 0.5
SUPPORTS = ("sma_25", "bb_lower", "support_1")

MESSAGE_KEYS = frozenset(
    {
        "level.no_close",
        "level.atr_fallback",
        "level.entry_support",
        "level.entry_no_support",
        "level.entry_narrowed",
        "level.target_policy",
        "level.target_default",
        "level.target_beyond_resistance",
        "level.stop_policy",
        "level.stop_atr",
        "level.stop_inside_noise",
        "level.trailing_stop",
    }
)


@dataclass(frozen=True)
class Basis:
    level: str  # entry, target, stop_loss, trailing_stop, atr, all
    message_key: str
    params: Params = field(default_factory=dict)


@dataclass(frozen=True)
class Levels:
    entry_low: float | None = None
    entry_high: float | None = None
    target_price: float | None = None
    stop_loss_price: float | None = None
    trailing_stop_price: float | None = None
    risk_reward: float | None = None
    entry_mid: float | None = None
    target_pct: float | None = None  # above entry_mid
    stop_pct: float | None = None  # below entry_mid (a positive number)
    target_rule: Literal["policy", "default"] | None = None
    stop_rule: Literal["policy", "atr"] | None = None
    support: float | None = None
    support_sources: list[str] = field(default_factory=list)  # metric names, [] = from ATR only
    atr: float | None = None
    basis: list[Basis] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def tick_size(price: float) -> float:
    """The TSE tick (呼値) for a price. Every band's upper limit is a multiple of the next band's tick,
    so the valid prices around any price are at most ``tick_size(price)`` apart: the nearest one is
    within half that tick (its own tick may be smaller: 300,080 → 300,000, whose tick is ¥100)."""
    return next(tick for limit, tick in TICK_TABLE if price <= limit)


def tick_round(price: float, mode: Rounding = "nearest") -> float:
    """``price`` on the TSE tick grid: ¥1 up to ¥3,000, ¥5 to ¥5,000, ¥10 to ¥30,000, ¥50 to ¥50,000,
    ¥100 to ¥300,000, then the larger standard ticks."""
    if not math.isfinite(price) or price < 0:
        raise ValueError(f"price must be a finite number ≥ 0, got {price!r}")
    tick = tick_size(price)
    steps = price / tick
    if mode == "nearest":
        n = math.floor(steps + 0.5)
    elif mode == "down":
        n = math.floor(steps + GRID_TOLERANCE)
    elif mode == "up":
        n = math.ceil(steps - GRID_TOLERANCE)
    else:
        raise ValueError(f"mode must be nearest, down or up, got {mode!r}")
    return float(n * tick)


def next_tick_above(price: float) -> float:
    """The lowest valid price strictly above a price on the grid."""
    return tick_round(price + 0.5, "up")


def _pct(name: str, value: float | None, upper: float | None) -> float | None:
    if value is None:
        return None
    if not math.isfinite(value) or value <= 0 or (upper is not None and value >= upper):
        bound = f"between 0 and {upper:g} (exclusive)" if upper is not None else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return float(value)


def price_levels(
    metrics: Mapping[str, float | None],
    *,
    target_return_pct: float | None,
    stop_loss_pct: float | None,
    trailing_stop_pct: float | None = None,
    risk_tolerance: int | None = None,
) -> Levels:
    """Entry zone, target, stop-loss (and trailing stop) from ``metrics`` and a policy's figures."""
    target_pct = _pct("target_return_pct", target_return_pct, None)
    stop_pct = _pct("stop_loss_pct", stop_loss_pct, 100.0)
    trailing_pct = _pct("trailing_stop_pct", trailing_stop_pct, 100.0)
    if risk_tolerance is not None and risk_tolerance not in ENTRY_REACH_ATR:
        raise ValueError(f"risk_tolerance must be 1–5, got {risk_tolerance!r}")
    tolerance = risk_tolerance or 3

    values = clean_metrics(metrics)
    close = values.get("close")
    if close is None or close <= 0:
        return Levels(basis=[Basis("all", "level.no_close")])
    basis: list[Basis] = []
    atr = _atr(values, close, basis)

    # entry zone
    candidates = {n: values[n] for n in SUPPORTS if 0 < values.get(n, -1.0) <= close}
    if not candidates and 0 < values.get("support_2", -1.0) <= close:
        candidates = {"support_2": values["support_2"]}
    support = max(candidates.values(), default=None)
    reach = ENTRY_REACH_ATR[tolerance]
    base = support if support is not None else max(close - atr, close * 0.5)
    entry_low = tick_round(max(base - ENTRY_BELOW_ATR * atr, 1.0), "down")
    entry_high = max(entry_low, min(tick_round(min(close, base + reach * atr)), tick_round(close, "down")))
    mid = (entry_low + entry_high) / 2
    if support is not None:
        sources = [n for n, v in candidates.items() if support - v <= CONFLUENCE_ATR * atr]
        params: Params = {"low": entry_low, "high": entry_high, "support": support, "sources": sources}
        basis.append(Basis("entry", "level.entry_support", {**params, "atr": round(atr, 2), "reach": reach}))
    else:
        sources = []
        basis.append(
            Basis("entry", "level.entry_no_support", {"low": entry_low, "high": entry_high, "close": close})
        )

    # target
    target_rule: Literal["policy", "default"] = "policy" if target_pct is not None else "default"
    wanted = target_pct if target_pct is not None else DEFAULT_TARGET_PCT
    target = max(tick_round(mid * (1 + wanted / 100)), next_tick_above(entry_high))
    basis.append(
        Basis("target", f"level.target_{target_rule}", {"price": target, "pct": wanted, "base": mid})
    )
    resistance = values.get("resistance_1")
    if resistance is not None and mid < resistance < target:
        basis.append(
            Basis("target", "level.target_beyond_resistance", {"price": target, "resistance": resistance})
        )

    # stop-loss
    stop_rule: Literal["policy", "atr"]
    if stop_pct is not None:
        stop_rule = "policy"
        stop = tick_round(mid * (1 - stop_pct / 100), "up")  # never a bigger loss than the policy's
        if stop >= mid:  # a percentage smaller than one tick
            stop = tick_round(mid * (1 - stop_pct / 100), "down")
        basis.append(Basis("stop_loss", "level.stop_policy", {"price": stop, "pct": stop_pct, "base": mid}))
    else:
        stop_rule = "atr"
        multiple = STOP_ATR_MULTIPLE[tolerance]
        stop = tick_round(max(mid - multiple * atr, 0.0), "down")
        implied = round((1 - stop / mid) * 100, 2)
        basis.append(
            Basis(
                "stop_loss",
                "level.stop_atr",
                {"price": stop, "multiple": multiple, "atr": round(atr, 2), "pct": implied},
            )
        )
    if mid - stop < atr:
        noise: Params = {
            "distance_pct": round((1 - stop / mid) * 100, 2),
            "atr_pct": round(atr / close * 100, 2),
        }
        basis.append(Basis("stop_loss", "level.stop_inside_noise", noise))
    if stop >= entry_low:
        entry_low = next_tick_above(stop)
        basis.append(Basis("entry", "level.entry_narrowed", {"low": entry_low, "stop": stop}))

    trailing = None
    if trailing_pct is not None:
        trailing = tick_round(close * (1 - trailing_pct / 100), "up")
        if trailing >= close:  # a percentage smaller than one tick
            trailing = tick_round(close * (1 - trailing_pct / 100), "down")
        basis.append(
            Basis(
                "trailing_stop",
                "level.trailing_stop",
                {"price": trailing, "pct": trailing_pct, "reference": close},
            )
        )

    return Levels(
        entry_low=entry_low,
        entry_high=entry_high,
        target_price=target,
        stop_loss_price=stop,
        trailing_stop_price=trailing,
        risk_reward=round((target - mid) / (mid - stop), 2) if mid > stop else None,
        entry_mid=mid,
        target_pct=round((target / mid - 1) * 100, 2),
        stop_pct=round((1 - stop / mid) * 100, 2),
        target_rule=target_rule,
        stop_rule=stop_rule,
        support=support,
        support_sources=sources,
        atr=round(atr, 2),
        basis=basis,
    )


def _atr(values: Mapping[str, float], close: float, basis: list[Basis]) -> float:
    atr = values.get("atr_14")
    if atr is not None and atr > 0:
        return atr
    atr_pct = values.get("atr_pct")
    if atr_pct is not None and atr_pct > 0:
        return close * atr_pct / 100
    fallback = close * FALLBACK_ATR_PCT / 100
    basis.append(Basis("atr", "level.atr_fallback", {"pct": FALLBACK_ATR_PCT, "atr": round(fallback, 2)}))
    return fallback
