"""The memory curve: what the 1 GB machine has to hold, at 320 → 1,000 → 4,000 demo symbols with
five years of history, on SQLite and on PostgreSQL, each figure beside its budget.

For each size and database, on a fresh private store (SQLite in a temporary folder; PostgreSQL
``bench_memory`` with Redis database 13), with the production-like settings of ``bench load``:

a. ``kabu-trade sync``: peak resident memory of the whole process tree (the demo source, so the
   figure is the sync's own, not a network client's), budget 400 MB;
b. ``kabu-trade metrics refresh``: its peak, budget 400 MB;
c. one API worker (``kabu-trade serve``, one process): resident memory once it has answered about
   1,000 mixed requests (``bench load``'s mix, from its own process, many accounts), budget 250 MB;
d. the personal stack: that API worker + the Redis server (PostgreSQL is on RDS) + the sync's peak,
   since the daily job runs beside them, budget 600 MB. On SQLite there is no Redis (the cache is
   in the API process, so already in its figure).

Resident memory is sampled every 50 ms (``_measure.peak_rss_mb``): what the kernel's OOM killer
counts. Redis is the shared server of this machine: its RSS includes other databases' keys, so
the figure is an upper bound of ours (the keys of database 13 are shown beside it).

    python -m bench memory [--symbols 320,1000,4000] [--databases sqlite,postgresql] [--quick]

``--quick``: 160 symbols on SQLite, the API figure after 300 requests (everyday use: compare it with
other quick runs, not with the full figure). A 4,000-symbol sync takes minutes; the run prints how
long.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess  # nosec B404 - our own command line
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import psutil

from bench import load
from bench._measure import ProcessRun, figure, machine_load, peak_rss_mb, tree_rss_bytes
from bench._server import (
    DATABASES,
    REDIS_URL,
    flush_bench_redis,
    postgres_reachable,
    private_database,
    redis_reachable,
)

SIZES = (320, 1000, 4000)
YEARS = 5
BUDGET_MB = {"sync": 400, "refresh": 400, "api": 250, "stack": 600}
# Accounts the requests are spread over, so that the per-user rate limits (on, as in production)
# describe people rather than this benchmark; each signs in once (argon2: 64 MiB, ~0.1 s).
USERS = 20


@dataclass
class Curve:
    """One point of the curve: a universe size on one database."""

    symbols: int
    database: str
    bars: str = "?"
    sync: ProcessRun | None = None
    refresh: ProcessRun | None = None
    api_mb: float | None = None
    redis_mb: float | None = None  # None on SQLite: no Redis in that stack
    requests: int = 0
    errors: int = 0
    loads: dict[str, str] = field(default_factory=dict)  # the machine's load beside each figure

    @property
    def stack_mb(self) -> float | None:
        if self.api_mb is None or self.sync is None:
            return None
        return self.api_mb + (self.redis_mb or 0.0) + self.sync.peak_rss_mb


# --- the stores ---------------------------------------------------------------------------------


@contextmanager
def store(database: str, folder: Path) -> Iterator[tuple[str, str | None]]:
    """(database URL, Redis URL) of a fresh private store, removed on the way out."""
    if database == "sqlite":
        yield f"sqlite:///{folder / 'kabu-trade.db'}", None
        return
    flush_bench_redis()
    try:
        with private_database("bench_memory") as url:
            yield url, REDIS_URL
    finally:
        flush_bench_redis()


def environment(database_url: str, redis_url: str | None, folder: Path, symbols: int) -> dict[str, str]:
    """``bench load``'s production-like settings, on this store, with five years of demo history."""
    today = date.today()
    start = today.replace(year=today.year - YEARS, day=min(today.day, 28))
    # load.server_env also empties load's own Redis index (14); this benchmark uses 13.
    env = load.server_env(database_url, folder, symbols, start)
    env["KABU_DATABASE_URL"] = database_url
    env.pop("KABU_REDIS_URL", None)
    if redis_url:
        env["KABU_REDIS_URL"] = redis_url
    return env


def kabu_trade(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "kabu-trade"), *args]


def run_job(command: list[str], env: dict[str, str]) -> ProcessRun:
    run = peak_rss_mb(command, env=env)
    if run.returncode != 0:
        what = " ".join(command[1:])
        raise SystemExit(f"memory: `kabu-trade {what}` failed ({run.returncode}):\n{run.output[-3000:]}")
    return run


def create_users(env: dict[str, str], users: int) -> None:
    """The accounts bench load's generator signs in with (made here, outside the measured server)."""
    from kabu_trade.auth import service as auth_service
    from kabu_trade.core.config import Settings
    from kabu_trade.core.context import build_context
    from kabu_trade.core.db import session_scope

    values = {k[len("KABU_") :].lower(): v for k, v in env.items() if k.startswith("KABU_")}
    context = build_context(Settings(**{**values, "env": "test", "log_json": False}))  # type: ignore[arg-type]
    try:
        with session_scope(context.sessions) as session:
            for i in range(users):
                auth_service.create_user(session, f"load{i:03d}", load.PASSWORD)
    finally:
        context.close()


def steady_rss_mb(pid: int, samples: int = 5, interval: float = 0.4) -> float:
    """The median of a few samples once the load has stopped (a lone sample may catch a spike)."""
    process = psutil.Process(pid)
    values = []
    for _ in range(samples):
        time.sleep(interval)
        values.append(tree_rss_bytes(process) / 1e6)
    return statistics.median(values)


def redis_memory_mb() -> tuple[float, float]:
    """(RSS of the whole Redis server, memory of database 13's keys), in MB."""
    import redis

    ours = redis.Redis.from_url(REDIS_URL)
    rss = int(ours.info("memory")["used_memory_rss"])
    keys = sum(int(ours.memory_usage(key) or 0) for key in ours.scan_iter(count=1000))
    return rss / 1e6, keys / 1e6


def stop(stack: load.Stack) -> None:
    stack.process.terminate()
    try:
        stack.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        stack.process.kill()
        stack.process.wait()


# --- one point of the curve ---------------------------------------------------------------------


def measure(symbols: int, database: str, requests: int, rate: float) -> Curve:
    curve = Curve(symbols, database)
    label = f"{symbols} symbols × {YEARS} years, {database}"
    folder = Path(tempfile.mkdtemp(prefix="kabu-bench-memory-"))
    try:
        with store(database, folder) as (database_url, redis_url):
            env = environment(database_url, redis_url, folder, symbols)
            run_job(kabu_trade("db", "upgrade"), env)

            curve.sync = run_job(kabu_trade("sync"), env)
            found = re.search(r"daily bars\D+(\d+)", curve.sync.output)
            curve.bars = f"{int(found.group(1)):,}" if found else "?"
            curve.loads["sync"] = machine_load()
            figure(
                f"memory sync peak, {label}",
                f"{curve.sync.peak_rss_mb:.0f} MB in {curve.sync.seconds:.1f} s ({curve.bars} bars)",
            )
            curve.refresh = run_job(kabu_trade("metrics", "refresh"), env)
            curve.loads["refresh"] = machine_load()
            figure(
                f"memory metrics refresh peak, {label}",
                f"{curve.refresh.peak_rss_mb:.0f} MB in {curve.refresh.seconds:.1f} s",
            )

            create_users(env, USERS)
            stack = load.start_server(env, folder)
            try:
                started_mb = tree_rss_bytes(psutil.Process(stack.process.pid)) / 1e6
                phase = {"kind": "open", "rate": rate, "fraction": 0, "seconds": requests / rate}
                results = load.run_load(stack, USERS, [phase], warmup=2)
                curve.requests = sum(r["requests"] for r in results)
                curve.errors = sum(r["5xx"] + r["timeouts"] for r in results)
                refused = sum(r["429"] for r in results)
                curve.api_mb = steady_rss_mb(stack.process.pid)
                curve.loads["api"] = machine_load()
            finally:
                stop(stack)
            figure(
                f"memory API worker steady, {label}",
                f"{curve.api_mb:.0f} MB after {curve.requests} requests ({curve.errors} errors, "
                f"{refused} refused by rate limits; {started_mb:.0f} MB when it began listening)",
            )
            if redis_url:
                curve.redis_mb, keys_mb = redis_memory_mb()
                figure(
                    f"memory Redis server, {label}",
                    f"{curve.redis_mb:.0f} MB RSS (whole shared server; database 13's keys {keys_mb:.1f} MB)",
                )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return curve


# --- the table ----------------------------------------------------------------------------------


def _against(value: float | None, budget: int) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f} {'≤' if value <= budget else '>'} {budget} {'PASS' if value <= budget else 'OVER'}"


def table(curves: Sequence[Curve]) -> list[str]:
    head = (
        f"{'symbols':>7}  {'database':<10} {'bars':>10}  {'sync peak':<17} {'refresh peak':<17} "
        f"{'API steady':<17} {'Redis':>6}  {'stack (API+Redis+sync)':<22}  machine load (sync/refresh/API)"
    )
    lines = ["memory curve, MB (resident; figure vs budget):", head]
    for c in curves:
        lines.append(
            f"{c.symbols:>7}  {c.database:<10} {c.bars:>10}  "
            f"{_against(c.sync.peak_rss_mb if c.sync else None, BUDGET_MB['sync']):<17} "
            f"{_against(c.refresh.peak_rss_mb if c.refresh else None, BUDGET_MB['refresh']):<17} "
            f"{_against(c.api_mb, BUDGET_MB['api']):<17} "
            f"{'-' if c.redis_mb is None else f'{c.redis_mb:.0f}':>6}  "
            f"{_against(c.stack_mb, BUDGET_MB['stack']):<22}  "
            + " · ".join(c.loads.get(k, "-").removeprefix("load ") for k in ("sync", "refresh", "api"))
        )
    for line in lines:
        print(line, flush=True)
    return lines


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench memory", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="160 symbols, SQLite only, 300 requests")
    parser.add_argument("--symbols", default=None, help="demo universe sizes (default 320,1000,4000)")
    parser.add_argument("--databases", default=None, help="sqlite,postgresql (default: both)")
    parser.add_argument(
        "--requests", type=int, default=None, help="mixed requests before the API figure (1000; quick 300)"
    )
    parser.add_argument("--rate", type=float, default=50, help="requests per second (open loop)")
    args = parser.parse_args(list(argv))
    chosen = args.symbols or ("160" if args.quick else ",".join(map(str, SIZES)))
    sizes = [int(n) for n in chosen.split(",")]
    databases = (args.databases or ("sqlite" if args.quick else ",".join(DATABASES))).split(",")
    if unknown := set(databases) - set(DATABASES):
        parser.error(f"--databases: unknown {', '.join(sorted(unknown))} (known: {', '.join(DATABASES)})")
    if "postgresql" in databases and (why := postgres_reachable() or redis_reachable()):
        print(f"memory: PostgreSQL + Redis skipped, unreachable ({why})")
        databases.remove("postgresql")

    requests = args.requests or (300 if args.quick else 1000)

    started = time.perf_counter()
    curves = []
    for database in databases:
        for symbols in sizes:
            curves.append(measure(symbols, database, requests, args.rate))
    table(curves)
    print(f"memory: {len(curves)} points in {time.perf_counter() - started:.0f} s", flush=True)
