"""Cached reads through a real server: the stock list, a stock's detail and a year of its prices.

    python -m bench reads                 # 4,000 stocks, SQLite and PostgreSQL + Redis
    python -m bench reads --quick         # 320 stocks, 2 s runs (about 35 s a backend)
    python -m bench reads --backends sqlite --seconds 10 --repeat 3

Each backend gets a fresh database (a temporary SQLite file; a PostgreSQL database of its own and
Redis database index 13) holding a synthetic universe (every stock with its stored metrics; bars
and disclosures for a sample of them) and one account. Two ``kabu-trade serve`` processes run side
by side on loopback, one worker each, production settings, rate limits on (budgets out of reach,
so that every request is counted but none refused):

- kabu-trade: as shipped;
- baseline: the same build with ``KABU_AUTH_CACHE_SECONDS=0``: every request reads its account
  from the database (a connection checked out, a query), and so runs the route's dependencies and
  its thread hop, as every request did before the user cache. What the baseline keeps from this
  work (answers cached as bytes, one Redis call for the rate limit) makes it faster than the code
  before it: the ratio understates the whole change.

``wrk`` (one thread, a Lua script that sends the bearer token and cycles through the paths) drives
one endpoint at a time after the caches are warm; both sides run the same number of times,
interleaved, and each figure is min / median over the runs with the machine's load beside it.
Errors: wrk's own count (socket errors, answers ≥ 400) plus every non-2xx answer in the server's
access log; any is reported. The RSS of each server is read after its last run.

Screening (in-process, on the same database): the warm screen through the API, and the first
screen after a sync — cold (the snapshot loaded from the table) beside the previous row-by-row
loader with the same repetitions, and with the snapshot published by the sync's job.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess  # nosec B404 - our own server and wrk
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import psutil
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench._measure import machine_load, tree_rss_bytes
from bench.synthetic import synthetic_universe

PG_URL = os.environ.get("KABU_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# An index of its own: bench/load.py uses 14, the tests 0.
REDIS_URL = os.environ.get("KABU_BENCH_READS_REDIS_URL", "redis://127.0.0.1:6379/13")
PASSWORD = "reads-bench Kombu-Dashi 2026"
SESSIONS = 300  # a year of prices needs ~250
ENDPOINTS = ("list", "detail", "prices_1y")
WRK_INSTALL = "apt-get install -y wrk  (Debian/Ubuntu) or brew install wrk (macOS)"


# --- data ---------------------------------------------------------------------------------------


@dataclass
class Dataset:
    backend: str
    database_url: str
    redis_url: str | None
    folder: Path
    codes: list[str]  # stocks with bars (the sample the detail and prices requests use)


def _create_pg_database() -> str:
    name = f"bench_reads_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(url: str) -> None:
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def prepare(backend: str, symbols: int, sample: int) -> Dataset:
    """A migrated database with ``symbols`` stocks and their metrics, bars and disclosures for the
    first ``sample`` of them, and one account."""
    from kabu_trade.analysis import repository as analysis_repository
    from kabu_trade.analysis.service import _records
    from kabu_trade.analysis.universe import compute_universe_metrics
    from kabu_trade.auth import service as auth_service
    from kabu_trade.core.config import Settings
    from kabu_trade.core.context import build_context
    from kabu_trade.core.db import session_scope
    from kabu_trade.core.migrate import upgrade
    from kabu_trade.market import repository as market

    folder = Path(tempfile.mkdtemp(prefix="kabu-reads-"))
    if backend == "sqlite":
        database_url, redis_url = f"sqlite:///{folder / 'kabu-trade.db'}", None
    else:
        import redis

        database_url, redis_url = _create_pg_database(), REDIS_URL
        redis.Redis.from_url(REDIS_URL).flushdb()  # the benchmark's own database index
    data = synthetic_universe(symbols, SESSIONS)
    metrics = compute_universe_metrics(data.bars, data.disclosures)
    codes = sorted(metrics["code"])
    stocks = pd.DataFrame(
        {
            "code": codes,
            "name": [f"ベンチ{c}" for c in codes],
            "name_kana": None,
            "name_en": [f"Bench {c}" for c in codes],
            "sector_code": [f"{(i % 33 + 1) * 50:04d}" for i in range(len(codes))],
            "sector_name": None,
            "market": [("prime", "standard", "growth")[i % 3] for i in range(len(codes))],
            "lot_size": 100,
        }
    )
    with_bars = codes[:sample]
    settings = Settings(database_url=database_url, data_dir=folder, env="test", log_json=False)
    context = build_context(settings)
    try:
        upgrade(context.engine)
        with session_scope(context.sessions) as session:
            market.upsert_stocks(session, stocks, "csv")
            market.upsert_bars(session, data.bars[data.bars["code"].isin(with_bars)])
            market.upsert_fundamentals(session, data.disclosures[data.disclosures["code"].isin(with_bars)])
            analysis_repository.upsert_metrics(session, _records(metrics))
            auth_service.create_user(session, "bench", PASSWORD)
    finally:
        context.close()
    return Dataset(backend, database_url, redis_url, folder, with_bars)


def discard(dataset: Dataset) -> None:
    if dataset.backend == "postgres":
        import redis

        _drop_pg_database(dataset.database_url)
        redis.Redis.from_url(REDIS_URL).flushdb()
    shutil.rmtree(dataset.folder, ignore_errors=True)


# --- servers ------------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    token: str = ""

    def rss_mb(self) -> float:
        return tree_rss_bytes(psutil.Process(self.process.pid)) / 1e6

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def errors_logged(self) -> list[str]:
        return [line for line in self.log_path.read_text().splitlines() if '"level": "error"' in line]


def server_env(dataset: Dataset, extra: dict[str, str]) -> dict[str, str]:
    unlimited = "100000000/minute"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KABU_")},
        "KABU_ENV": "production",
        "KABU_SECRET_KEY": secrets.token_urlsafe(48),
        "KABU_DATABASE_URL": dataset.database_url,
        "KABU_DATA_DIR": str(dataset.folder),
        "KABU_DATA_SOURCE": "demo",
        "KABU_WEB_DIR": "",
        "KABU_WORKERS": "1",
        "KABU_LOG_JSON": "true",
        # On, so that every request is counted as in production, but never refused here.
        "KABU_RATE_LIMIT_USER": unlimited,
        "KABU_RATE_LIMIT_ADDRESS": unlimited,
        **extra,
    }
    if dataset.redis_url:
        env["KABU_REDIS_URL"] = dataset.redis_url
    return env


def start(name: str, dataset: Dataset, extra: dict[str, str]) -> Server:
    from bench.load import _free_port

    port = _free_port()
    log_path = dataset.folder / f"server-{name}.log"
    command = [
        str(Path(sys.executable).parent / "kabu-trade"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # nosec B603 - our own command, no shell
            command, env=server_env(dataset, extra), stdout=log, stderr=subprocess.STDOUT
        )
    server = Server(name, f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name}: the server stopped at start:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(f"{server.base_url}/api/v1/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    else:
        server.stop()
        raise SystemExit(f"{name}: not healthy within 90 s:\n{log_path.read_text()[-3000:]}")
    answer = httpx.post(
        f"{server.base_url}/api/v1/auth/token", data={"username": "bench", "password": PASSWORD}, timeout=30
    )
    answer.raise_for_status()
    server.token = answer.json()["access_token"]
    return server


# --- wrk ----------------------------------------------------------------------------------------

LUA = """
local paths = {%(paths)s}
local requests = {}
local n = 0
init = function(args)
  for i, path in ipairs(paths) do
    requests[i] = wrk.format("GET", path, {["Authorization"] = "Bearer %(token)s"})
  end
end
request = function()
  n = n + 1
  return requests[(n %% #requests) + 1]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "non_2xx": %%d, "socket_errors": %%d, '
    .. '"p50_us": %%d, "p99_us": %%d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass
class WrkRun:
    requests: int
    seconds: float
    non_2xx: int
    socket_errors: int
    p50_ms: float
    p99_ms: float
    load: str
    cpu_seconds: float = 0.0  # the server's CPU time (user + system) during the run

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_us_per_request(self) -> float:
        """What one request costs the server, whatever else the machine runs: on a shared machine
        throughput says how much CPU the server was given, this says what it needs."""
        return self.cpu_seconds / self.requests * 1e6 if self.requests else float("nan")


def wrk(server: Server, paths: Sequence[str], seconds: float, connections: int, folder: Path) -> WrkRun:
    script = folder / f"wrk-{uuid.uuid4().hex[:8]}.lua"
    script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths), "token": server.token})
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        server.base_url,
    ]
    process = psutil.Process(server.process.pid)
    before = process.cpu_times()
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # nosec B603
    after = process.cpu_times()
    script.unlink()
    if done.returncode != 0:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return WrkRun(
        figures["requests"],
        figures["duration_us"] / 1e6,
        figures["non_2xx"],
        figures["socket_errors"],
        figures["p50_us"] / 1000,
        figures["p99_us"] / 1000,
        machine_load(),
        (after.user + after.system) - (before.user + before.system),
    )


def paths_of(endpoint: str, codes: Sequence[str]) -> list[str]:
    if endpoint == "list":  # the first page, a page further on, and searches by code prefix
        return [
            "/api/v1/stocks?limit=50",
            "/api/v1/stocks?limit=50&offset=100",
            *(f"/api/v1/stocks?q={code[:3]}&limit=20" for code in codes[:: max(1, len(codes) // 8)][:8]),
        ]
    if endpoint == "detail":
        return [f"/api/v1/stocks/{code}" for code in codes]
    return [f"/api/v1/stocks/{code}/prices?period=1y" for code in codes]


def warm(server: Server, paths: Sequence[str]) -> None:
    """Fill the caches, and check that every path answers 200 before wrk counts anything."""
    headers = {"Authorization": f"Bearer {server.token}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=60) as http:
        for path in paths:
            answer = http.get(path)
            if answer.status_code != 200:
                raise SystemExit(
                    f"{server.name}: GET {path} answered {answer.status_code}: {answer.text[:500]}"
                )


def non_2xx_logged(server: Server) -> int:
    """Answers other than 2xx, as the server's access log has them (wrk itself counts only ≥ 400)."""
    count = 0
    for line in server.log_path.read_text().splitlines():
        if line.startswith("{") and '"duration_ms"' in line and not 200 <= json.loads(line)["status"] < 300:
            count += 1
    return count


# --- screening ------------------------------------------------------------------------------------


def _previous_load_snapshot(session: Any, generation: str) -> Any:
    """The baseline: the snapshot loader as it was before the column-wise read (a row per stock,
    each document decoded by the driver, a Python loop over the score parts)."""
    import numpy as np
    from sqlalchemy import select

    from kabu_trade.analysis.catalog import SCORE_PARTS
    from kabu_trade.analysis.models import StockMetrics
    from kabu_trade.market.models import Stock
    from kabu_trade.screener.snapshot import Snapshot

    rows = session.execute(
        select(
            StockMetrics.code,
            StockMetrics.as_of,
            StockMetrics.values,
            StockMetrics.scores,
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
    base = pd.DataFrame(
        [
            (r.code, r.as_of, r.name, r.name_en, r.sector_name, r.sector_code, r.market, r.source)
            for r in rows
        ],
        columns=["code", "as_of", "name", "name_en", "sector", "sector_code", "market", "source"],
    )
    metrics = pd.DataFrame([r.values for r in rows]).astype(float) if rows else pd.DataFrame()
    frame = pd.concat(
        [base, metrics.drop(columns=[c for c in base.columns if c in metrics], errors="ignore")], axis=1
    )
    shape = (len(rows), len(SCORE_PARTS))
    part_buy, part_sell, part_available = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    for i, row in enumerate(rows):
        parts = (row.scores or {}).get("parts", {})
        for j, part in enumerate(SCORE_PARTS):
            entry = parts.get(part) or {}
            part_buy[i, j] = entry.get("buy", 0.0)
            part_sell[i, j] = entry.get("sell", 0.0)
            part_available[i, j] = entry.get("available", 0.0)
    return Snapshot(generation, frame, part_buy, part_sell, part_available)


def screening(dataset: Dataset, symbols: int, repeat: int) -> list[str]:
    """POST /api/v1/screener in-process on the benchmark's database (and Redis): warm, and the
    first screen after a sync — cold (nothing built yet: the snapshot is loaded from the table),
    and published (the sync's job built and shared it; another API process reads it), beside the
    previous row-by-row loader, cold, with the same repetitions."""
    import asyncio

    from bench._measure import Timing, compare, figure
    from kabu_trade.core.cache import bump_market_generation
    from kabu_trade.core.config import Settings
    from kabu_trade.core.context import build_context
    from kabu_trade.main import create_app
    from kabu_trade.screener import snapshot
    from kabu_trade.screener.service import publish_snapshot, snapshots

    settings = Settings(
        database_url=dataset.database_url,
        redis_url=dataset.redis_url,
        data_dir=dataset.folder,
        env="test",
        log_json=False,
        log_level="WARNING",
        rate_limit_enabled=False,
    )
    context = build_context(settings)
    app = create_app(context=context)
    name = f"{dataset.backend} {symbols}"

    async def run() -> list[str]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            token = await http.post("/api/v1/auth/token", data={"username": "bench", "password": PASSWORD})
            http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
            made = await http.post("/api/v1/policies/from-preset/momentum", json={})
            made.raise_for_status()
            body = {"policy_id": made.json()["id"], "limit": 50}

            async def screen() -> float:
                started = time.perf_counter()
                answer = await http.post("/api/v1/screener", json=body)
                answer.raise_for_status()
                return time.perf_counter() - started

            async def first_after_sync(publish: bool) -> Timing:
                samples = []
                for _ in range(repeat):
                    bump_market_generation(context.cache)
                    snapshots(context).clear()
                    if publish:
                        publish_snapshot(context)  # what the sync's job does after its bump
                        if dataset.redis_url:
                            snapshots(context).clear()  # this process is another API process
                    samples.append(await screen())
                return Timing(tuple(samples))

            await screen()
            warm = Timing(tuple([await screen() for _ in range(repeat)]))
            cold = await first_after_sync(publish=False)
            published = await first_after_sync(publish=True)
            current = snapshot.load_snapshot
            snapshot.load_snapshot = _previous_load_snapshot  # type: ignore[assignment]
            try:
                previous = await first_after_sync(publish=False)
            finally:
                snapshot.load_snapshot = current  # type: ignore[assignment]
            return [
                figure(f"screening {name} warm (goal ≤ 50 ms)", str(warm)),
                compare(
                    f"screening {name} first after a sync, cold (goal ≤ 150 ms)",
                    cold,
                    previous,
                    "previous row-by-row loader",
                ),
                figure(
                    f"screening {name} first after a sync, snapshot published by the sync's job",
                    str(published),
                ),
            ]

    try:
        return asyncio.run(run())
    finally:
        context.close()


# --- the run ------------------------------------------------------------------------------------


@dataclass
class Side:
    server: Server
    runs: dict[str, list[WrkRun]] = field(default_factory=dict)


def _rate(runs: Sequence[WrkRun]) -> str:
    rates = [r.throughput for r in runs]
    p50 = statistics.median(r.p50_ms for r in runs)
    p99 = statistics.median(r.p99_ms for r in runs)
    cpu = statistics.median(r.cpu_us_per_request for r in runs)
    return (
        f"min {min(rates):,.0f} / median {statistics.median(rates):,.0f} req/s "
        f"(p50 {p50:.2f} ms, p99 {p99:.2f} ms, server CPU {cpu:,.0f} µs/request "
        f"= {1e6 / cpu:,.0f} req/s per core it had to itself, n={len(runs)})"
    )


def _load_range(loads: Sequence[str]) -> str:
    """``load 4.8–5.9/2 cores`` from the loads printed with each run."""
    values = sorted(float(load.split()[1].split("/")[0]) for load in loads)
    return f"load {values[0]:.1f}–{values[-1]:.1f}/{os.cpu_count()} cores"


def report(backend: str, symbols: int, ours: Side, baseline: Side) -> list[str]:
    lines = []
    for endpoint in ENDPOINTS:
        mine, theirs = ours.runs[endpoint], baseline.runs[endpoint]
        ratio = statistics.median(r.throughput for r in mine) / statistics.median(
            r.throughput for r in theirs
        )
        loads = _load_range([r.load for r in mine + theirs])
        lines.append(
            f"reads {backend} {symbols} {endpoint}: kabu-trade {_rate(mine)} · baseline (user from the "
            f"database) {_rate(theirs)} · {ratio:.2f}× · {loads}"
        )
    return lines


def run_backend(backend: str, args: argparse.Namespace) -> list[str]:
    started = time.perf_counter()
    dataset = prepare(backend, args.symbols, args.sample)
    print(
        f"reads {backend}: {args.symbols} stocks with metrics, bars for {len(dataset.codes)}, ready in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    sides: list[Side] = []
    lines: list[str] = []
    try:
        sides.append(Side(start("kabu-trade", dataset, {})))
        sides.append(Side(start("baseline", dataset, {"KABU_AUTH_CACHE_SECONDS": "0"})))
        for side in sides:
            for endpoint in ENDPOINTS:
                warm(side.server, paths_of(endpoint, dataset.codes))
        for _ in range(args.repeat):
            for endpoint in ENDPOINTS:
                for side in sides:  # interleaved: both sides see the same machine, run after run
                    paths = paths_of(endpoint, dataset.codes)
                    run = wrk(side.server, paths, args.seconds, args.connections, dataset.folder)
                    side.runs.setdefault(endpoint, []).append(run)
                    print(
                        f"  {side.server.name:<10} {endpoint:<9} {run.throughput:8,.0f} req/s  p50 "
                        f"{run.p50_ms:6.2f} ms  p99 {run.p99_ms:6.2f} ms  "
                        f"cpu {run.cpu_us_per_request:5.0f} µs/req  non-2xx {run.non_2xx}  "
                        f"socket errors {run.socket_errors}  {run.load}",
                        flush=True,
                    )
        lines = report(backend, args.symbols, sides[0], sides[1])
        for side in sides:
            bad = sum(r.non_2xx + r.socket_errors for runs in side.runs.values() for r in runs)
            bad += non_2xx_logged(side.server)
            lines.append(
                f"reads {backend} {args.symbols} {side.server.name}: server RSS after the run "
                f"{side.server.rss_mb():.0f} MB · errors {bad} (wrk non-2xx, socket errors, non-2xx in "
                f"the server log) · {len(side.server.errors_logged())} error lines logged"
            )
        for side in sides:
            side.server.stop()
        sides = []
        lines += screening(dataset, args.symbols, args.screen_repeat)
    finally:
        for side in sides:
            side.server.stop()
        discard(dataset)
    for line in lines:
        print(line, flush=True)
    return lines


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench reads", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="320 stocks, 2 s runs, one repetition")
    parser.add_argument("--backends", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--symbols", type=int, default=None)
    parser.add_argument("--sample", type=int, default=100, help="stocks with bars (detail, prices)")
    parser.add_argument("--seconds", type=float, default=None, help="seconds per wrk run")
    parser.add_argument("--repeat", type=int, default=None, help="wrk runs per endpoint and side")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--screen-repeat", type=int, default=None, help="screens per screening figure")
    args = parser.parse_args(list(argv))
    args.screen_repeat = args.screen_repeat or (3 if args.quick else 15)
    args.symbols = args.symbols or (320 if args.quick else 4000)
    args.seconds = args.seconds or (2.0 if args.quick else 10.0)
    args.repeat = args.repeat or (1 if args.quick else 3)
    if shutil.which("wrk") is None:
        raise SystemExit(f"bench reads needs wrk (an HTTP load generator): {WRK_INSTALL}")
    from kabu_trade.core.logging import configure_logging

    configure_logging("WARNING", json=False)  # the in-process screening app: no line per request
    lines = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        if backend not in {"sqlite", "postgres"}:
            raise SystemExit(f"unknown backend {backend!r}: sqlite or postgres")
        lines += run_backend(backend, args)
    print("\n".join(["", "summary:", *lines]))
