"""Scores on hand-built price series whose right answer is known: prices → TA-Lib metrics →
scores, levels and key points, exactly as the engine runs on real data."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from kabu_trade.analysis.indicators import technical_metrics
from kabu_trade.evaluations.engine import evaluate

POLICY: dict[str, Any] = {
    "version": 1,
    "style": "swing",
    "horizon": "short",
    "risk_tolerance": 3,
    "target_return_pct": 15,
    "stop_loss_pct": 8,
    "trailing_stop_pct": None,
    "weights": {},
    "rules": [],
}


def bars(closes: np.ndarray, volume: np.ndarray | None = None, spread: float = 0.01) -> pd.DataFrame:
    n = len(closes)
    start = date(2023, 1, 4)
    days = [start + timedelta(days=i) for i in range(n)]
    opens = np.r_[closes[0], closes[:-1]]
    high = np.maximum(opens, closes) * (1 + spread)
    low = np.minimum(opens, closes) * (1 - spread)
    vol = volume if volume is not None else np.full(n, 200_000.0)
    return pd.DataFrame(
        {"date": days, "open": opens, "high": high, "low": low, "close": closes, "volume": vol}
    )


def wiggle(n: int, amplitude: float = 0.004, seed: int = 7) -> np.ndarray:
    return 1 + np.random.default_rng(seed).normal(0, amplitude, n)


def result_for(frame: pd.DataFrame, fundamentals: dict[str, float | None] | None = None) -> dict[str, Any]:
    metrics = {**technical_metrics(frame), **(fundamentals or {})}
    return evaluate(metrics, POLICY)


def part_points(result: dict[str, Any], part: str, side: str) -> float:
    return sum(s["contribution"] for s in result["signals"] if s["part"] == part and s["side"] == side)


def test_clean_uptrend_is_a_buy() -> None:
    closes = 1000 * np.cumprod(np.full(300, 1.003) * wiggle(300))
    result = result_for(bars(closes))
    assert result["buy_score"] > result["sell_score"]
    assert result["recommendation"] in {"buy", "strong_buy"}
    assert part_points(result, "trend", "buy") >= 10
    assert part_points(result, "trend", "sell") == 0


def test_crash_through_the_stop_loss_turns_to_sell() -> None:
    rising = 2000 * np.cumprod(np.full(260, 1.002) * wiggle(260))
    before = result_for(bars(rising))
    stop = before["levels"]["stop_loss_price"]
    assert stop is not None and stop < rising[-1]
    falling = rising[-1] * np.cumprod(np.full(15, 0.97))
    volume = np.r_[np.full(272, 200_000.0), np.full(3, 900_000.0)]  # heavy selling at the end
    crashed = np.r_[rising, falling]
    after = result_for(bars(crashed, volume))
    assert crashed[-1] < stop  # the crash went through the stop-loss set before it
    assert after["sell_score"] > after["buy_score"]
    assert after["recommendation"] in {"sell", "strong_sell"}
    assert part_points(after, "trend", "sell") > 0 and part_points(after, "volume", "sell") > 0


def test_oversold_bounce_scores_mean_reversion_buy_points() -> None:
    flat = 1500 * wiggle(200, 0.003)
    slide = flat[-1] * np.cumprod(np.full(25, 0.975))
    closes = np.r_[flat, slide, slide[-1] * 1.01]
    result = result_for(bars(closes))
    metrics = technical_metrics(bars(closes))
    assert metrics["rsi_14"] is not None and metrics["rsi_14"] < 30
    assert part_points(result, "mean_reversion", "buy") >= 5
    names = {s["name"] for s in result["signals"] if s["contribution"] > 0}
    assert any("rsi" in name for name in names)


def test_value_stock_with_poor_momentum() -> None:
    closes = 800 * np.cumprod(np.full(260, 0.9985) * wiggle(260))
    fundamentals = {
        "per": 7.0,
        "forward_per": 6.5,
        "pbr": 0.6,
        "roe": 9.0,
        "dividend_yield": 4.5,
        "payout_ratio": 35.0,
        "equity_ratio": 55.0,
        "operating_margin": 8.0,
        "sales_growth_pct": 1.0,
        "eps_growth_pct": 2.0,
    }
    result = result_for(bars(closes), fundamentals)
    fundamental_buy = sum(part_points(result, p, "buy") for p in ("value", "quality", "income"))
    technical_sell = sum(part_points(result, p, "sell") for p in ("trend", "momentum"))
    assert part_points(result, "value", "buy") >= 10
    assert fundamental_buy >= 20 and technical_sell >= 10
    assert part_points(result, "value", "sell") == 0
