"""One API worker on PostgreSQL + Redis under concurrent clients, as the personal tier runs it.

    python -m bench load                 # closed loop 10 and 100 clients × 60 s, then open loop
    python -m bench load --short         # CI form: 5 and 50 clients × 15 s, smaller universe

The server is the real thing: ``kabu-trade serve`` (one worker, production settings, rate limits
on) in its own process, on loopback only, against a fresh PostgreSQL database and a Redis database
index of its own. The load generator is another process on the same 2-core machine, so the figures
are a floor. Traffic is mixed like the web app's: search, stock detail, a year of prices, an
evaluation, a screener run, policies read and written (create → read → delete), history. Requests
are spread over many accounts, as many people's browsers would be, so the per-user rate limits
describe people rather than this benchmark.

Closed loop: each client sends its next request when the last one answered; throughput at 100
clients must hold at ≥ 0.9× the throughput at 10 (no collapse) with p99 < 2 s and no errors.
Open loop: requests start on a fixed schedule whatever the answers (latency counted from the
scheduled start, so a stall cannot hide), at a rate the machine sustains; p99 must stay ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("KABU_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("KABU_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PASSWORD = "load-bench Wasabi-Tempura 2026"
TIMEOUT_SECONDS = 30.0

# (name, weight): what a dashboard, a stock page and a screening session send.
MIX = [
    ("search", 16),
    ("detail", 12),
    ("prices", 16),
    ("evaluate", 8),
    ("screen", 4),
    ("policies", 12),
    ("policy_write", 8),
    ("history", 12),
    ("timeline", 6),
    ("me", 6),
]


# --- the stack --------------------------------------------------------------------------------


@dataclass
class Stack:
    base_url: str
    database_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    folder: Path
    env: dict[str, str]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        drop_database(self.database_url)
        lines = self.log_path.read_text().splitlines()
        durations = sorted(
            json.loads(line)["duration_ms"]
            for line in lines
            if line.startswith("{") and '"duration_ms"' in line
        )
        if durations:  # as the server saw them: from its first byte to its last
            p50, p99 = durations[len(durations) // 2], durations[int(len(durations) * 0.99)]
            print(
                f"  server side (all phases): {len(durations)} requests, p50 {p50:.1f} ms, p99 {p99:.1f} ms"
            )
        errors = [line for line in lines if '"level": "error"' in line]
        if errors:
            print(f"  server log: {len(errors)} errors, the first: {errors[0][:2000]}")
        shutil.rmtree(self.folder, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def create_database() -> str:
    name = f"kabu_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def services_reachable() -> bool:
    import redis

    try:
        engine = sa.create_engine(PG_URL)
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception:
        return False
    return True


def server_env(database_url: str, folder: Path, symbols: int, demo_start: date) -> dict[str, str]:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # the benchmark's own database index, not the tests'
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("KABU_")},
        "KABU_ENV": "production",
        "KABU_SECRET_KEY": secrets.token_urlsafe(48),
        "KABU_DATABASE_URL": database_url,
        "KABU_REDIS_URL": REDIS_URL,
        "KABU_DATA_DIR": str(folder),
        "KABU_DATA_SOURCE": "demo",
        "KABU_DEMO_SYMBOLS": str(symbols),
        "KABU_DEMO_START": demo_start.isoformat(),
        "KABU_WEB_DIR": "",
        "KABU_WORKERS": "1",
        "KABU_LOG_JSON": "true",
    }


def prepare_data(env: dict[str, str], users: int) -> None:
    """Migrate, load the demo universe and make the accounts, as an operator's first day would."""
    from kabu_trade.auth import service as auth_service
    from kabu_trade.core.config import Settings
    from kabu_trade.core.context import build_context
    from kabu_trade.core.db import session_scope
    from kabu_trade.core.migrate import upgrade
    from kabu_trade.jobs.kinds import sync_then_follow
    from kabu_trade.market.providers.factory import create_provider

    values = {k[len("KABU_") :].lower(): v for k, v in env.items() if k.startswith("KABU_")}
    settings = Settings(**{**values, "env": "test", "log_json": False})  # type: ignore[arg-type]
    context = build_context(settings)
    try:
        upgrade(context.engine)
        sync_then_follow(context, create_provider(settings))
        with session_scope(context.sessions) as session:
            for i in range(users):
                auth_service.create_user(session, f"load{i:03d}", PASSWORD)
    finally:
        context.close()


def start_server(env: dict[str, str], folder: Path) -> Stack:
    port = _free_port()
    log_path = folder / "server.log"
    command = [
        str(Path(sys.executable).parent / "kabu-trade"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped at start:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base_url}/api/v1/health", timeout=2).status_code == 200:
                return Stack(base_url, env["KABU_DATABASE_URL"], process, log_path, folder, env)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the server did not become healthy in 60 s:\n{log_path.read_text()[-3000:]}")


def server_rss_mb(stack: Stack) -> float:
    status = Path(f"/proc/{stack.process.pid}/status").read_text()
    kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return kb / 1024


# --- the load generator (its own process) -----------------------------------------------------


@dataclass
class Identity:
    headers: dict[str, str]
    policy_id: int


@dataclass
class Workload:
    base_url: str
    identities: list[Identity]
    codes: list[str]


@dataclass
class Result:
    name: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    by_kind: dict[str, list[float]] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")

    @property
    def server_errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if s.startswith("5"))

    @property
    def timeouts(self) -> int:
        return sum(n for s, n in self.statuses.items() if s == "timeout" or s.startswith("connection"))

    def summary(self) -> dict[str, Any]:
        return {
            "phase": self.name,
            "requests": len(self.latencies),
            "seconds": round(self.seconds, 1),
            "throughput_rps": round(self.throughput, 1),
            "p50_ms": round(self.percentile(0.50) * 1000, 1),
            "p99_ms": round(self.percentile(0.99) * 1000, 1),
            "max_ms": round(max(self.latencies, default=0) * 1000, 1),
            "5xx": self.server_errors,
            "timeouts": self.timeouts,
            "429": self.statuses["429"],
            "statuses": dict(self.statuses),
            "p50_ms_by_kind": {
                k: round(sorted(v)[len(v) // 2] * 1000, 1) for k, v in sorted(self.by_kind.items())
            },
        }


async def sign_in_all(base_url: str, users: int) -> list[Identity]:
    identities = []
    async with httpx.AsyncClient(base_url=base_url, timeout=TIMEOUT_SECONDS) as http:
        for i in range(users):
            form = {"username": f"load{i:03d}", "password": PASSWORD}
            token = await http.post("/api/v1/auth/token", data=form)
            while token.status_code == 429:  # sign-ins from one address are limited too: wait as told
                await asyncio.sleep(float(token.headers.get("retry-after", "1")))
                token = await http.post("/api/v1/auth/token", data=form)
            token.raise_for_status()
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            made = await http.post("/api/v1/policies/from-preset/momentum", json={}, headers=headers)
            made.raise_for_status()
            identities.append(Identity(headers, int(made.json()["id"])))
    return identities


async def one_request(http: httpx.AsyncClient, work: Workload, rng: random.Random, result: Result) -> None:
    kind = rng.choices([m[0] for m in MIX], weights=[m[1] for m in MIX])[0]
    who = rng.choice(work.identities)
    code = rng.choice(work.codes)
    h = who.headers
    calls: list[tuple[str, str, dict[str, Any]]]
    if kind == "search":
        calls = [("GET", "/api/v1/stocks", {"params": {"q": code[:2], "limit": 20}})]
    elif kind == "detail":
        calls = [("GET", f"/api/v1/stocks/{code}", {})]
    elif kind == "prices":
        calls = [("GET", f"/api/v1/stocks/{code}/prices", {"params": {"period": "1y"}})]
    elif kind == "evaluate":
        calls = [("POST", "/api/v1/evaluations", {"json": {"stock_code": code, "policy_id": who.policy_id}})]
    elif kind == "screen":
        calls = [("POST", "/api/v1/screener", {"json": {"policy_id": who.policy_id, "limit": 50}})]
    elif kind == "policies":
        calls = [("GET", "/api/v1/policies", {})]
    elif kind == "history":
        calls = [("GET", "/api/v1/evaluations", {"params": {"limit": 20}})]
    elif kind == "timeline":
        calls = [("GET", "/api/v1/evaluations/timeline", {"params": {"stock_code": code}})]
    elif kind == "me":
        calls = [("GET", "/api/v1/users/me", {})]
    else:  # policy_write: create, read it back, delete it (read-your-writes on the way)
        body = {
            "name": f"負荷{rng.randrange(10**9)}",
            "style": "value",
            "horizon": "long",
            "risk_tolerance": 2,
            "target_return_pct": 20,
            "stop_loss_pct": 8,
        }
        created = await _send(http, "POST", "/api/v1/policies", h, result, json=body)
        if created is not None and created.status_code == 201:
            url = f"/api/v1/policies/{created.json()['id']}"
            read = await _send(http, "GET", url, h, result)
            if read is not None and read.status_code != 200:
                result.statuses["read_your_write_miss"] += 1
            await _send(http, "DELETE", url, h, result)
        result.kinds[kind] += 1
        return
    started = time.perf_counter()
    for method, url, kwargs in calls:
        await _send(http, method, url, h, result, **kwargs)
    result.kinds[kind] += 1
    result.by_kind.setdefault(kind, []).append(time.perf_counter() - started)


async def _send(
    http: httpx.AsyncClient, method: str, url: str, headers: dict[str, str], result: Result, **kwargs: Any
) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await http.request(method, url, headers=headers, **kwargs)
    except httpx.TimeoutException:
        result.statuses["timeout"] += 1
        result.latencies.append(time.perf_counter() - started)
        return None
    except httpx.TransportError as exc:
        result.statuses[f"connection:{type(exc).__name__}"] += 1
        result.latencies.append(time.perf_counter() - started)
        return None
    result.latencies.append(time.perf_counter() - started)
    result.statuses[str(response.status_code)] += 1
    return response


async def closed_loop(work: Workload, clients: int, seconds: float, seed: int) -> Result:
    result = Result(f"closed {clients} clients", seconds)
    deadline = time.perf_counter() + seconds

    async def client(i: int) -> None:
        # A connection of its own per client, as each browser has: one pool shared by a hundred
        # clients made the generator itself the slowest part (its pool is scanned per request).
        rng = random.Random(seed * 1000 + i)
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=work.base_url, timeout=TIMEOUT_SECONDS, limits=limits) as http:
            while time.perf_counter() < deadline:
                await one_request(http, work, rng, result)

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    result.seconds = time.perf_counter() - started
    return result


async def open_loop(work: Workload, rate: float, seconds: float, seed: int) -> Result:
    """Start a request every 1/rate s on schedule; latency counts from the scheduled start."""
    result = Result(f"open {rate:.0f} req/s", seconds)
    rng = random.Random(seed)
    limits = httpx.Limits(max_connections=500, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=work.base_url, timeout=TIMEOUT_SECONDS, limits=limits) as http:
        tasks = []
        started = time.perf_counter()
        n = int(rate * seconds)
        for i in range(n):
            due = started + i / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            tasks.append(
                asyncio.create_task(_scheduled(http, work, random.Random(rng.random()), result, due))
            )
        await asyncio.gather(*tasks)
        result.seconds = time.perf_counter() - started
    return result


async def _scheduled(
    http: httpx.AsyncClient, work: Workload, rng: random.Random, result: Result, due: float
) -> None:
    # Measure from the due time: a request the generator could not even start on time is late.
    mark = len(result.latencies)
    await one_request(http, work, rng, result)
    lag = max(0.0, time.perf_counter() - due) - sum(result.latencies[mark:])
    if lag > 0 and len(result.latencies) > mark:
        result.latencies[mark] += lag


def _load_process(spec: dict[str, Any], queue: multiprocessing.Queue[Any]) -> None:
    async def run() -> list[dict[str, Any]]:
        identities = await sign_in_all(spec["base_url"], spec["users"])
        async with httpx.AsyncClient(base_url=spec["base_url"], headers=identities[0].headers) as http:
            listed = (await http.get("/api/v1/stocks", params={"limit": 500})).json()
        work = Workload(spec["base_url"], identities, [s["code"] for s in listed["items"]])
        # Warm up: caches filled, the screener's snapshot loaded, connections made.
        await closed_loop(work, 4, spec["warmup"], seed=99)
        queue.put(("ready", None))  # signed in and warmed up: the measured phases start now
        out = []
        for phase in spec["phases"]:
            if phase["kind"] == "closed":
                result = await closed_loop(work, phase["clients"], phase["seconds"], seed=phase["clients"])
            else:
                rate = phase["rate"] or phase["fraction"] * out[0]["throughput_rps"]
                result = await open_loop(work, rate, phase["seconds"], seed=7)
            out.append(result.summary())
            queue.put(("phase", result.summary()))
        return out

    try:
        asyncio.run(run())
        queue.put(("done", None))
    except BaseException as exc:  # report to the parent, which prints it
        queue.put(("error", repr(exc)))


def run_load(stack: Stack, users: int, phases: list[dict[str, Any]], warmup: float) -> list[dict[str, Any]]:
    """Drive the phases from a separate process; return each phase's summary with the server's RSS."""
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[Any] = context.Queue()
    spec = {"base_url": stack.base_url, "users": users, "phases": phases, "warmup": warmup}
    process = context.Process(target=_load_process, args=(spec, queue))
    process.start()
    results = []
    try:
        while True:
            kind, payload = queue.get(timeout=sum(p["seconds"] for p in phases) + warmup + 600)
            if kind == "phase":
                payload["server_rss_mb"] = round(server_rss_mb(stack), 1)
                results.append(payload)
                print(_line(payload), flush=True)
            elif kind == "ready":
                continue
            elif kind == "error":
                raise SystemExit(f"load generator failed: {payload}")
            else:
                return results
    finally:
        process.join(timeout=30)


def _line(s: dict[str, Any]) -> str:
    return (
        f"  {s['phase']:<20} {s['requests']:>7} req  {s['throughput_rps']:>7.1f} req/s  "
        f"p50 {s['p50_ms']:>7.1f} ms  p99 {s['p99_ms']:>7.1f} ms  max {s['max_ms']:>8.1f} ms  "
        f"5xx {s['5xx']}  timeouts {s['timeouts']}  429 {s['429']}  rss {s.get('server_rss_mb', 0):.0f} MB"
    )


def verdict(results: list[dict[str, Any]], min_ratio: float = 0.9, latency: bool = True) -> list[str]:
    """The goals, checked on the figures: an empty list means every goal holds. ``latency``: also
    the p99 goals (off in the short CI form: on a shared runner a p99 measures the neighbours)."""
    closed = [r for r in results if r["phase"].startswith("closed")]
    opened = [r for r in results if r["phase"].startswith("open")]
    problems = []
    for r in results:
        if r["5xx"] or r["timeouts"]:
            problems.append(f"{r['phase']}: {r['5xx']} server errors, {r['timeouts']} time-outs")
        if r["statuses"].get("read_your_write_miss"):
            problems.append(f"{r['phase']}: {r['statuses']['read_your_write_miss']} reads missed a write")
    if len(closed) >= 2:
        ratio = closed[-1]["throughput_rps"] / closed[0]["throughput_rps"]
        if ratio < min_ratio:
            problems.append(
                f"throughput {closed[-1]['phase']} / {closed[0]['phase']} = {ratio:.2f} < {min_ratio}"
            )
        if latency and closed[-1]["p99_ms"] >= 2000:
            problems.append(f"{closed[-1]['phase']}: p99 {closed[-1]['p99_ms']} ms ≥ 2 s")
    for r in opened if latency else []:
        if r["p99_ms"] > 100:
            problems.append(f"{r['phase']}: p99 {r['p99_ms']} ms > 100 ms")
    return problems


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench load", description=__doc__.split("\n")[0])
    parser.add_argument("--short", action="store_true", help="the CI form: 5 and 50 clients × 15 s")
    parser.add_argument("--clients", default=None, help="closed-loop client counts, e.g. 10,100")
    parser.add_argument("--seconds", type=float, default=None, help="seconds per closed-loop phase")
    parser.add_argument("--open-rate", type=float, default=0, help="open-loop req/s (0: 30%% of the first)")
    parser.add_argument("--open-seconds", type=float, default=30)
    parser.add_argument("--symbols", type=int, default=None)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--threads", type=int, default=None, help="KABU_THREADS of the server")
    parser.add_argument(
        "--env", action="append", default=[], metavar="KABU_X=V", help="another server setting (repeatable)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 unless the goals hold (CI: with --short, a collapse is a fall below 0.5×)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args(list(argv))
    clients = [int(c) for c in (args.clients or ("5,50" if args.short else "10,100")).split(",")]
    seconds = args.seconds or (15.0 if args.short else 60.0)
    symbols = args.symbols or (40 if args.short else 320)
    demo_start = date(2024, 1, 4) if args.short else date(2022, 1, 4)
    phases: list[dict[str, Any]] = [{"kind": "closed", "clients": c, "seconds": seconds} for c in clients]
    if not args.short:
        phases.append({"kind": "open", "rate": args.open_rate, "fraction": 0.3, "seconds": args.open_seconds})

    if args.check and not services_reachable():
        if os.environ.get("CI", "").lower() in {"1", "true"}:
            raise SystemExit("load: PostgreSQL or Redis is unreachable, and CI needs them")
        print("load: skipped, PostgreSQL or Redis is unreachable (CI fails instead)")
        return
    folder = Path(tempfile.mkdtemp(prefix="kabu-load-"))
    database_url = create_database()
    env = server_env(database_url, folder, symbols, demo_start)
    if args.threads:
        env["KABU_THREADS"] = str(args.threads)
    env.update(item.split("=", 1) for item in args.env)
    started = time.perf_counter()
    prepare_data(env, args.users)
    print(
        f"load: {symbols} demo stocks, {args.users} accounts ready in {time.perf_counter() - started:.0f} s"
    )
    stack = start_server(env, folder)
    try:
        print(f"load: one worker at {stack.base_url} (PostgreSQL + Redis), load generator in its own process")
        results = run_load(stack, args.users, phases, warmup=5 if args.short else 10)
    finally:
        stack.stop()
    closed = [r for r in results if r["phase"].startswith("closed")]
    if len(closed) >= 2:
        ratio = closed[-1]["throughput_rps"] / closed[0]["throughput_rps"]
        print(f"  throughput ratio {closed[-1]['phase']} / {closed[0]['phase']}: {ratio:.2f} (goal ≥ 0.9)")
    # The short CI form runs beside everything else on a shared runner: it guards against errors,
    # lost writes and a collapse (the 10× fall this benchmark was written for: 22 answers in 60 s),
    # not against noise; the full run holds the 0.9× and p99 goals.
    problems = verdict(results, min_ratio=0.5 if args.short else 0.9, latency=not args.short)
    print("  goals: " + ("all met" if not problems else "; ".join(problems)))
    if args.json:
        args.json.write_text(json.dumps({"results": results, "problems": problems}, indent=2))
    if args.check and problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
