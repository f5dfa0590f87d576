"""What every benchmark measures with, so that the two sides of a comparison are treated alike.

- ``repeat`` runs a function the same number of times for kabu-trade and for its baseline, and
  keeps every sample: a figure is reported as min / median, never "our best against their once".
- ``machine_load`` is printed beside each figure: on a shared 2-core machine a figure taken under
  load says so instead of passing for a quiet-machine number.
- ``peak_rss_mb`` runs a command as a child process and samples its resident memory (the whole
  process tree: a server with its workers), which is what the kernel's OOM killer counts — not
  Python's own allocations.
- ``machine_header`` says where the figures come from: cores, memory, load and the git commit.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import subprocess  # nosec B404 - benchmarks start our own commands
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil


@dataclass(frozen=True)
class Timing:
    """Every sample of one measured thing, in seconds."""

    samples: tuple[float, ...]

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def __str__(self) -> str:
        return f"min {_seconds(self.min)} / median {_seconds(self.median)} (n={len(self.samples)})"


def _seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def machine_load() -> str:
    """The 1-minute load average over the cores, e.g. ``load 0.4/2 cores``."""
    one, _, _ = os.getloadavg()
    return f"load {one:.1f}/{os.cpu_count()} cores"


def machine_header() -> str:
    """Two lines for the top of a run: the machine (cores, memory, load) and the code (commit)."""
    memory = psutil.virtual_memory()
    one, five, fifteen = os.getloadavg()
    machine = (
        f"machine: {os.cpu_count()} cores ({_cpu_model()}), {memory.total / 2**30:.1f} GiB memory "
        f"({memory.available / 2**30:.1f} GiB available), load {one:.2f} / {five:.2f} / {fifteen:.2f} "
        f"(1 / 5 / 15 min), Python {platform.python_version()}"
    )
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{machine}\ncode: {_git_description()} · {now}"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git_description() -> str:
    """``commit 4009124 (subject)``, flagged when src/ or bench/ differ from it, and where the
    kabu_trade package was imported from when that is not this checkout."""
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        done = subprocess.run(  # nosec B603 B607 - git with fixed arguments
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("log", "-1", "--format=%h %s")
    if not commit:
        return "commit unknown (not a git checkout)"
    sha, _, subject = commit.partition(" ")
    text = f"commit {sha} ({subject[:70]}{'…' if len(subject) > 70 else ''})"
    changed = git("status", "--porcelain", "--untracked-files=no", "--", "src", "bench").splitlines()
    if changed:
        text += f", with {len(changed)} uncommitted change(s) in src/ or bench/"
    try:
        import kabu_trade

        package = Path(kabu_trade.__file__).resolve().parent
        if root not in package.parents:
            text += f"; kabu_trade imported from {package}"
    except ImportError as exc:
        text += f"; kabu_trade not importable: {exc}"
    return text


def repeat(
    fn: Callable[[], Any], times: int, *, setup: Callable[[], Any] | None = None
) -> tuple[Timing, Any]:
    """Run ``fn`` ``times`` times (``setup`` before each, untimed); every sample and the last result.

    Each sample starts after a full garbage collection, so that one sample's garbage is not
    collected in the next. The objects alive before the first sample (the benchmark's data: a
    million-row frame of date objects) are frozen out of the collector meanwhile: otherwise every
    collection walks them, which cost 0.15 s per sample at 320 stocks and whole minutes per run,
    and made the collector's pauses inside ``fn`` depend on the benchmark's fixtures, not the code.
    """
    if times < 1:
        raise ValueError(f"times must be at least 1, got {times}")
    samples, result = [], None
    gc.collect()
    gc.freeze()
    try:
        for _ in range(times):
            if setup is not None:
                setup()
            gc.collect()
            started = time.perf_counter()
            result = fn()
            samples.append(time.perf_counter() - started)
    finally:
        gc.unfreeze()
    return Timing(tuple(samples)), result


def compare(label: str, ours: Timing, baseline: Timing, baseline_name: str = "baseline") -> str:
    """One printed line: both sides as min/median, the ratio of the medians (kabu-trade "N× faster"
    or "N× slower" than the baseline) and the machine load."""
    if len(ours.samples) != len(baseline.samples):
        raise ValueError(f"{label}: {len(ours.samples)} samples against {len(baseline.samples)}")
    ratio = baseline.median / ours.median if ours.median else float("inf")
    # A loss reads as one: "2.5× slower", never "0.4× faster".
    verdict = f"{ratio:.1f}× faster" if ratio >= 1 else f"{1 / ratio:.1f}× slower"
    line = f"{label}: kabu-trade {ours} · {baseline_name} {baseline} · {verdict} · {machine_load()}"
    print(line, flush=True)
    return line


def figure(label: str, value: str) -> str:
    """One printed figure without a baseline, with the machine load."""
    line = f"{label}: {value} · {machine_load()}"
    print(line, flush=True)
    return line


@dataclass(frozen=True)
class ProcessRun:
    seconds: float
    peak_rss_mb: float
    returncode: int
    output: str


def peak_rss_mb(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    interval: float = 0.05,
    timeout: float = 1800,
) -> ProcessRun:
    """Run ``command`` and sample the resident memory of its whole process tree until it exits."""
    started = time.perf_counter()
    process = subprocess.Popen(  # nosec B603 - a fixed command of ours, no shell
        list(command),
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout or []), daemon=True)
    reader.start()
    peak = 0
    watched = psutil.Process(process.pid)
    while process.poll() is None:
        peak = max(peak, tree_rss_bytes(watched))
        if time.perf_counter() - started > timeout:
            process.kill()
            break
        time.sleep(interval)
    process.wait()
    reader.join(timeout=5)
    return ProcessRun(time.perf_counter() - started, peak / 1e6, process.returncode, "".join(output))


def tree_rss_bytes(process: psutil.Process) -> int:
    """Resident memory of a process and its children (0 once it is gone)."""
    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total
