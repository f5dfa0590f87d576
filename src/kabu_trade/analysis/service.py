"""The stored metrics of every stock: recomputed for the whole universe after a sync, read by
evaluations, watchlists and the screener. No HTTP here.

The universe is refreshed in chunks of stocks: read a chunk's bars, disclosures and splits as numpy
columns, compute its metrics (a stock's metrics never depend on the other stocks computed with it:
``analysis.universe``), score them all at once, write the rows, let the chunk go. Memory is bounded
by the chunk size, not by the universe. The window (the last ``lookback_sessions`` distinct dates of
the whole market) is chosen once, before the first chunk, so chunking changes no result.

``refresh_stock_metrics`` runs in the caller's transaction (the caller's session scope commits);
``refresh_all_metrics`` commits after each chunk, for a job that reports progress and should hold
no write lock for the whole refresh.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from kabu_trade.analysis import repository
from kabu_trade.analysis.catalog import METRICS
from kabu_trade.analysis.models import StockMetrics
from kabu_trade.analysis.scoring import score, score_frame
from kabu_trade.analysis.universe import compute_universe_metrics
from kabu_trade.core.db import session_scope, utcnow

__all__ = [
    "DEFAULT_CHUNK_STOCKS",
    "get_metrics",
    "load_metrics_frame",
    "refresh_all_metrics",
    "refresh_stock_metrics",
]

# 300 sessions: the 250 a 52-week range needs, plus room for the recursive indicators (EMA, RSI,
# ADX…) to forget where they started.
DEFAULT_LOOKBACK_SESSIONS = 300
# 500 stocks × 300 sessions are 150,000 bars: a few tens of MB while a chunk is worked on, and few
# enough round trips that the chunking costs no time.
DEFAULT_CHUNK_STOCKS = 500
_NAMES = list(METRICS)
_DAY_COLUMNS = np.array([METRICS[name].unit == "days" for name in _NAMES])

Progress = Callable[[int, int], None]  # (stocks looked at, stocks to look at)


@dataclass(frozen=True)
class _Plan:
    """What every chunk of one refresh shares: the market's window and the stocks to look at."""

    start: date | None
    end: date
    codes: list[str]

    def chunks(self, size: int) -> Iterator[list[str]]:
        for first in range(0, len(self.codes), size):
            yield self.codes[first : first + size]


def refresh_stock_metrics(
    session: Session,
    as_of: date | None = None,
    lookback_sessions: int = DEFAULT_LOOKBACK_SESSIONS,
    *,
    chunk_size: int = DEFAULT_CHUNK_STOCKS,
    progress: Progress | None = None,
) -> int:
    """Recompute and store the metrics of every stock with bars, as of ``as_of`` (default: the
    latest bar date) from its last ``lookback_sessions`` sessions, in the caller's transaction.
    Returns the rows written."""
    plan = _plan(session, as_of, lookback_sessions, chunk_size)
    if plan is None:
        return 0
    return _refresh(
        plan, chunk_size, session, lambda rows: repository.upsert_metrics(session, rows), progress
    )


def refresh_all_metrics(
    sessions: sessionmaker[Session],
    as_of: date | None = None,
    lookback_sessions: int = DEFAULT_LOOKBACK_SESSIONS,
    *,
    chunk_size: int = DEFAULT_CHUNK_STOCKS,
    progress: Progress | None = None,
) -> int:
    """``refresh_stock_metrics`` with one transaction per chunk (each committed before the next is
    written), for the jobs: a write lock is held for one chunk at a time and ``progress`` reports
    committed work. A failure leaves the chunks before it refreshed. Returns the rows written."""

    def write(rows: list[dict[str, Any]]) -> int:
        with session_scope(sessions) as session:
            return repository.upsert_metrics(session, rows)

    with session_scope(sessions) as reads:  # reads only: its commit at the end writes nothing
        plan = _plan(reads, as_of, lookback_sessions, chunk_size)
        if plan is None:
            return 0
        return _refresh(plan, chunk_size, reads, write, progress)


def _plan(session: Session, as_of: date | None, lookback_sessions: int, chunk_size: int) -> _Plan | None:
    for name, value in (("lookback_sessions", lookback_sessions), ("chunk_size", chunk_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if as_of is not None and not isinstance(as_of, date):
        raise ValueError(f"as_of must be a date or None, got {type(as_of).__name__}")
    end = repository.latest_session(session, as_of)
    if end is None:
        return None
    start = repository.first_of_last_sessions(session, end, lookback_sessions)
    return _Plan(start, end, repository.stock_codes(session))


@dataclass(frozen=True)
class _MarketData:
    bars: pd.DataFrame
    disclosures: pd.DataFrame
    splits: pd.DataFrame


def _read_chunk(session: Session, plan: _Plan, codes: Sequence[str]) -> _MarketData:
    return _MarketData(
        repository.bars_of(session, codes, plan.start, plan.end),
        repository.disclosures_of(session, codes, plan.end),
        # Every split of these stocks up to the end: those inside the window adjust the bars (read
        # without adj_factor), older ones still convert older per-share figures (last year's EPS).
        repository.split_events_of(session, codes, plan.end),
    )


def _refresh(
    plan: _Plan,
    chunk_size: int,
    reads: Session,
    write: Callable[[list[dict[str, Any]]], int],
    progress: Progress | None,
) -> int:
    """Read, compute, write chunk after chunk, reading the next chunk while this one is computed.

    The read runs in a helper thread (the database works, or the driver waits for it, while this
    thread computes); it uses ``reads`` — possibly the writing session's own connection — but never
    at the same time as this thread: each write waits for the read in flight. At most two chunks'
    market data are held at once.
    """
    chunks = list(plan.chunks(chunk_size))
    if not chunks:
        return 0
    written = done = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="metrics-read") as reader:
        pending = reader.submit(_read_chunk, reads, plan, chunks[0])
        for index, codes in enumerate(chunks):
            data = pending.result()
            if index + 1 < len(chunks):
                pending = reader.submit(_read_chunk, reads, plan, chunks[index + 1])
            frame = compute_universe_metrics(data.bars, data.disclosures, plan.end, splits=data.splits)
            del data
            rows = _records(frame)
            pending.result()  # the connection is free again
            written += write(rows)
            done += len(codes)
            if progress is not None:
                progress(done, len(plan.codes))
    return written


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """stock_metrics rows: the metric values as a JSON document (None where missing, whole days as
    int) and the default scores of exactly those values."""
    now = utcnow()
    values = frame[_NAMES].to_numpy(dtype=float)
    finite = np.isfinite(values)
    # What is stored is what is scored: day counts as whole numbers (int() truncates), the rest as is.
    stored = np.where(finite, values, np.nan)
    stored[:, _DAY_COLUMNS] = np.trunc(stored[:, _DAY_COLUMNS])
    cells = stored.astype(object)
    days = stored[:, _DAY_COLUMNS]
    cells[:, _DAY_COLUMNS] = np.where(np.isfinite(days), days, 0).astype(np.int64).astype(object)
    cells[~finite] = None
    documents = [dict(zip(_NAMES, row, strict=True)) for row in cells.tolist()]
    scores = _frame_scores(pd.DataFrame(stored, columns=_NAMES, copy=False))
    return [
        {
            "code": code,
            "as_of": as_of,
            "computed_at": now,
            "bars": bars,
            "values": document,
            "scores": scored,
        }
        for code, as_of, bars, document, scored in zip(
            frame["code"].tolist(),
            frame["as_of"].tolist(),
            frame["bars"].astype(np.int64).tolist(),
            documents,
            scores,
            strict=True,
        )
    ]


def _frame_scores(metrics: pd.DataFrame) -> list[dict[str, Any]]:
    """``default_scores`` of every row, computed for all rows at once."""
    scored = score_frame(metrics)
    return [
        {"buy": buy, "sell": sell, "confidence": confidence, "recommendation": recommendation, "parts": parts}
        for buy, sell, confidence, recommendation, parts in zip(
            scored.buy.tolist(),
            scored.sell.tolist(),
            scored.confidence.tolist(),
            scored.recommendation.tolist(),
            scored.parts(),
            strict=True,
        )
    ]


def default_scores(metrics: dict[str, Any]) -> dict[str, Any]:
    """Policy-free scores with the default part weights, kept per part so that the screener can
    re-weight the parts for any policy in one vectorised step (one stock; the refresh scores whole
    chunks with ``score_frame``, which gives the same)."""
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
