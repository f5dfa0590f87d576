"""Last build step of the Dockerfile, run in the final image as its user: does the pruned image work?

The final stage is assembled from a root filesystem cut down by prune_runtime.py and the virtual
environment built on a full Debian, so this checks, in the image itself, what that cut could break:
every ELF file (the interpreter, the wheels' extension modules, the PostgreSQL tools) finds its
libraries and every module of kabu_trade imports; HTTPS has CA certificates (the ssl module's
defaults, certifi's bundle); the time zones resolve; SQLite, the MIME types the web app is served
with, /tmp and /data, the CLI, the PostgreSQL tools, and the AWS clients the pruned botocore
models serve.

Also useful by hand: podman run --rm --entrypoint python3 IMAGE /opt/kabu-trade/check_image.py
"""

from __future__ import annotations

import importlib
import mimetypes
import os
import pkgutil
import sqlite3
import ssl
import stat
import subprocess
import sys
import tempfile
import zoneinfo
from datetime import datetime
from pathlib import Path

LOADER = "/lib64/ld-linux-x86-64.so.2"
TOOLS = ("pg_dump", "pg_restore", "psql")


def unresolved_libraries() -> list[str]:
    problems = []
    for top in ("/usr", "/opt/venv"):
        for directory, _, names in os.walk(top):
            for name in names:
                path = os.path.join(directory, name)
                if os.path.islink(path) or not os.path.isfile(path):
                    continue
                with open(path, "rb") as file:
                    if file.read(4) != b"\x7fELF":
                        continue
                # The loader stops at the first library it cannot find (exit 127, on stderr).
                listed = subprocess.run([LOADER, "--list", path], capture_output=True, text=True)
                if listed.returncode != 0 or "not found" in listed.stdout:
                    problems.append(f"{path}: {(listed.stderr or listed.stdout).strip()}")
    return problems


def main() -> None:
    failures: list[str] = []

    def check(ok: object, what: str) -> None:
        if not ok:
            failures.append(what)

    problems = unresolved_libraries()
    check(not problems, "libraries missing: " + "; ".join(problems[:20]))
    # Every module of kabu_trade imports here too (pandas, numpy, TA-Lib, psycopg, lxml, ...).
    import kabu_trade

    for module in pkgutil.walk_packages(kabu_trade.__path__, "kabu_trade."):
        if ".migrations" not in module.name:
            try:
                importlib.import_module(module.name)
            except ImportError as error:
                check(False, f"import {module.name}: {error}")

    context = ssl.create_default_context()
    context.load_default_certs()
    check(context.cert_store_stats()["x509_ca"] > 100, "no CA certificates in ssl's default paths")
    import certifi
    import requests.utils

    check(Path(certifi.where()).stat().st_size > 100_000, "certifi's bundle is missing")
    check(Path(requests.utils.DEFAULT_CA_BUNDLE_PATH).is_file(), "requests finds no CA bundle")

    tokyo = datetime(2026, 1, 1, 12, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo"))
    check(tokyo.utcoffset().total_seconds() == 9 * 3600, "zoneinfo Asia/Tokyo is not UTC+9")
    check(Path("/usr/share/zoneinfo/Asia/Tokyo").is_file(), "the system's tzdata is missing")

    with sqlite3.connect(":memory:") as db:
        check(db.execute("select sqlite_version()").fetchone(), "sqlite3 does not work")
    for suffix, expected in ((".js", "javascript"), (".css", "text/css"), (".svg", "image/svg+xml")):
        guessed = mimetypes.guess_type(f"x{suffix}")[0] or ""
        check(expected in guessed, f"{suffix} is served as {guessed!r}")

    with tempfile.NamedTemporaryFile(dir="/tmp") as scratch:
        check(scratch.write(b"x") == 1, "/tmp is not writable")
    data = os.stat("/data")
    check(
        data.st_uid == os.getuid() and stat.S_IMODE(data.st_mode) == 0o700, "/data is not the user's (0700)"
    )
    check(os.getuid() == 10001, f"runs as uid {os.getuid()}, not 10001")

    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    for command in (
        ["kabu-trade", "--help"],
        *([tool, "--version"] for tool in TOOLS),
        ["tini", "--version"],
    ):
        run = subprocess.run(command, capture_output=True, text=True, env=env)
        check(run.returncode == 0, f"{' '.join(command)} exited {run.returncode}: {run.stderr[-300:]}")
    run = subprocess.run(["sh", "-c", "id -u && mv --version >/dev/null"], capture_output=True, text=True)
    check(run.returncode == 0, "no sh, id or mv (deploy/stack-test.sh derives an image with them)")

    import boto3

    for service in ("s3", "sts"):
        boto3.client(service, region_name="ap-northeast-1")

    if failures:
        sys.exit("check_image: FAILED:\n  " + "\n  ".join(failures))
    print("check_image: the image works (libraries, CA certificates, tzdata, sqlite3, CLI, pg tools, boto3)")


if __name__ == "__main__":
    main()
