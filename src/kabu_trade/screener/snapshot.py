"""The universe's latest metrics as numpy-ready columns, kept per process and per market generation.

Loading 4,000 rows of JSON from the database takes far longer than screening them, so each API
process keeps the last snapshot and reloads only when a sync has bumped the market generation
(a single cache read per request, shared through Redis across processes).

The first screen after a sync waits for that load, so it is read column-wise: the metric and score
documents come as their JSON text (no document decoded per row by the driver or SQLAlchemy, no ORM
object), are decoded in one call as one JSON array, and the metrics become one matrix in one numpy
call. Decoding 4,000 documents of ~75 full-precision floats is still most of it (~0.1-0.2 s), so
a snapshot, once built, is shared: the process that builds it for a generation stores its columns
as bytes in the cache (Redis: every API process), and the others read that one value (a few ms)
instead of the metrics table. ``publish_snapshot`` lets the job that changed the data do it right
after bumping the generation, so that no user waits for the first load.
"""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import redis
from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from kabu_trade.analysis.catalog import SCORE_PARTS
from kabu_trade.analysis.models import StockMetrics
from kabu_trade.core.cache import Cache, market_generation
from kabu_trade.market.models import Stock


@dataclass(frozen=True)
class Snapshot:
    generation: str
    frame: pd.DataFrame  # one row per stock: code, name(_en), sector, market, as_of + a column per metric
    part_buy: np.ndarray  # (stocks × parts) default-weight buy points per part
    part_sell: np.ndarray
    part_available: np.ndarray  # (stocks × parts) share of the part's inputs that were present

    @property
    def as_of(self) -> date | None:
        return None if self.frame.empty else max(self.frame["as_of"])


def load_snapshot(session: Session, generation: str) -> Snapshot:
    rows = session.execute(
        select(
            StockMetrics.code,
            StockMetrics.as_of,
            # As text: decoded below in one call, not a document at a time.
            cast(StockMetrics.values, Text),
            cast(StockMetrics.scores, Text),
            Stock.name,
            Stock.name_en,
            Stock.sector_name,
            Stock.sector_code,
            Stock.market,
            Stock.source,
        )
        .join(Stock, Stock.code == StockMetrics.code)
        .where(Stock.listed.is_(True))
        .order_by(StockMetrics.code)
    ).all()
    code, as_of, values, scores, name, name_en, sector, sector_code, market, source = (
        (list(column) for column in zip(*rows, strict=True)) if rows else ([] for _ in range(10))
    )
    base = pd.DataFrame(
        {
            "code": code,
            "as_of": [_as_date(d) for d in as_of],
            "name": name,
            "name_en": name_en,
            "sector": sector,
            "sector_code": sector_code,
            "market": market,
            "source": source,
        },
        columns=["code", "as_of", "name", "name_en", "sector", "sector_code", "market", "source"],
    )
    metrics = _metric_columns(_decoded(values), base.index)
    metrics = metrics.drop(columns=[c for c in base.columns if c in metrics])
    frame = pd.concat([base, metrics], axis=1)
    parts = [(doc or {}).get("parts") or {} for doc in _decoded(scores)]
    shape = (len(rows), len(SCORE_PARTS))
    part_buy, part_sell, part_available = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    for j, part in enumerate(SCORE_PARTS):
        entries = [p.get(part) or _EMPTY for p in parts]
        part_buy[:, j] = [e.get("buy") or 0.0 for e in entries]
        part_sell[:, j] = [e.get("sell") or 0.0 for e in entries]
        part_available[:, j] = [e.get("available") or 0.0 for e in entries]
    return Snapshot(generation, frame, part_buy, part_sell, part_available)


_EMPTY: dict[str, Any] = {}


def _decoded(texts: list[str | None]) -> list[Any]:
    """Every JSON document of a column, decoded in one call (a NULL document is an empty one)."""
    return list(json.loads("[" + ",".join(t or "{}" for t in texts) + "]")) if texts else []


def _metric_columns(documents: list[dict[str, Any]], index: pd.Index) -> pd.DataFrame:
    """One float column per metric (NaN where a document has none).

    The refresh writes every document with the catalog's names in the catalog's order, so the
    usual case is one matrix built from the documents' values in a single numpy call; documents
    of differing shapes (older rows, a catalog that grew) take the general path.
    """
    if not documents:
        return pd.DataFrame(index=index)
    names = tuple(documents[0])
    if all(tuple(doc) == names for doc in documents):
        matrix = np.array([tuple(doc.values()) for doc in documents], dtype=float)
        return pd.DataFrame(matrix, columns=list(names), index=index)
    every = list(dict.fromkeys(name for doc in documents for name in doc))
    return pd.DataFrame(
        {n: np.array([doc.get(n) for doc in documents], dtype=float) for n in every}, index=index
    )


def _as_date(value: date | str) -> date:
    # SQLite hands a date back as ISO text when the column's type is not applied (it is here, but
    # a raw text row must not be mistaken for a date either way).
    return date.fromisoformat(value) if isinstance(value, str) else value


# --- the snapshot as bytes, shared through the cache ---------------------------------------------

_TEXT_COLUMNS = ["code", "name", "name_en", "sector", "sector_code", "market", "source"]
_SHARED_SECONDS = 2 * 86400  # a generation lives a trading day; a newer one makes this unreachable


def shared_key(generation: str) -> str:
    return f"screener:snapshot:{generation}"


def encode_snapshot(snapshot: Snapshot) -> bytes:
    """A JSON header (text columns, dates, metric names), then the float matrices' bytes."""
    frame = snapshot.frame
    names = [c for c in frame.columns if c not in (*_TEXT_COLUMNS, "as_of")]
    header = json.dumps(
        {
            "rows": len(frame),
            "parts": snapshot.part_buy.shape[1],
            "text": {c: frame[c].tolist() for c in _TEXT_COLUMNS},
            "as_of": [d.isoformat() if d is not None else None for d in frame["as_of"]],
            "metrics": names,
        },
        ensure_ascii=False,
    ).encode()
    matrices = [
        frame[names].to_numpy(dtype="<f8"),
        snapshot.part_buy,
        snapshot.part_sell,
        snapshot.part_available,
    ]
    return b"".join(
        [
            len(header).to_bytes(8, "little"),
            header,
            *(np.ascontiguousarray(m, dtype="<f8").tobytes() for m in matrices),
        ]
    )


def decode_snapshot(generation: str, data: bytes) -> Snapshot:
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + size])
    rows, parts, names = header["rows"], header["parts"], header["metrics"]
    offset = 8 + size
    shapes = [(rows, len(names)), (rows, parts), (rows, parts), (rows, parts)]
    matrices = []
    for shape in shapes:
        count = shape[0] * shape[1]
        matrices.append(np.frombuffer(data, dtype="<f8", count=count, offset=offset).reshape(shape).copy())
        offset += count * 8
    # Strict: a snapshot shared by an older version (a text column missing) is a KeyError, and
    # ``_shared`` then loads the snapshot from the database instead of serving the gap as NaN.
    base = pd.DataFrame({c: header["text"][c] for c in _TEXT_COLUMNS}, columns=_TEXT_COLUMNS)
    base.insert(1, "as_of", [date.fromisoformat(d) if d else None for d in header["as_of"]])
    frame = pd.concat([base, pd.DataFrame(matrices[0], columns=names)], axis=1)
    return Snapshot(generation, frame, matrices[1], matrices[2], matrices[3])


def _shared(cache: Cache, generation: str) -> Snapshot | None:
    if cache.backend == "memory":
        return None  # one process: the snapshot in memory is all there is
    try:
        data = cache.get_bytes(shared_key(generation))
        return decode_snapshot(generation, data) if data else None
    except (redis.RedisError, ValueError, KeyError):
        return None  # unreadable (another version's, or Redis failing): load from the database


def _share(cache: Cache, snapshot: Snapshot) -> None:
    if cache.backend == "memory" or snapshot.generation.startswith("local-"):
        return  # nothing to share with, or a generation of this process alone (Redis away)
    with contextlib.suppress(redis.RedisError):
        cache.set_bytes(shared_key(snapshot.generation), encode_snapshot(snapshot), _SHARED_SECONDS)


class SnapshotCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    def get(self, session: Session, cache: Cache) -> Snapshot:
        generation = market_generation(cache)
        snapshot = self._snapshot
        if snapshot is not None and snapshot.generation == generation:
            return snapshot
        with self._lock:
            if self._snapshot is None or self._snapshot.generation != generation:
                self._snapshot = _shared(cache, generation) or self._load(session, cache, generation)
            return self._snapshot

    def _load(self, session: Session, cache: Cache, generation: str) -> Snapshot:
        snapshot = load_snapshot(session, generation)
        _share(cache, snapshot)
        return snapshot

    def publish(self, session: Session, cache: Cache) -> Snapshot:
        """Build the current generation's snapshot now (the job that changed the data calls this
        right after bumping the generation): kept here, and shared with every API process."""
        generation = market_generation(cache)
        with self._lock:
            self._snapshot = self._load(session, cache, generation)
            return self._snapshot

    def clear(self) -> None:
        with self._lock:
            self._snapshot = None
