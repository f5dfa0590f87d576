"""The stored metrics of every stock: recomputed for the whole universe in one pass after a sync,
read by evaluations, watchlists and the screener. No HTTP here and no commit: the caller's session
scope commits."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from kabu_trade.analysis import repository
from kabu_trade.analysis.catalog import METRICS
from kabu_trade.analysis.models import StockMetrics
from kabu_trade.analysis.scoring import score
from kabu_trade.analysis.universe import compute_universe_metrics
from kabu_trade.core.db import utcnow

__all__ = ["get_metrics", "load_metrics_frame", "refresh_stock_metrics"]

# 300 sessions: the 250 a 52-week range needs, plus room for the recursive indicators (EMA, RSI,
# ADX…) to forget where they started.
DEFAULT_LOOKBACK_SESSIONS = 300
_DAY_METRICS = [name for name, metric in METRICS.items() if metric.unit == "days"]


def refresh_stock_metrics(
    session: Session, as_of: date | None = None, lookback_sessions: int = DEFAULT_LOOKBACK_SESSIONS
) -> int:
    """Recompute and store the metrics of every stock with bars, as of ``as_of`` (default: the
    latest bar date) from its last ``lookback_sessions`` sessions. Returns the rows written."""
    if isinstance(lookback_sessions, bool) or not isinstance(lookback_sessions, int) or lookback_sessions < 1:
        raise ValueError(f"lookback_sessions must be a positive integer, got {lookback_sessions!r}")
    if as_of is not None and not isinstance(as_of, date):
        raise ValueError(f"as_of must be a date or None, got {type(as_of).__name__}")
    end = repository.latest_session(session, as_of)
    if end is None:
        return 0
    start = repository.first_of_last_sessions(session, end, lookback_sessions)
    bars = repository.bars_between(session, start, end)
    disclosures = repository.disclosures_until(session, end)
    # Splits older than the window still convert older per-share figures (last year's EPS).
    splits = repository.split_events(session, end)
    frame = compute_universe_metrics(bars, disclosures, end, splits=splits)
    return repository.upsert_metrics(session, _records(frame))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """stock_metrics rows: the metric values as a JSON document, None where missing."""
    now = utcnow()
    names = list(METRICS)
    values = frame[names].to_numpy(dtype=float)
    finite = np.isfinite(values)
    days = np.isin(names, _DAY_METRICS)
    rows = []
    for code, as_of, bars, row, ok in zip(
        frame["code"], frame["as_of"], frame["bars"], values.tolist(), finite.tolist(), strict=True
    ):
        document = {
            name: (int(x) if is_day else x) if good else None
            for name, x, good, is_day in zip(names, row, ok, days.tolist(), strict=True)
        }
        rows.append(
            {
                "code": code,
                "as_of": as_of,
                "computed_at": now,
                "bars": int(bars),
                "values": document,
                "scores": default_scores(document),
            }
        )
    return rows


def default_scores(metrics: dict[str, Any]) -> dict[str, Any]:
    """Policy-free scores with the default part weights, kept per part so that the screener can
    re-weight the parts for any policy in one vectorised step."""
    result = score(metrics)
    return {
        "buy": result.buy_score,
        "sell": result.sell_score,
        "confidence": result.confidence,
        "recommendation": result.recommendation,
        "parts": result.parts,
    }


def load_metrics_frame(session: Session) -> pd.DataFrame:
    """Every stored row: code, as_of, bars and one float column per catalog metric (NaN = None)."""
    stored = repository.all_metrics(session)
    frame = pd.DataFrame.from_records(
        [{name: m.values.get(name) for name in METRICS} for m in stored], columns=list(METRICS)
    ).astype(float)
    frame.insert(0, "bars", [m.bars for m in stored])
    frame.insert(0, "as_of", [m.as_of for m in stored])
    frame.insert(0, "code", [m.code for m in stored])
    return frame


def get_metrics(session: Session, code: str) -> StockMetrics | None:
    return repository.metrics_of(session, code.strip().upper())
