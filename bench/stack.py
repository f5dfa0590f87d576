"""Does the compose stack fit the t3.micro? The containers' memory under a mixed load (issue 9.3).

The personal tier runs ``compose.yaml`` on one EC2 t3.micro with 1 GB: ``api`` + ``worker`` +
``redis`` (PostgreSQL is on RDS). This benchmark brings that stack up for real, from the image
``make image`` built and with PostgreSQL as the ``local`` profile's container (not counted: it is
RDS in AWS), lets the worker load the demo universe (4,000 symbols × 5 years by default, the whole
TSE's size), then drives the API with ``bench load``'s mixed traffic (search, detail, prices,
evaluations, screening, policy writes, history; many accounts) for two minutes through the
published port, and samples every container's resident memory (the whole process tree of each
container, read on the host: what the kernel's OOM killer counts) every half second throughout.

Budgets (issue 9 point 3): the API container ≤ 250 MB steady, api + redis ≤ 600 MB. Printed beside
them: the worker's peak during the first sync (the daily job's share) and the sum a sync day asks of
the machine (api + redis + the worker's peak).

    python -m bench stack                          # 4,000 symbols × 5 years, 2-minute load
    python -m bench stack --symbols 320 --seconds 30   # a smaller run

Needs podman (or docker) with compose, ``kabu-trade:local`` (``make image``) and the base image of
``deploy/standins/`` (``../shared/tools/container-sandbox`` here); without them it says so and
skips. Loopback only (the published port), bounded: the load phase is ``--seconds`` long, the
first load waits at most ``--load-timeout`` seconds, and the stack is always torn down, volumes
included.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import statistics
import subprocess  # nosec B404 - our own container commands
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench import load
from bench._measure import figure, machine_load, tree_rss_bytes

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "kabu-bench-stack"
IMAGE = "kabu-trade:local"
STANDINS = {
    "KABU_REDIS_IMAGE": ("localhost/kabu-standin-redis:7-bookworm", ROOT / "deploy/standins/redis"),
    "KABU_POSTGRES_IMAGE": ("localhost/kabu-standin-postgres:15-bookworm", ROOT / "deploy/standins/postgres"),
}
MEASURED = ("api", "worker", "redis")
BUDGET_MB = {"api": 250, "api+redis": 600}


@dataclass
class Samples:
    """Resident memory per service, sampled by a background thread."""

    values: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in MEASURED})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, service: str, mb: float) -> None:
        with self.lock:
            self.values[service].append(mb)

    def mark(self) -> dict[str, int]:
        with self.lock:
            return {s: len(v) for s, v in self.values.items()}

    def peak(self, service: str, since: dict[str, int] | None = None) -> float:
        with self.lock:
            chosen = self.values[service][(since or {}).get(service, 0) :]
        return max(chosen, default=0.0)

    def median(self, service: str, since: dict[str, int]) -> float:
        with self.lock:
            chosen = self.values[service][since.get(service, 0) :]
        return statistics.median(chosen) if chosen else 0.0


class Stack:
    """The compose project in a folder laid out like the host's /opt/kabu-trade."""

    def __init__(self, engine: str, port: int, symbols: int, years: int, extra: dict[str, str]) -> None:
        self.engine = engine
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="kabu-bench-stack-"))
        shutil.copy(ROOT / "compose.yaml", self.folder / "compose.yaml")
        password = secrets.token_urlsafe(16)
        today = date.today()
        settings = {
            "KABU_SECRET_KEY": secrets.token_urlsafe(48),
            "KABU_DATABASE_URL": f"postgresql+psycopg://kabu:{password}@postgres:5432/kabu",
            "POSTGRES_PASSWORD": password,
            "KABU_IMAGE": IMAGE,
            "KABU_HTTP_PORT": str(port),
            "KABU_DATA_SOURCE": "demo",
            "KABU_DEMO_SYMBOLS": str(symbols),
            "KABU_DEMO_START": today.replace(year=today.year - years).isoformat(),
            "KABU_LOG_LEVEL": "WARNING",
            **{variable: image for variable, (image, _) in STANDINS.items()},
            **extra,
        }
        (self.folder / ".env").write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
        self.base_url = f"http://127.0.0.1:{port}"

    def compose(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [*self._compose_command(), "-p", PROJECT, "-f", "compose.yaml", "--profile", "local", *args]
        result = subprocess.run(command, cwd=self.folder, capture_output=True, text=True, check=False)  # nosec B603
        if check and result.returncode != 0:
            raise SystemExit(
                f"stack: `{' '.join(command)}` failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
            )
        return result

    def _compose_command(self) -> list[str]:
        if self.engine == "podman":
            return ["podman-compose"]
        return ["docker", "compose"]

    def container(self, service: str) -> str:
        names = subprocess.run(  # nosec B603
            [
                self.engine,
                "ps",
                "--filter",
                f"label=com.docker.compose.project={PROJECT}",
                "--filter",
                f"label=com.docker.compose.service={service}",
                "--format",
                "{{.Names}}",
            ],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        if not names:
            raise LookupError(service)
        return names[0]

    def host_pid(self, service: str) -> int:
        output = subprocess.run(  # nosec B603
            [self.engine, "inspect", "--format", "{{.State.Pid}}", self.container(service)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return int(output)

    def exec_python(self, service: str, code: str) -> str:
        result = subprocess.run(  # nosec B603
            [self.engine, "exec", "-i", self.container(service), "python", "-"],
            input=code,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"stack: python in {service} failed:\n{result.stderr[-2000:]}")
        return result.stdout

    def down(self) -> None:
        self.compose("down", "-v", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def _missing(engine: str) -> str | None:
    if shutil.which(engine) is None:
        return f"no {engine} (../shared/tools/container-sandbox installs podman)"
    if engine == "podman" and shutil.which("podman-compose") is None:
        return "no podman-compose (../shared/tools/container-sandbox installs it)"
    if subprocess.run([engine, "image", "exists", IMAGE], check=False).returncode != 0:  # nosec B603
        return f"no image {IMAGE} (make image)"
    return None


def build_standins(engine: str) -> None:
    for image, folder in STANDINS.values():
        if subprocess.run([engine, "image", "exists", image], check=False).returncode == 0:  # nosec B603
            continue
        print(f"stack: building the stand-in {image} from {folder.relative_to(ROOT)}", flush=True)
        subprocess.run([engine, "build", "-q", "-t", image, str(folder)], check=True)  # nosec B603


def sample_forever(stack: Stack, samples: Samples, stop: threading.Event) -> None:
    processes: dict[str, psutil.Process] = {}
    while not stop.is_set():
        for service in MEASURED:
            try:
                process = processes.get(service)
                if process is None or not process.is_running():
                    process = processes[service] = psutil.Process(stack.host_pid(service))
                samples.add(service, tree_rss_bytes(process) / 1e6)
            except (LookupError, subprocess.CalledProcessError, ValueError, psutil.Error):
                continue  # not started yet, or restarting: no sample
        stop.wait(0.5)


def wait_for_first_load(stack: Stack, timeout: float) -> float:
    """Seconds until the worker's first demo load has finished (health: data, nothing queued)."""
    started = time.monotonic()
    last = ""
    while time.monotonic() - started < timeout:
        try:
            body = httpx.get(f"{stack.base_url}/api/v1/health", timeout=5).json()
        except (httpx.HTTPError, ValueError):
            time.sleep(2)
            continue
        jobs = body.get("jobs", {})
        busy = jobs.get("active") or any(jobs.get("queue", {}).values())
        if body.get("data", {}).get("latest_bar_date") and not busy:
            return time.monotonic() - started
        progress = " ".join(f"{j.get('kind')} {j.get('progress', '')}" for j in jobs.get("active") or [])
        if progress != last:
            print(f"stack: first load: {progress or 'waiting'}", flush=True)
            last = progress
        time.sleep(3)
    raise SystemExit(f"stack: the first load did not finish in {timeout:.0f} s")


CREATE_USERS = """
from kabu_trade.auth import service
from kabu_trade.core.config import Settings
from kabu_trade.core.context import build_context
from kabu_trade.core.db import session_scope

context = build_context(Settings())
with session_scope(context.sessions) as session:
    for i in range({users}):
        service.create_user(session, f"load{{i:03d}}", {password!r})
context.close()
"""


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench stack", description=__doc__.split("\n")[0])
    parser.add_argument("--symbols", type=int, default=4000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=120, help="length of the mixed load")
    parser.add_argument("--clients", type=int, default=10, help="concurrent clients of the load")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--port", type=int, default=18020)
    parser.add_argument("--engine", default="podman", choices=["podman", "docker"])
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="another setting in .env (repeatable)",
    )
    parser.add_argument(
        "--load-timeout", type=float, default=1800, help="most seconds the first load may take"
    )
    args = parser.parse_args(list(argv))

    missing = _missing(args.engine)
    if missing:
        print(f"stack: skipped, {missing}")
        return
    build_standins(args.engine)
    extra = dict(item.split("=", 1) for item in args.env)
    stack = Stack(args.engine, args.port, args.symbols, args.years, extra)
    samples, stop = Samples(), threading.Event()
    sampler = threading.Thread(target=sample_forever, args=(stack, samples, stop), daemon=True)
    label = f"{args.symbols} symbols × {args.years} years" + "".join(f", {k}={v}" for k, v in extra.items())
    try:
        print(
            f"stack: {PROJECT} up on {stack.base_url} ({label}, PostgreSQL in the local profile)", flush=True
        )
        stack.compose("up", "-d")
        sampler.start()
        seconds = wait_for_first_load(stack, args.load_timeout)
        figure(f"stack: the worker's first load of {label}", f"{seconds:.0f} s")
        sync_mark = samples.mark()
        stack.exec_python("api", CREATE_USERS.format(users=args.users, password=load.PASSWORD))
        time.sleep(5)  # the sampler catches the API at rest before the load
        before = samples.mark()
        load_phase = [{"kind": "closed", "clients": args.clients, "seconds": args.seconds}]
        results, traffic = _run_load(stack.base_url, args.users, load_phase, samples)
        after = samples.mark()
        time.sleep(5)  # at rest again: the steady figure
    finally:
        stop.set()
        stack.down()

    for r in results:
        print(load._line({**r, "server_rss_mb": samples.peak("api", before)}), flush=True)
    api_steady = samples.median("api", after)
    api_peak = samples.peak("api", traffic)
    sign_in_peak = max(samples.values["api"][before["api"] : traffic["api"]], default=0.0)
    redis_peak = samples.peak("redis")
    worker_sync_peak = max(samples.values["worker"][: sync_mark["worker"]], default=0.0)
    pair = api_peak + redis_peak
    rows = [
        ("api, steady after the load", api_steady, BUDGET_MB["api"]),
        ("api, peak during the mixed traffic", api_peak, BUDGET_MB["api"]),
        (f"api, peak while {args.users} accounts signed in (argon2id)", sign_in_peak, None),
        ("redis, peak", redis_peak, None),
        ("api + redis (peaks)", pair, BUDGET_MB["api+redis"]),
        ("worker, peak during the first load (the daily sync's share)", worker_sync_peak, None),
        ("worker, at rest after it", samples.median("worker", after), None),
        (
            "api steady + redis + worker's peak (a sync day; issue 8's stack)",
            api_steady + redis_peak + worker_sync_peak,
            600,
        ),
        ("api + redis + worker's peak, all peaks at once", pair + worker_sync_peak, None),
    ]
    print(f"\nstack memory, {label}, {args.clients} clients × {args.seconds:.0f} s ({machine_load()}):")
    for name, value, budget in rows:
        verdict = (
            "" if budget is None else (f"  budget {budget} MB  " + ("PASS" if value <= budget else "OVER"))
        )
        print(f"  {name:<62} {value:7.0f} MB{verdict}")
    errors = sum(r["5xx"] + r["timeouts"] for r in results)
    print(f"  requests {sum(r['requests'] for r in results)}, server errors and time-outs {errors}")


def _run_load(
    base_url: str, users: int, phases: list[dict[str, Any]], samples: Samples
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """``bench load``'s generator in its own process, against the published port; returns its
    phases and the sample mark where the mixed traffic began (after the sign-ins and warm-up)."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[Any] = context.Queue()
    spec = {"base_url": base_url, "users": users, "phases": phases, "warmup": 5}
    process = context.Process(target=load._load_process, args=(spec, queue))
    process.start()
    results: list[dict[str, Any]] = []
    traffic = samples.mark()
    try:
        while True:
            kind, payload = queue.get(timeout=sum(float(p["seconds"]) for p in phases) + 600)
            if kind == "phase":
                results.append(payload)
            elif kind == "ready":
                traffic = samples.mark()
            elif kind == "error":
                raise SystemExit(f"stack: load generator failed: {payload}")
            else:
                return results, traffic
    finally:
        process.join(timeout=30)
