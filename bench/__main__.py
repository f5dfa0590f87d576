"""Run the benchmarks: ``python -m bench`` (all), ``python -m bench NAME [options]`` (one).

Every module of this package that defines ``main`` is a benchmark, so adding ``bench/screening.py``
with a ``main`` is all it takes to be found.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from collections.abc import Callable, Sequence
from typing import Any

import bench


def discover() -> dict[str, Callable[..., Any]]:
    found: dict[str, Callable[..., Any]] = {}
    for module in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
        if module.name.startswith("_"):
            continue
        main = getattr(importlib.import_module(f"bench.{module.name}"), "main", None)
        if callable(main):
            found[module.name] = main
    return found


def run(main: Callable[..., Any], argv: Sequence[str]) -> None:
    # A main() without parameters is fine too; it then takes no options.
    if inspect.signature(main).parameters:
        main(list(argv))
    elif argv:
        raise SystemExit(f"this benchmark takes no options: {' '.join(argv)}")
    else:
        main()


def cli(argv: Sequence[str]) -> int:
    benchmarks = discover()
    if argv and argv[0] in {"-h", "--help"}:
        print(__doc__.strip())
        print("benchmarks:", ", ".join(benchmarks))
        return 0
    if not argv:
        for main in benchmarks.values():
            run(main, ())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in benchmarks:
        print(f"unknown benchmark {name!r}; available: {', '.join(benchmarks)}", file=sys.stderr)
        return 2
    run(benchmarks[name], rest)
    return 0


if __name__ == "__main__":
    raise SystemExit(cli(sys.argv[1:]))
