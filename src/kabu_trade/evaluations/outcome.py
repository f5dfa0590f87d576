"""Grade a past evaluation against what the price did afterwards (split-adjusted)."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from kabu_trade.market import repository as market
from kabu_trade.market.adjustments import adjust_bars


def outcome_since(session: Session, code: str, as_of: date, levels: dict[str, Any]) -> dict[str, Any] | None:
    bars = market.bars_frame(session, code, start=as_of)
    if bars.empty:
        return None
    bars = adjust_bars(bars, market.split_events(session, code, after=as_of))
    base = float(bars["close"].iloc[0]) if pd.notna(bars["close"].iloc[0]) else None
    after = bars.iloc[1:]
    last = bars.iloc[-1]
    target, stop = levels.get("target_price"), levels.get("stop_loss_price")
    # The target/stop were set on the prices of as_of; later splits rescale them too.
    factor = float(np.prod([f for _, f in market.split_events(session, code, after=as_of)] or [1.0]))
    target = target * factor if target else None
    stop = stop * factor if stop else None
    hit_target_at = _first(after, after["high"] >= target) if target else None
    hit_stop_at = _first(after, after["low"] <= stop) if stop else None
    first_hit = None
    if hit_target_at is not None or hit_stop_at is not None:
        candidates = [(d, name) for d, name in ((hit_target_at, "target"), (hit_stop_at, "stop_loss")) if d]
        first_hit = min(candidates)[1]
    last_close = float(last["close"]) if pd.notna(last["close"]) else None
    return {
        "days": len(after),
        "close_at_evaluation": base,
        "last_close": last_close,
        "last_date": last["date"],
        "return_pct": round((last_close / base - 1) * 100, 2) if base and last_close else None,
        "max_high": float(after["high"].max()) if len(after) else None,
        "min_low": float(after["low"].min()) if len(after) else None,
        "hit_target": None if target is None else hit_target_at is not None,
        "hit_stop_loss": None if stop is None else hit_stop_at is not None,
        "first_hit": first_hit,
    }


def _first(frame: pd.DataFrame, mask: pd.Series) -> date | None:
    hits = frame.loc[mask.fillna(False), "date"]
    return hits.iloc[0] if len(hits) else None
