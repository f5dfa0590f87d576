"""Build step of the Dockerfile: cut a Debian root filesystem down to what kabu-trade runs on.

Run as root in the ``runtime`` stage, after apt installed Debian's Python and the libraries; the
final stage copies the result into an empty image (``FROM scratch``), so what is deleted here is
really gone (deleting in a later layer of a Debian-based image would only hide it).

What stays: every package the ROOTS need at run time (their Depends and Pre-Depends, followed
through the dpkg database), except the packaging machinery those dependencies drag in
(NOT_AT_RUN_TIME: dpkg, apt, debconf and the Perl it runs on, the account tools). Every other
installed package's files go (util-linux, bash, tar, the PAM stack, ...), and so do documentation
(licences stay), man pages, translations and the package caches. dpkg's status file is kept,
reduced to the packages that stay, so that image scanners (ECR, Trivy) still know every Debian
version in the image; the rest of dpkg's database goes with dpkg.

The final stage then runs check_image.py in the image: every ELF file there (the venv's wheels
included, whose C++ modules need the system's libstdc++) must find each library it names, so a
package cut too many fails the build, not a container in production.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# What the image runs: Debian's Python, the PostgreSQL client library (pg_dump/pg_restore/psql are
# copied in from the build stage), tini as PID 1, the CA bundle and the time zones; a POSIX shell
# and coreutils for `docker exec` and for derived images (deploy/stack-test.sh builds one).
ROOTS = (
    "base-files",
    "base-passwd",
    "python3",
    "python3.11",
    "libpq5",
    "tini",
    "ca-certificates",
    "openssl",
    "tzdata",
    "dash",
    "coreutils",
    "ncurses-base",
    # The wheels' C++ extension modules (numpy, pandas, ...): manylinux lets them link to the
    # system's libstdc++ and libgcc_s rather than bundle them.
    "libstdc++6",
)
# Needed to install or configure packages, never to run them: the cut ends here.
NOT_AT_RUN_TIME = {
    "apt",
    "debconf",
    "dpkg",
    "perl-base",
    "adduser",
    "passwd",
    "login",
    "libc-bin",
    "init-system-helpers",
    "debianutils",
}
# libc-bin's, kept: the loader's configuration (ldconfig itself runs once more, then goes).
KEEP_ANYWAY = {"/etc/ld.so.conf"}
LDCONFIG = "/usr/sbin/ldconfig"
# Files of kept packages that nothing here runs.
ALSO_DELETE = ("/usr/bin/tini-static", "/usr/share/python3/debpython")
# Whole trees that a container never reads (the copyright files under /usr/share/doc stay).
TREES = (
    "/usr/share/man",
    "/usr/share/info",
    "/usr/share/locale",
    "/usr/share/lintian",
    "/usr/share/bug",
    "/usr/share/bash-completion",
    "/var/cache",
    "/var/log",
    "/var/lib/apt",
    "/var/lib/dpkg",
    "/etc/apt",
    "/etc/dpkg",
)
STATUS = Path("/var/lib/dpkg/status")
INFO = Path("/var/lib/dpkg/info")


def installed_packages() -> dict[str, str]:
    """Package name → its paragraph in dpkg's status file, for the installed ones."""
    packages = {}
    for paragraph in STATUS.read_text().strip().split("\n\n"):
        name = re.search(r"^Package: (\S+)$", paragraph, re.M)
        status = re.search(r"^Status: .* installed$", paragraph, re.M)
        if name and status:
            packages[name.group(1)] = paragraph
    return packages


def dependencies(paragraph: str, installed: dict[str, str]) -> set[str]:
    """The installed packages a paragraph's Depends and Pre-Depends name (first alternative found)."""
    found = set()
    for field in re.findall(r"^(?:Pre-)?Depends: (.+)$", paragraph, re.M):
        for clause in field.split(","):
            alternatives = [re.split(r"[\s:(]", a.strip())[0] for a in clause.split("|")]
            found.update(next(([a] for a in alternatives if a in installed), []))
    return found


def kept_packages(installed: dict[str, str]) -> set[str]:
    missing = [root for root in ROOTS if root not in installed]
    if missing:
        sys.exit(f"prune_runtime: not installed: {', '.join(missing)}")
    kept: set[str] = set()
    todo = list(ROOTS)
    while todo:
        name = todo.pop()
        if name in kept or name in NOT_AT_RUN_TIME:
            continue
        kept.add(name)
        todo.extend(dependencies(installed[name], installed))
    return kept


def files_of(package: str) -> list[str]:
    for name in (f"{package}.list", f"{package}:amd64.list", f"{package}:all.list"):
        if (INFO / name).exists():
            return (INFO / name).read_text().splitlines()
    return []


def canonical(path: str) -> str:
    """The path with /bin, /lib, /sbin resolved (merged /usr), the file itself not followed."""
    head, tail = os.path.split(path)
    return os.path.join(os.path.realpath(head), tail)


def delete(path: str) -> None:
    if os.path.islink(path) or os.path.isfile(path):
        os.unlink(path)


def delete_broken_links(*tops: str) -> None:
    """Links left pointing at deleted files (alternatives such as awk or which, init scripts)."""
    while broken := [
        os.path.join(directory, name)
        for top in tops
        for directory, dirs, files in os.walk(top)
        for name in dirs + files
        if os.path.islink(os.path.join(directory, name)) and not os.path.exists(os.path.join(directory, name))
    ]:
        for path in broken:
            os.unlink(path)


def main() -> None:
    installed = installed_packages()
    kept = kept_packages(installed)
    removed = sorted(set(installed) - kept)
    keep_files = {canonical(f) for package in kept for f in files_of(package)}
    diverted = set()
    diversions = Path("/var/lib/dpkg/diversions")
    if diversions.exists():
        lines = diversions.read_text().splitlines()
        diverted = {canonical(lines[i]) for i in range(0, len(lines), 3)}  # from, to, package
    spared = keep_files | diverted | KEEP_ANYWAY | {LDCONFIG}
    for package in removed:
        for path in files_of(package):
            if canonical(path) not in spared:
                delete(path)
    for path in ALSO_DELETE:
        delete(path)
    for doc in Path("/usr/share/doc").glob("*"):
        if doc.is_symlink() or not doc.is_dir():
            if doc.name not in kept:
                doc.unlink()
        elif doc.name not in kept:
            shutil.rmtree(doc)
        else:
            for item in sorted(doc.rglob("*"), reverse=True):
                if item.name != "copyright" and not item.is_dir():
                    item.unlink()
    # The loader's cache, rebuilt so that it names no deleted library; then ldconfig goes too.
    subprocess.run([LDCONFIG], check=True)
    delete(LDCONFIG)
    status = "\n\n".join(installed[name] for name in sorted(kept)) + "\n"
    for tree in TREES:
        shutil.rmtree(tree, ignore_errors=True)
    STATUS.parent.mkdir(parents=True)
    STATUS.write_text(status)
    for directory in ("/var/cache", "/var/log"):
        os.makedirs(directory, exist_ok=True)
    delete_broken_links("/usr", "/etc")
    print(f"prune_runtime: kept {len(kept)} packages, removed {len(removed)}: {' '.join(removed)}")


if __name__ == "__main__":
    main()
