"""Benchmark: bulk writes of daily bars, and the memory and time of ``kabu-trade sync``.

1. **Bulk load**, on PostgreSQL and on SQLite: ``--rows`` bars (1,000,000; ``--quick`` 100,000) of
   ``bench.synthetic`` (prices, no-trade days with NULL prices, splits) written by
   ``market.repository.upsert_bars`` into an empty ``daily_bars``, beside a plain bulk load of the
   same rows into an equivalent table — the same columns, primary key, indexes and foreign key to
   ``stocks`` — by ``core.bulk.load_columns`` (and into one without the foreign key, to show what
   its per-row check costs): ``COPY … FROM STDIN (FORMAT BINARY)`` on PostgreSQL, the same
   multi-row ``INSERT`` statements as the upsert but without a conflict clause on SQLite (it has no
   COPY; these are faster than executemany). Both sides start
   from the same frame and convert it with the same code, each repetition into an emptied table
   (emptying untimed), the two sides alternating. Then, into the full table: the same rows again
   (idempotent: 0 written) and the rows with 1 % of closes changed (exactly those written).
2. **The sync**, demo source, ``--symbols`` (4,000; ``--quick`` 160) × 5 years, on a fresh private
   database of each kind: a real ``kabu-trade sync``, its resident memory (process tree, every
   50 ms) split at its ``sync_finished`` log line into the sync's own phases (fetch + write) and the
   follow-up steps after it (metrics refresh, caches, watchlists); then ``kabu-trade sync`` again with
   nothing new (it must report 0 everywhere and skip the follow-up): wall time of the command, and
   the sync's own time inside a process that has already imported everything. The baseline for the
   memory figures is the floor: a process that only imports the command (``import kabu_trade.cli``).

    python -m bench bulk [--rows N] [--symbols N] [--repeat 3] [--databases sqlite,postgresql]
                         [--skip-load] [--skip-sync] [--previous] [--quick]

``--previous`` also times the upsert this module replaced (SQLAlchemy's executemany of dicts), with
the same repetitions, on the same rows.

PostgreSQL runs in private databases ``bench_bulk`` / ``bench_bulk_sync`` (dropped afterwards);
SQLite in a temporary folder. No Redis: the cache is in-process, as in the embedded mode.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import psutil
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from bench._measure import Timing, figure, machine_load, peak_rss_mb, repeat, tree_rss_bytes
from bench._server import postgres_reachable, private_database, stocks_frame
from bench.synthetic import synthetic_universe

YEARS = 5
MEMORY_BUDGET_MB = 400
RERUN_GOAL_S = 2.0
PLAIN, PLAIN_NO_FK = "bench_plain_bars", "bench_plain_bars_no_fk"


# --- 1. bulk load ---------------------------------------------------------------------------------


def bars_frame(rows: int) -> pd.DataFrame:
    """The first ``rows`` bars (stock-major) of a synthetic universe 256 sessions long."""
    sessions = 256
    symbols = -(-rows // sessions) + max(8, rows // sessions // 25)  # short histories are shorter
    bars = synthetic_universe(symbols=symbols, sessions=sessions).bars
    if len(bars) < rows:
        raise SystemExit(f"bulk: the synthetic universe holds {len(bars)} bars, fewer than {rows}")
    return bars.iloc[:rows].reset_index(drop=True)


def plain_table(engine: sa.Engine, name: str, *, foreign_key: bool = True) -> sa.Table:
    """An empty table equivalent to daily_bars: same columns, key and indexes, and (unless told
    otherwise) the same foreign key to stocks."""
    from kabu_trade.market.models import DailyBar, Stock

    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(f"CREATE TABLE {name} (LIKE daily_bars INCLUDING ALL)")
            if foreign_key:
                connection.exec_driver_sql(
                    f"ALTER TABLE {name} ADD FOREIGN KEY (code) REFERENCES stocks (code) ON DELETE CASCADE"
                )
    metadata = sa.MetaData()
    Stock.__table__.to_metadata(metadata)  # the foreign key's target
    table = DailyBar.__table__.to_metadata(metadata, name=name)  # type: ignore[attr-defined]
    if engine.dialect.name == "sqlite":
        for index in table.indexes:  # SQLite index names are per database
            index.name = str(index.name).replace("daily_bars", name)
        if not foreign_key:
            for constraint in list(table.foreign_key_constraints):
                table.constraints.discard(constraint)
                for column in constraint.columns:
                    column.foreign_keys.clear()
        table.create(engine)
    return table


def previous_upsert_bars(session: Session, frame: pd.DataFrame) -> int:
    """The upsert this replaced (commit 9e7312a^), for ``--previous``: rows as dicts (NaN → None),
    SQLAlchemy's executemany of ``INSERT … ON CONFLICT DO UPDATE`` in chunks of 30,000 parameters."""
    from sqlalchemy.dialects import postgresql, sqlite

    from kabu_trade.market.models import DailyBar
    from kabu_trade.market.providers.base import BAR_COLUMNS

    frame = frame.assign(adj_factor=frame["adj_factor"].fillna(1.0))[BAR_COLUMNS]
    cleaned = frame.astype(object).where(pd.notna(frame), None)
    rows = [{str(k): v for k, v in row.items()} for row in cleaned.to_dict(orient="records")]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    chunk = 30_000 // len(BAR_COLUMNS)
    for start in range(0, len(rows), chunk):
        statement = insert(DailyBar.__table__)
        statement = statement.on_conflict_do_update(
            index_elements=["code", "date"],
            set_={c: statement.excluded[c] for c in BAR_COLUMNS[2:]},
        )
        session.execute(statement, rows[start : start + chunk])
    return len(rows)


def emptied(sessions: sessionmaker[Session], table: str) -> Callable[[], None]:
    def empty() -> None:
        with sessions() as session:
            dialect = session.get_bind().dialect.name
            session.execute(
                sa.text(f"TRUNCATE {table}" if dialect == "postgresql" else f"DELETE FROM {table}")
            )
            session.commit()
            if dialect == "sqlite":
                session.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))

    return empty


def timed_write(sessions: sessionmaker[Session], write: Callable[[Session], int]) -> Callable[[], int]:
    """One write and its commit, as a sync chunk does it."""

    def run() -> int:
        with sessions() as session:
            written = write(session)
            session.commit()
            return written

    return run


def bulk_load(database: str, url: str, rows: int, times: int, frame: pd.DataFrame, previous: bool) -> None:
    from kabu_trade.core.bulk import load_columns
    from kabu_trade.core.db import create_db_engine, create_session_factory
    from kabu_trade.core.migrate import upgrade
    from kabu_trade.market import repository
    from kabu_trade.market.providers.base import BAR_COLUMNS

    engine = create_db_engine(url)
    upgrade(engine)
    sessions = create_session_factory(engine)
    with sessions() as session:
        repository.upsert_stocks(session, stocks_frame(sorted(frame["code"].unique())), "csv")
        session.commit()
    plain = plain_table(engine, PLAIN)
    loose = plain_table(engine, PLAIN_NO_FK, foreign_key=False)
    columns = {c: frame[c].to_numpy() for c in BAR_COLUMNS}
    sides: dict[str, tuple[Callable[[], int], str]] = {
        "upsert": (timed_write(sessions, lambda s: repository.upsert_bars(s, frame)), "daily_bars"),
        "plain": (timed_write(sessions, lambda s: load_columns(s, plain, columns)), PLAIN),
        "no fk": (timed_write(sessions, lambda s: load_columns(s, loose, columns)), PLAIN_NO_FK),
    }
    if previous:
        sides["previous"] = (timed_write(sessions, lambda s: previous_upsert_bars(s, frame)), "daily_bars")
    samples: dict[str, list[float]] = {side: [] for side in sides}
    loads = []
    for _ in range(times):  # alternate the sides, so that all see the same machine
        for side, (write, table) in sides.items():
            sample, written = repeat(write, 1, setup=emptied(sessions, table))
            samples[side].extend(sample.samples)
            if written != rows:
                raise SystemExit(f"bulk: {database} {side} wrote {written} of {rows} rows")
        loads.append(machine_load())
    mine, theirs, loosest = (Timing(tuple(samples[side])) for side in ("upsert", "plain", "no fk"))
    baseline = "plain COPY" if database == "postgresql" else "plain multi-row INSERT"
    print(
        f"{database} bulk load of {rows:,} bars into empty tables: upsert_bars {mine} · {baseline} {theirs}"
        f" · upsert = {mine.median / theirs.median:.2f}× the {baseline} (goal ≤ 3×)"
        f" · {rows / mine.median:,.0f} rows/s · loads {', '.join(loads)}",
        flush=True,
    )
    if previous:
        before = Timing(tuple(samples["previous"]))
        figure(
            f"{database} the upsert this replaced (executemany of dicts) on the same rows",
            f"{before} · now {before.median / mine.median:.1f}× faster (medians)",
        )
    figure(
        f"{database} where the time goes",
        f"the same {baseline} without the foreign key to stocks {loosest}: its per-row check costs "
        f"{theirs.median - loosest.median:.1f} s of the {theirs.median:.1f} s (median)",
    )

    again, counts = _samples(
        times, lambda: timed_write(sessions, lambda s: repository.upsert_bars(s, frame))()
    )
    figure(
        f"{database} the same {rows:,} bars again (idempotent)",
        f"{again} · reported {sorted(set(counts))} written (goal 0)",
    )
    picked = frame.sample(frac=0.01, random_state=1).index
    versions = [frame.copy(), frame]
    versions[0].loc[picked, "close"] = versions[0].loc[picked, "close"] + 1.0
    changed = int(frame.loc[picked, "close"].notna().sum())  # a day without trades stays NULL
    flip = iter(range(times))
    edits, counts = _samples(
        times,
        lambda: timed_write(sessions, lambda s: repository.upsert_bars(s, versions[next(flip) % 2]))(),
    )
    figure(
        f"{database} the {rows:,} bars with 1 % of closes changed",
        f"{edits} · reported {sorted(set(counts))} written (exactly {changed:,} changed)",
    )
    engine.dispose()


def _samples(times: int, fn: Callable[[], int]) -> tuple[Timing, list[int]]:
    samples, counts = [], []
    for _ in range(times):
        timing, count = repeat(fn, 1)
        samples.extend(timing.samples)
        counts.append(int(count))
    return Timing(tuple(samples)), counts


# --- 2. the sync ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhasedRun:
    """A command's resident memory before and after the first output line holding ``marker``."""

    seconds: float
    until_marker_mb: float
    after_marker_mb: float
    marker_at: float | None
    returncode: int
    output: str

    @property
    def peak_mb(self) -> float:
        return max(self.until_marker_mb, self.after_marker_mb)


def phased_peak(
    command: Sequence[str], env: dict[str, str], marker: str, interval: float = 0.05
) -> PhasedRun:
    """``_measure.peak_rss_mb``'s sampling, with the peak split where the command prints ``marker``."""
    import subprocess  # nosec B404 - our own command line

    started = time.perf_counter()
    process = subprocess.Popen(  # nosec B603 - a fixed command of ours, no shell
        list(command), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    seen: list[float] = []

    def read() -> None:
        for line in process.stdout or []:
            lines.append(line)
            if not seen and marker in line:
                seen.append(time.perf_counter())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    before = after = 0
    watched = psutil.Process(process.pid)
    while process.poll() is None:
        rss = tree_rss_bytes(watched)
        if seen:
            after = max(after, rss)
        else:
            before = max(before, rss)
        time.sleep(interval)
    process.wait()
    reader.join(timeout=5)
    marker_at = seen[0] - started if seen else None
    return PhasedRun(
        time.perf_counter() - started,
        before / 1e6,
        after / 1e6,
        marker_at,
        process.returncode,
        "".join(lines),
    )


def sync_env(url: str, folder: Path, symbols: int) -> dict[str, str]:
    today = date.today()
    start = today.replace(year=today.year - YEARS, day=min(today.day, 28))
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("KABU_")},
        "KABU_SECRET_KEY": secrets.token_urlsafe(48),
        "KABU_DATABASE_URL": url,
        "KABU_DATA_DIR": str(folder),
        "KABU_DATA_SOURCE": "demo",
        "KABU_DEMO_SYMBOLS": str(symbols),
        "KABU_DEMO_START": start.isoformat(),
        "KABU_WEB_DIR": "",
        "KABU_LOG_JSON": "true",
        "KABU_LOG_LEVEL": "INFO",  # the CLI logs warnings only unless told: the phases need its lines
    }


def kabu_trade(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "kabu-trade"), *args]


def log_events(output: str) -> dict[str, dict[str, Any]]:
    """The JSON log lines of a run, by event name (the last of each)."""
    events: dict[str, dict[str, Any]] = {}
    for line in output.splitlines():
        if line.startswith("{"):
            try:
                record = json.loads(line)
            except ValueError:
                continue
            events[str(record.get("event"))] = record
    return events


# Run inside a process that has imported everything: the sync's own time with nothing new.
_IN_PROCESS = """
import json, sys, time
import kabu_trade.models  # every table, for the foreign keys between domains
from kabu_trade.core.config import Settings
from kabu_trade.core.context import build_context
from kabu_trade.jobs.kinds import sync_then_follow
from kabu_trade.market.providers.factory import create_provider
context = build_context(Settings())
provider = create_provider(context.settings)
started = time.perf_counter()
result = sync_then_follow(context, provider)
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, **{k: result[k] for k in ("stocks", "bars", "fundamentals", "ran")}}))
"""


def bench_sync(database: str, url: str, folder: Path, symbols: int, times: int) -> None:
    env = sync_env(url, folder, symbols)
    migrated = peak_rss_mb(kabu_trade("db", "upgrade"), env=env)
    if migrated.returncode != 0:
        raise SystemExit(f"bulk: kabu-trade db upgrade failed:\n{migrated.output[-2000:]}")
    floor = peak_rss_mb([sys.executable, "-c", "import kabu_trade.cli"], env=env)
    first = phased_peak(kabu_trade("sync"), env, marker='"sync_finished"')
    if first.returncode != 0:
        raise SystemExit(f"bulk: kabu-trade sync failed ({first.returncode}):\n{first.output[-3000:]}")
    events = log_events(first.output)
    done = events.get("sync_finished", {})
    what = f"{done.get('stocks')} stocks, {done.get('bars')} bars, {done.get('fundamentals')} disclosures"
    split = f"{first.marker_at:.1f} s" if first.marker_at is not None else "?"
    figure(
        f"{database} kabu-trade sync, {symbols:,} symbols × {YEARS} years ({what})",
        f"{first.seconds:.1f} s (sync finished at {split}) · peak RSS: sync (fetch + write) "
        f"{first.until_marker_mb:.0f} MB, follow-up (metrics, watchlists) {first.after_marker_mb:.0f} MB "
        f"(budget {MEMORY_BUDGET_MB} MB each) · floor (import kabu_trade.cli) {floor.peak_rss_mb:.0f} MB: "
        f"the sync adds {first.until_marker_mb - floor.peak_rss_mb:.0f} MB",
    )

    walls, peaks, reports = [], [], []
    for _ in range(times):
        again = peak_rss_mb(kabu_trade("sync"), env=env)
        if again.returncode != 0:
            raise SystemExit(f"bulk: the second kabu-trade sync failed:\n{again.output[-3000:]}")
        walls.append(again.seconds)
        peaks.append(again.peak_rss_mb)
        finished = log_events(again.output).get("sync_finished", {})
        reports.append((finished.get("stocks"), finished.get("bars"), finished.get("fundamentals")))
    said = "0 new" if "0 new" in again.output else "did NOT say 0 new"
    figure(
        f"{database} kabu-trade sync again, nothing new ({symbols:,} symbols)",
        f"wall {Timing(tuple(walls))} · peak RSS {max(peaks):.0f} MB · reported (stocks, bars, disclosures) "
        f"{sorted(set(reports))} · {said}",
    )
    inside, results = [], []
    for _ in range(times):
        ran = peak_rss_mb([sys.executable, "-c", _IN_PROCESS], env=env)
        if ran.returncode != 0:
            raise SystemExit(f"bulk: the in-process re-run failed:\n{ran.output[-3000:]}")
        line = next(x for x in reversed(ran.output.splitlines()) if x.startswith('{"seconds"'))
        result = json.loads(line)
        inside.append(float(result.pop("seconds")))
        results.append(tuple(result.values()))
    figure(
        f"{database} the same re-run inside a process with everything imported",
        f"{Timing(tuple(inside))} (goal ≤ {RERUN_GOAL_S:.0f} s) · (stocks, bars, disclosures, follow-up ran) "
        f"{sorted(set(results))}",
    )


# --- running it -----------------------------------------------------------------------------------


@contextmanager
def store(database: str, folder: Path, name: str) -> Iterator[str]:
    if database == "sqlite":
        yield f"sqlite:///{folder / (name + '.db')}"
        return
    with private_database(name) as url:
        yield url


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench bulk", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--symbols", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--skip-load", action="store_true", help="no bulk-load figures")
    parser.add_argument("--skip-sync", action="store_true", help="no sync figures")
    parser.add_argument("--quick", action="store_true", help="100,000 rows, 160 symbols, 2 repetitions")
    parser.add_argument("--previous", action="store_true", help="also time the upsert this replaced")
    args = parser.parse_args(list(argv))
    if args.quick:
        args.rows, args.symbols, args.repeat = 100_000, 160, 2
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = set(databases) - {"sqlite", "postgresql"}
    if unknown:
        raise SystemExit(f"bulk: unknown database {', '.join(sorted(unknown))}: use sqlite, postgresql")
    if "postgresql" in databases and (problem := postgres_reachable()):
        print(f"bulk: PostgreSQL skipped: {problem}", flush=True)
        databases.remove("postgresql")
    print(f"bulk: {machine_load()} at the start", flush=True)
    frame = bars_frame(args.rows) if not args.skip_load else None
    with tempfile.TemporaryDirectory(prefix="kabu-bench-bulk-") as tmp:
        folder = Path(tmp)
        for database in databases:
            if frame is not None:
                with store(database, folder, "bench_bulk") as url:
                    bulk_load(database, url, args.rows, args.repeat, frame, args.previous)
            if not args.skip_sync:
                sync_folder = folder / f"sync-{database}"
                sync_folder.mkdir()
                with store(database, sync_folder, "bench_bulk_sync") as url:
                    bench_sync(database, url, sync_folder, args.symbols, args.repeat)


if __name__ == "__main__":
    main(sys.argv[1:])
