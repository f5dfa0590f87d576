"""Run the benchmarks.

    python -m bench                  every benchmark at full size, one after the other
    python -m bench --quick          every benchmark that has a quick form, with --quick
    python -m bench NAME [options]   one benchmark (``python -m bench NAME --help`` for its options)

Every module of this package that defines ``main`` is a benchmark, so adding ``bench/screening.py``
with a ``main`` is all it takes to be found. A benchmark has a quick form when its ``--help``
mentions ``--quick``; in quick mode the others are skipped, and the run says so.

A run of several benchmarks starts each in its own process: the memory one benchmark leaves
behind (or a crash) must not colour the next one's figures. It opens with the machine and the
commit, and ends with how long each benchmark took.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import os
import pkgutil
import subprocess  # nosec B404 - runs this package's own benchmarks
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import bench
from bench._measure import machine_header, machine_load

QUICK_BUDGET_SECONDS = 120  # `make bench-quick` is for everyday use: all of it in two minutes
_NESTED = "KABU_BENCH_NESTED"  # set for the benchmarks a full run starts: the run printed the header


def discover() -> tuple[dict[str, Callable[..., Any]], dict[str, str]]:
    """The benchmarks by name, and the modules that failed to import with their error (a module
    being edited elsewhere must not stop the others from running)."""
    found: dict[str, Callable[..., Any]] = {}
    broken: dict[str, str] = {}
    for module in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
        if module.name.startswith("_"):
            continue
        try:
            imported = importlib.import_module(f"bench.{module.name}")
        except Exception as exc:  # reported by name; the other benchmarks still run
            broken[module.name] = f"{type(exc).__name__}: {exc}"
            continue
        main = getattr(imported, "main", None)
        if callable(main):
            found[module.name] = main
    return found, broken


def accepts_quick(main: Callable[..., Any]) -> bool:
    """Whether the benchmark's ``--help`` offers ``--quick`` (argparse prints it and exits)."""
    if not inspect.signature(main).parameters:
        return False
    text = io.StringIO()
    try:
        with contextlib.redirect_stdout(text), contextlib.redirect_stderr(io.StringIO()):
            main(["--help"])
    except SystemExit:
        pass
    except Exception:
        return False
    return "--quick" in text.getvalue()


def run(main: Callable[..., Any], argv: Sequence[str]) -> None:
    # A main() without parameters is fine too; it then takes no options.
    if inspect.signature(main).parameters:
        main(list(argv))
    elif argv:
        raise SystemExit(f"this benchmark takes no options: {' '.join(argv)}")
    else:
        main()


def run_all(benchmarks: dict[str, Callable[..., Any]], broken: dict[str, str], quick: bool) -> int:
    started = time.perf_counter()
    outcomes: list[tuple[str, str, float]] = []
    for name, error in broken.items():
        outcomes.append((name, f"not run: import failed ({error})", 0.0))
    for name, main in benchmarks.items():
        argv = ["--quick"] if quick else []
        if quick and not accepts_quick(main):
            print(f"\n=== {name}: skipped in quick mode (no --quick form)", flush=True)
            outcomes.append((name, "skipped (no --quick form)", 0.0))
            continue
        print(f"\n=== {' '.join([name, *argv])} · {machine_load()}", flush=True)
        began = time.perf_counter()
        done = subprocess.run(  # nosec B603 - this interpreter, this package
            [sys.executable, "-m", "bench", name, *argv], check=False, env={**os.environ, _NESTED: "1"}
        )
        seconds = time.perf_counter() - began
        outcomes.append((name, "ok" if done.returncode == 0 else f"FAILED (exit {done.returncode})", seconds))
    total = time.perf_counter() - started
    print(f"\n=== {'quick' if quick else 'full'} run: {total:.0f} s in total", flush=True)
    for name, outcome, seconds in outcomes:
        print(f"  {name:<10} {seconds:>6.0f} s  {outcome}")
    if quick and total > QUICK_BUDGET_SECONDS:
        print(f"  over the quick budget of {QUICK_BUDGET_SECONDS} s")
    return 1 if any(o.startswith(("FAILED", "not run")) for _, o, _ in outcomes) else 0


def cli(argv: Sequence[str]) -> int:
    argv = list(argv)
    if argv and argv[0] in {"-h", "--help"}:
        benchmarks, broken = discover()
        print((__doc__ or "").strip())
        print("benchmarks:", ", ".join(benchmarks))
        for name, error in broken.items():
            print(f"not importable: {name}: {error}")
        return 0
    if not argv or argv == ["--quick"]:
        print(machine_header(), flush=True)
        benchmarks, broken = discover()
        return run_all(benchmarks, broken, quick=bool(argv))
    name, rest = argv[0], argv[1:]
    main = _one(name)
    if main is None:
        return 2
    if not ({"-h", "--help"} & set(rest)) and not os.environ.get(_NESTED):
        print(machine_header(), flush=True)
    run(main, rest)
    return 0


def _one(name: str) -> Callable[..., Any] | None:
    """The named benchmark's ``main``, importing that module only (None, said why, if none)."""
    known = [m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_")]
    if name in known:
        main = getattr(importlib.import_module(f"bench.{name}"), "main", None)
        if callable(main):
            return main  # type: ignore[no-any-return]
    print(f"unknown benchmark {name!r}; available: {', '.join(sorted(known))}", file=sys.stderr)
    return None


if __name__ == "__main__":
    raise SystemExit(cli(sys.argv[1:]))
