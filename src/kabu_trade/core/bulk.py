"""Set-based upserts for both dialects: multi-row ``INSERT … ON CONFLICT DO UPDATE``.

SQLAlchemy 2 sends a list of parameter sets as batched multi-row VALUES ("insertmanyvalues"), so
a chunk of thousands of rows is a handful of statements, never one query per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

# SQLite allows 32,766 bound parameters per statement; PostgreSQL 65,535. Stay under both.
_MAX_PARAMS = 30_000


def upsert(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    key: Iterable[str],
    update: Iterable[str] | None = None,
) -> int:
    """Insert ``rows``; where ``key`` already exists, overwrite the ``update`` columns (default: all
    non-key columns present in the rows). Returns the number of rows sent."""
    if not rows:
        return 0
    key_columns = list(key)
    columns = list(rows[0].keys())
    update_columns = list(update) if update is not None else [c for c in columns if c not in key_columns]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    chunk = max(1, _MAX_PARAMS // max(1, len(columns)))
    for start in range(0, len(rows), chunk):
        statement = insert(table)
        if update_columns:
            statement = statement.on_conflict_do_update(
                index_elements=key_columns,
                set_={c: statement.excluded[c] for c in update_columns},
            )
        else:
            statement = statement.on_conflict_do_nothing(index_elements=key_columns)
        session.execute(statement, list(rows[start : start + chunk]))
    return len(rows)
