"""Benchmark: the metrics refresh end to end (read + compute + score + write), and the peak memory
of ``kabu-trade metrics refresh``, on SQLite and PostgreSQL.

- **End to end** at 4,000 stocks × 300 sessions (``--quick``: 320), on private databases filled
  with the synthetic universe (bars inserted day by day, as daily syncs leave them): kabu-trade's
  ``refresh_stock_metrics`` (chunks of 500 stocks read as numpy columns, scores of a whole chunk at
  once) against the refresh as it was before issue 8, kept verbatim in ``bench/_refresh_baseline.py``
  (the whole window read as Row objects in one query, scores stock by stock, the same upsert). The
  two run alternately, the same number of times, on the same database; each run commits its
  4,000 rows. Printed: min / median of each, the phase split (read / compute / score / write,
  medians) with the process's CPU time beside the wall time (on a shared machine the CPU time
  says what the wall time would be without the neighbours), and whether both stored the same
  values and scores.
- **Peak memory** of ``kabu-trade metrics refresh`` (a subprocess; resident memory of its process
  tree sampled every 50 ms) at 320, 1,000 and 4,000 stocks × 5 years of stored bars (1,250
  sessions), beside the same command running the baseline refresh (``python -m bench._refresh_baseline``).

    python -m bench refresh [--quick] [--databases sqlite,postgresql] [--symbols 4000]
                            [--repeat 3] [--rss-symbols 320,1000,4000] [--rss-sessions 1250] [--keep]

``--quick``: 320 stocks, peak memory at 320 stocks × 300 sessions only. ``--keep`` keeps the filled
databases (``bench_refresh_<stocks>_<sessions>``; SQLite files in the system's temporary folder)
and reuses them in the next run: filling 4,000 × 1,250 bars on PostgreSQL takes minutes. Without
it, a run's databases carry its process id and are dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench import _refresh_baseline as baseline
from bench._measure import Timing, compare, figure, peak_rss_mb, repeat
from bench._refresh_data import BenchDatabase, drop, prepare
from bench._server import postgres_reachable
from kabu_trade.analysis import repository, service
from kabu_trade.analysis.models import StockMetrics
from kabu_trade.core.db import create_db_engine, create_session_factory, session_scope

DATABASES = ("sqlite", "postgresql")
_KEPT = Path(tempfile.gettempdir()) / "kabu-bench-refresh"  # --keep: databases found again here

# What each phase wraps, on each side. "records" builds the stored rows and includes "score".
_OURS = {
    "read": [
        (repository, "latest_session"),
        (repository, "first_of_last_sessions"),
        (repository, "stock_codes"),
        (repository, "bars_of"),
        (repository, "disclosures_of"),
        (repository, "split_events_of"),
    ],
    "compute": [(service, "compute_universe_metrics")],
    "records": [(service, "_records")],
    "score": [(service, "_frame_scores")],
    "upsert": [(repository, "upsert_metrics")],
}
_BASELINE = {
    "read": [
        (baseline, "latest_session"),
        (baseline, "first_of_last_sessions"),
        (baseline, "bars_between"),
        (baseline, "disclosures_until"),
        (baseline, "split_events"),
    ],
    "compute": [(baseline, "compute_universe_metrics")],
    "records": [(baseline, "_records")],
    "score": [(baseline, "default_scores")],
    "upsert": [(baseline, "upsert_metrics")],
}


@dataclass
class Phases:
    """Seconds per phase of one run (summed over the chunks), and the process's CPU time."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    cpu: float = 0.0

    def split(self) -> dict[str, float]:
        """read / compute / score / write, where write = building the documents + the upsert."""
        s = self.seconds
        return {
            "read": s["read"],
            "compute": s["compute"],
            "score": s["score"],
            "write": s["records"] - s["score"] + s["upsert"],
        }


@contextmanager
def _timed(wrapped: dict[str, list[tuple[Any, str]]], phases: Phases) -> Iterator[None]:
    """Every function of ``wrapped`` adds its time to its phase while the block runs."""
    originals = []
    for phase, targets in wrapped.items():
        for module, name in targets:
            original = getattr(module, name)
            originals.append((module, name, original))

            def timed(*args: Any, _f: Callable[..., Any] = original, _p: str = phase, **kw: Any) -> Any:
                started = time.perf_counter()
                try:
                    return _f(*args, **kw)
                finally:
                    phases.seconds[_p] += time.perf_counter() - started

            setattr(module, name, timed)
    try:
        yield
    finally:
        for module, name, original in originals:
            setattr(module, name, original)


def _stored(sessions: Any) -> dict[str, tuple[Any, ...]]:
    with session_scope(sessions) as session:
        return {m.code: (m.as_of, m.bars, m.values, m.scores) for m in session.scalars(select(StockMetrics))}


def end_to_end(db: BenchDatabase, times: int) -> None:
    engine = create_db_engine(db.url)
    sessions = create_session_factory(engine)
    runs: dict[str, list[Phases]] = {"kabu-trade": [], "baseline": []}
    samples: dict[str, list[float]] = {"kabu-trade": [], "baseline": []}
    results = {}
    sides = {
        "kabu-trade": (service.refresh_stock_metrics, _OURS),
        "baseline": (baseline.refresh_stock_metrics, _BASELINE),
    }
    try:
        for _ in range(times):  # alternately, so that both sides meet the same neighbours
            for side, (refresh, wrapped) in sides.items():
                phases = Phases()

                def run(refresh: Callable[..., int] = refresh) -> int:
                    with session_scope(sessions) as session:
                        return refresh(session)

                cpu = time.process_time()
                with _timed(wrapped, phases):
                    timing, written = repeat(run, 1)
                phases.cpu = time.process_time() - cpu
                if written != db.stocks:
                    raise RuntimeError(f"{side} wrote {written} rows, expected {db.stocks}")
                samples[side].extend(timing.samples)
                runs[side].append(phases)
                results[side] = _stored(sessions)
    finally:
        engine.dispose()

    label = f"refresh end to end {db.backend} {db.stocks}×{db.sessions} ({db.bars:,} bars)"
    ours, theirs = (Timing(tuple(samples[s])) for s in ("kabu-trade", "baseline"))
    compare(label, ours, theirs, "before issue 8 (Row objects, per-stock scores)")
    parts = []
    for name in ("read", "compute", "score", "write"):
        mine = statistics.median(r.split()[name] for r in runs["kabu-trade"])
        before = statistics.median(r.split()[name] for r in runs["baseline"])
        parts.append(f"{name} {mine:.2f} | {before:.2f}")
    cpu_ours = statistics.median(r.cpu for r in runs["kabu-trade"])
    cpu_before = statistics.median(r.cpu for r in runs["baseline"])
    parts.append(f"CPU of this process {cpu_ours:.2f} | {cpu_before:.2f}")
    # kabu-trade reads the next chunk in a helper thread while it computes: its phases overlap.
    figure(f"{label} phases, median s (kabu-trade | before; kabu-trade's read overlaps)", " · ".join(parts))
    same = results["kabu-trade"].keys() == results["baseline"].keys() and all(
        results["kabu-trade"][code] == results["baseline"][code] for code in results["baseline"]
    )
    verdict = "yes" if same else "NO"
    figure(f"{label} same stored values and scores", f"{verdict} ({len(results['baseline'])} stocks)")


def peak_memory(db: BenchDatabase, folder: Path) -> None:
    env = {"KABU_DATABASE_URL": db.url, "KABU_DATA_DIR": str(folder / "data"), "KABU_LOG_LEVEL": "WARNING"}
    kabu = Path(sys.executable).with_name("kabu-trade")
    ours = peak_rss_mb([str(kabu), "metrics", "refresh"], env=env)
    before = peak_rss_mb([sys.executable, "-m", "bench._refresh_baseline"], env=env)
    for name, run in (("kabu-trade", ours), ("baseline", before)):
        if run.returncode != 0:
            raise RuntimeError(f"{name} refresh failed ({run.returncode}): {run.output[-2000:]}")
    size = f"{db.stocks} stocks × {db.sessions} sessions ({db.bars:,} bars)"
    figure(
        f"metrics refresh peak RSS {db.backend} {size}",
        f"kabu-trade metrics refresh {ours.peak_rss_mb:.0f} MB ({ours.seconds:.1f} s) · "
        f"before issue 8 {before.peak_rss_mb:.0f} MB ({before.seconds:.1f} s)",
    )


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench refresh", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="320 stocks, 2 runs a side; peak memory at 320 × 300 only"
    )
    parser.add_argument("--databases", default=",".join(DATABASES))
    parser.add_argument("--symbols", type=int, default=4000)
    parser.add_argument("--sessions", type=int, default=service.DEFAULT_LOOKBACK_SESSIONS)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side (default 3)")
    parser.add_argument("--rss-symbols", default="320,1000,4000")
    parser.add_argument("--rss-sessions", type=int, default=1250, help="stored sessions (5 years)")
    parser.add_argument("--keep", action="store_true", help="keep the filled databases and reuse them")
    parser.add_argument("--memory-only", action="store_true", help="only the peak memory of the command")
    args = parser.parse_args(list(argv))
    if args.quick:
        args.symbols, args.rss_symbols, args.rss_sessions = 320, "320", args.sessions
        args.repeat = min(args.repeat, 2)
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = sorted(set(databases) - set(DATABASES))
    if unknown:
        parser.error(f"unknown database(s) {unknown}; use some of {list(DATABASES)}")
    if "postgresql" in databases and (reason := postgres_reachable()):
        print(f"refresh: PostgreSQL skipped ({reason})")
        databases.remove("postgresql")

    # A run that keeps nothing works in a folder and on database names of its own.
    folder = _KEPT if args.keep else Path(tempfile.mkdtemp(prefix="kabu-bench-refresh-"))
    tag = "" if args.keep else f"_{os.getpid()}"
    try:
        for backend in databases:
            made: list[BenchDatabase] = []
            try:
                if not args.memory_only:
                    end_to_end(
                        _prepare(backend, args.symbols, args.sessions, folder, tag, args.keep, made),
                        args.repeat,
                    )
                for symbols in (int(s) for s in args.rss_symbols.split(",") if s.strip()):
                    peak_memory(
                        _prepare(backend, symbols, args.rss_sessions, folder, tag, args.keep, made), folder
                    )
            finally:
                if not args.keep:
                    for db in made:
                        drop(db.backend, db.url)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def _prepare(
    backend: str, stocks: int, sessions: int, folder: Path, tag: str, keep: bool, made: list[BenchDatabase]
) -> BenchDatabase:
    for db in made:
        if (db.stocks, db.sessions) == (stocks, sessions):
            return db
    started = time.perf_counter()
    db = prepare(backend, folder, stocks, sessions, reuse=keep, tag=tag)
    print(
        f"refresh: {backend} database with {stocks} stocks × {sessions} sessions ({db.bars:,} bars) "
        f"ready in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    made.append(db)
    return db
