"""Row counts and checksums of every table, the same way at backup and at restore.

A table's checksum is the SHA-256 of its rows in primary-key order, each value written in a
canonical text form. It compares one database with a copy of it on the same backend (a backup
with its restore), which is all a restore needs: PostgreSQL and SQLite hand back different Python
types for the same column, so the digests are not meant to match across backends.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

# Rows fetched per round trip: memory stays bounded by this, not by the table.
_BATCH = 5000


@dataclass(frozen=True)
class TableDigest:
    rows: int
    sha256: str


def _canonical(value: Any) -> str:
    if value is None:
        return "\x00"
    if isinstance(value, bytes | bytearray | memoryview):
        return "b:" + bytes(value).hex()
    if isinstance(value, float):
        return "f:" + repr(value)
    if isinstance(value, dict | list):
        return "j:" + json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    if isinstance(value, datetime | date | time):
        return "t:" + value.isoformat()
    if isinstance(value, Decimal | int | str | bool):
        return f"{type(value).__name__[0]}:{value}"
    return "r:" + repr(value)


def _order_by(connection: Connection, table: str) -> str:
    inspector = sa.inspect(connection)
    columns = {column["name"]: column for column in inspector.get_columns(table)}
    keys = inspector.get_pk_constraint(table).get("constrained_columns") or []
    # No primary key (alembic_version): every column, which is a total order of distinct rows.
    quote = connection.dialect.identifier_preparer.quote
    terms = []
    for name in keys or list(columns):
        term = quote(name)
        if connection.dialect.name == "postgresql" and isinstance(columns[name]["type"], sa.String):
            # Byte order, whatever the database's collation: a restore into a server with another
            # default locale must give the same checksum.
            term += ' COLLATE "C"'
        terms.append(term)
    return ", ".join(terms)


def table_digests(connection: Connection) -> dict[str, TableDigest]:
    """Every table of the connection's database (schema ``public`` / ``main``), by name.

    Call it inside the transaction whose snapshot you describe (PostgreSQL: the one pg_dump uses).
    """
    quote = connection.dialect.identifier_preparer.quote
    digests: dict[str, TableDigest] = {}
    for table in sorted(sa.inspect(connection).get_table_names()):
        order = _order_by(connection, table)
        # Identifiers come from the database's own catalogue, quoted by the dialect; no values.
        sql = f"SELECT * FROM {quote(table)} ORDER BY {order}"  # nosec B608
        result = connection.execution_options(stream_results=True, yield_per=_BATCH).exec_driver_sql(sql)
        hasher, rows = hashlib.sha256(), 0
        for row in result:
            hasher.update("\x1f".join(_canonical(value) for value in row).encode())
            hasher.update(b"\x1e")
            rows += 1
        digests[table] = TableDigest(rows=rows, sha256=hasher.hexdigest())
    return digests


def schema_revision(connection: Connection) -> str | None:
    """The Alembic revision recorded in the database, or None when it has no kabu-trade schema."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one_or_none()
