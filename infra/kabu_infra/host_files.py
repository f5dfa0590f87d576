"""The files the EC2 host runs, read from the repository at synth time and embedded in user data:
``compose.yaml``, ``compose.aws.yaml`` and ``deploy/host/deploy.sh`` (contracts.md: host layout)."""

from __future__ import annotations

from pathlib import Path

from constructs import Construct

# Source path (relative to the repository root) → name under /opt/kabu-trade on the host.
HOST_FILES = {
    "compose.yaml": "compose.yaml",
    "compose.aws.yaml": "compose.aws.yaml",
    "deploy/host/deploy.sh": "deploy.sh",
}


class MissingHostFiles(FileNotFoundError):
    pass


def repo_root(scope: Construct) -> Path:
    """The repository root: context ``repoRoot``, else the folder above infra/."""
    given = scope.node.try_get_context("repoRoot")
    return Path(given) if given else Path(__file__).resolve().parents[2]


def missing(root: Path) -> list[str]:
    return [src for src in HOST_FILES if not (root / src).is_file()]


def read_host_files(root: Path) -> dict[str, bytes]:
    absent = missing(root)
    if absent:
        raise MissingHostFiles(
            f"the EC2 host's files are missing under {root}: {', '.join(absent)} "
            "(the personal and multi-user tiers embed them in the instance's user data)"
        )
    return {dest: (root / src).read_bytes() for src, dest in HOST_FILES.items()}
