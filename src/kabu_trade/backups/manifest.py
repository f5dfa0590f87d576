"""What a backup is: its data file and the manifest beside it (``NAME.manifest.json``).

The manifest is written after the data file and is what makes a backup exist: a data file
without one is an upload that did not finish, and is neither listed nor restored.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kabu_trade.backups.digest import TableDigest
from kabu_trade.backups.errors import BackupError

FORMAT = "kabu-trade-backup"
FORMAT_VERSION = 1
MANIFEST_SUFFIX = ".manifest.json"
Backend = Literal["sqlite", "postgresql"]
DATA_SUFFIX: dict[str, str] = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
# kabu-trade-<backend>-<UTC time to the microsecond>: sorts by time, unique per run.
NAME_PATTERN = re.compile(r"^kabu-trade-(sqlite|postgresql)-\d{8}T\d{12}Z$")


class TableEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rows: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["kabu-trade-backup"]
    format_version: Literal[1]
    name: str = Field(pattern=NAME_PATTERN.pattern)
    kabu_trade_version: str
    alembic_revision: str
    backend: Backend
    created_at: datetime
    data_file: str
    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    tables: dict[str, TableEntry]

    @property
    def total_rows(self) -> int:
        return sum(table.rows for table in self.tables.values())

    def digests(self) -> dict[str, TableDigest]:
        return {name: TableDigest(rows=t.rows, sha256=t.sha256) for name, t in self.tables.items()}

    def to_json(self) -> bytes:
        return self.model_dump_json(indent=2).encode() + b"\n"


def new_name(backend: Backend, created_at: datetime) -> str:
    return f"kabu-trade-{backend}-{created_at.astimezone(UTC):%Y%m%dT%H%M%S%fZ}"


def manifest_key(name: str) -> str:
    return name + MANIFEST_SUFFIX


def parse(raw: bytes, name: str) -> Manifest:
    """The manifest of backup NAME, or BackupError when it is not one kabu-trade wrote."""
    try:
        manifest = Manifest.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "document"
        raise BackupError(
            f"{name}: not a kabu-trade backup manifest ({where}: {first['msg']})", field="name"
        ) from None
    if manifest.name != name:
        raise BackupError(f"{name}: the manifest describes another backup ({manifest.name})", field="name")
    if manifest.data_file != name + DATA_SUFFIX[manifest.backend]:
        raise BackupError(f"{name}: unexpected data file {manifest.data_file!r}", field="name")
    return manifest


def sha256_file(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def verify_file(path: Path, manifest: Manifest) -> None:
    """Refuse a data file whose size or SHA-256 differs from its manifest's (corrupt or swapped)."""
    size = path.stat().st_size
    if size != manifest.size:
        raise BackupError(
            f"{manifest.name}: the data file is {size} bytes, the manifest says {manifest.size}: "
            "corrupt or incomplete, nothing restored"
        )
    digest = sha256_file(path)
    if digest != manifest.sha256:
        raise BackupError(f"{manifest.name}: checksum mismatch (the data file is corrupt), nothing restored")


def describe_mismatch(expected: dict[str, TableDigest], found: dict[str, TableDigest]) -> str | None:
    """None when both describe the same tables, rows and checksums; else what differs first."""
    for table in sorted(set(expected) | set(found)):
        if table not in found:
            return f"table {table} is missing"
        if table not in expected:
            return f"table {table} is not in the manifest"
        if expected[table].rows != found[table].rows:
            return f"table {table} has {found[table].rows} rows, the manifest says {expected[table].rows}"
        if expected[table].sha256 != found[table].sha256:
            return f"table {table} differs from the manifest's checksum"
    return None
