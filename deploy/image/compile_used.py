"""Build step of the Dockerfile: import what kabu-trade runs, then byte-compile exactly that.

Every module of kabu_trade is imported (the API, the CLI, the worker, the jobs, the providers),
the app is created, and the modules uvicorn, boto3 and the providers load by name are imported
too; this proves the image's Python can import them all. Then the Python files loaded from the
virtual environment (and every file of kabu_trade, its migrations included) are compiled to
``__pycache__`` with unchecked-hash invalidation: valid whatever timestamps the layers give them.
The rest of the dependencies' modules (about a third of their source) stays uncompiled: shipping
their byte-code would add ~25 MB to the image for modules that are rarely, if ever, imported (a
process that needs one compiles it in memory, once).

    compile_used.py DEPENDENCIES_PYC_ROOT

The project (wherever it is installed: the Dockerfile installs it under a staging root of its own)
is compiled in place. The dependencies' byte-code is written under DEPENDENCIES_PYC_ROOT, at the
path it has in the virtual environment (``/opt/venv/...`` → ``ROOT/opt/venv/.../__pycache__``):
the Dockerfile copies that tree into the image as a layer of its own, between the dependencies and
the project, so a change of the project alone leaves the layer of the dependencies as it was.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import py_compile
import sys
import warnings
from pathlib import Path

# Loaded by name at run time, beside what uvicorn's Config.load() imports below.
BY_NAME = (
    "uvicorn.supervisors.multiprocess",
    "psycopg",
    "psycopg_binary",
    "alembic.command",
    "alembic.runtime.migration",
    "alembic.autogenerate",
    "yfinance",
    "jquantsapi",
)


def main() -> None:
    venv = Path(sys.prefix)
    pyc_root = Path(sys.argv[1])
    import kabu_trade

    project = Path(kabu_trade.__path__[0])

    warnings.simplefilter("ignore")
    for module in pkgutil.walk_packages(kabu_trade.__path__, "kabu_trade."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    for name in BY_NAME:
        importlib.import_module(name)
    # What `kabu-trade serve` makes uvicorn load: its loop, protocols, and the app from the factory.
    import uvicorn

    os.environ.update(KABU_DATA_DIR="/tmp", KABU_SECRET_KEY="x" * 40, KABU_ENV="production")
    uvicorn.Config("kabu_trade.main:app_factory", factory=True, proxy_headers=True).load()
    import boto3

    for service in ("s3", "sts"):
        boto3.client(service, region_name="ap-northeast-1")

    files = {Path(f) for m in list(sys.modules.values()) if (f := getattr(m, "__file__", None))}
    own = sorted(project.rglob("*.py"))
    used = sorted(f for f in files if f.suffix == ".py" and f.is_relative_to(venv))
    for path in own:
        compile_file(path, importlib.util.cache_from_source(str(path)))
    for path in used:
        compile_file(path, str(pyc_root) + importlib.util.cache_from_source(str(path)))
    print(f"compile_used: {len(own)} modules of {project} compiled in place,")
    print(f"  {len(used)} modules of the dependencies compiled into {pyc_root}")


def compile_file(source: Path, pyc: str) -> None:
    py_compile.compile(
        str(source),
        cfile=pyc,
        doraise=True,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )


if __name__ == "__main__":
    main()
