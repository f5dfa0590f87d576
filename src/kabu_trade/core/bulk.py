"""Set-based upserts for both dialects that report what they changed.

- **PostgreSQL**: the rows stream with ``COPY … FROM STDIN (FORMAT BINARY)`` into a temporary table
  (``ON COMMIT DROP``), then one ``INSERT … SELECT … ON CONFLICT (key) DO UPDATE`` moves them. A
  plain multi-row ``INSERT`` costs a statement per few thousand rows and a Python object per value
  on the way in; ``COPY`` is the server's bulk path.
- **SQLite**: one multi-row ``INSERT … VALUES … ON CONFLICT (key) DO UPDATE`` per chunk of at most
  30,000 bound parameters, the parameters flattened straight from the column arrays.
- **Honest counts**: the ``DO UPDATE`` runs only where a compared column differs (``IS DISTINCT
  FROM`` / ``IS NOT``: NULL-safe), so an unchanged row is neither rewritten nor counted. The result
  is the number of rows inserted or changed (the statement's row count), never the rows sent: a
  sync with nothing new reports 0, and the steps after it know there is nothing to do.
- **Columns, not rows**: callers with frames pass arrays (``upsert_columns``); missing values (NaN,
  None, NaT) are stored as NULL. ``upsert`` keeps the older list-of-dicts form.

Values go through each column type's SQLAlchemy bind processor, so what is stored is exactly what
an ORM insert would store (dates as ISO text on SQLite, JSON documents serialised, UTC datetimes).
A key repeated within one call: the last row wins (PostgreSQL de-duplicates the temporary table
when the conflict clause refuses the batch; SQLite applies the rows in order).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.types import Float, Integer

# SQLite allows 32,766 bound parameters per statement; stay under it.
_SQLITE_MAX_PARAMS = 30_000
# Rows converted to Python values at a time: bounds the memory of a large call (a Python object
# per value costs ~30 bytes; 25,000 rows × 9 columns ≈ 7 MB). Larger blocks are no faster.
_BLOCK_ROWS = 25_000

ColumnValues = np.ndarray[Any, Any] | pd.Series | pd.Index | Sequence[Any]


@dataclass(frozen=True)
class _Plan:
    table: Table
    names: list[str]
    arrays: list[np.ndarray[Any, Any]]
    key: list[str]
    update: list[str]
    compare: list[str]
    rows: int


def upsert(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    key: Iterable[str],
    update: Iterable[str] | None = None,
    *,
    compare: Iterable[str] | None = None,
) -> int:
    """Insert ``rows`` (dicts with the same keys); where ``key`` already exists, overwrite the
    ``update`` columns (default: every non-key column given) if a ``compare`` column (default: the
    ``update`` columns) differs. Returns the number of rows inserted or changed."""
    if not rows:
        return 0
    names = list(rows[0].keys())
    columns = {name: _object_array([row[name] for row in rows]) for name in names}
    return upsert_columns(session, table, columns, key, update, compare=compare)


def upsert_columns(
    session: Session,
    table: Table,
    columns: Mapping[str, ColumnValues],
    key: Iterable[str],
    update: Iterable[str] | None = None,
    *,
    compare: Iterable[str] | None = None,
) -> int:
    """``upsert`` over columns: ``{"code": array, "close": array, …}``, all of one length.

    ``compare`` names the columns whose change makes a row count as changed; a column updated but
    not compared (a ``updated_at`` stamp) is written only along with a real change."""
    plan = _plan(table, columns, key, update, compare)
    if plan.rows == 0:
        return 0
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name == "postgresql":
        return _upsert_postgresql(connection, plan)
    if dialect.name == "sqlite":
        return _upsert_sqlite(connection, plan)
    raise ValueError(f"bulk upserts support PostgreSQL and SQLite, not {dialect.name}")


def load_columns(session: Session, table: Table, columns: Mapping[str, ColumnValues]) -> int:
    """A plain bulk load, no conflict handling: ``COPY`` on PostgreSQL, the multi-row ``INSERT``
    statements of the upsert without their conflict clause on SQLite (faster than the driver's
    executemany of one row). Each database's fastest way in, and the baseline ``bench/bulk.py``
    measures the upserts against; a repeated key is an error."""
    plan = _plan(table, columns, key=[], update=[], compare=[])
    if plan.rows == 0:
        return 0
    connection = session.connection()
    dialect = connection.dialect
    target = dialect.identifier_preparer.format_table(table)
    if dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        _copy(cursor, dialect, target, plan)
        return plan.rows
    if dialect.name == "sqlite":
        return _insert_sqlite(connection, plan, target, "")
    raise ValueError(f"bulk loads support PostgreSQL and SQLite, not {dialect.name}")


# --- planning -------------------------------------------------------------------------------------


def _plan(
    table: Table,
    columns: Mapping[str, ColumnValues],
    key: Iterable[str],
    update: Iterable[str] | None,
    compare: Iterable[str] | None,
) -> _Plan:
    names = list(columns)
    unknown = [n for n in names if n not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no column {', '.join(map(repr, unknown))}")
    key_columns = list(key)
    missing = [k for k in key_columns if k not in columns]
    if missing:
        raise ValueError(f"key column {', '.join(map(repr, missing))} is not among the columns given")
    update_columns = list(update) if update is not None else [n for n in names if n not in key_columns]
    compare_columns = list(compare) if compare is not None else update_columns
    absent = [c for c in (*update_columns, *compare_columns) if c not in columns]
    if absent:
        raise ValueError(f"update/compare column {', '.join(map(repr, absent))} is not among the columns")
    arrays = [_as_array(columns[n]) for n in names]
    lengths = {len(a) for a in arrays}
    if len(lengths) > 1:
        sizes = ", ".join(f"{n}={len(a)}" for n, a in zip(names, arrays, strict=True))
        raise ValueError(f"columns differ in length: {sizes}")
    return _Plan(
        table, names, arrays, key_columns, update_columns, compare_columns, lengths.pop() if lengths else 0
    )


def _as_array(values: ColumnValues) -> np.ndarray[Any, Any]:
    if isinstance(values, np.ndarray):
        return values
    if isinstance(values, pd.Series | pd.Index):
        return values.to_numpy()
    return _object_array(values)


def _object_array(values: Sequence[Any]) -> np.ndarray[Any, Any]:
    # fromiter keeps each value whole (a JSON list stays one object, never a second axis).
    return np.fromiter(values, dtype=object, count=len(values))


# --- values ---------------------------------------------------------------------------------------


def _blocks(plan: _Plan, dialect: Dialect, rows: int) -> Iterator[list[list[Any]]]:
    """The values of ``rows`` rows at a time, one list per column, ready for the driver."""
    processors = [
        _processor(plan.table, name, array, dialect)
        for name, array in zip(plan.names, plan.arrays, strict=True)
    ]
    integers = [isinstance(plan.table.c[name].type, Integer) for name in plan.names]
    for start in range(0, plan.rows, rows):
        stop = min(start + rows, plan.rows)
        yield [
            _db_values(array[start:stop], process, integer)
            for array, process, integer in zip(plan.arrays, processors, integers, strict=True)
        ]


def _processor(table: Table, name: str, array: np.ndarray[Any, Any], dialect: Dialect) -> Any:
    column_type = table.c[name].type
    if array.dtype.kind in "fiub" and isinstance(column_type, Float | Integer):
        # Already Python floats/ints after tolist(); SQLite's float processor would only repeat it.
        return None
    return column_type.dialect_impl(dialect).bind_processor(dialect)


def _db_values(array: np.ndarray[Any, Any], process: Any, integer: bool) -> list[Any]:
    kind = array.dtype.kind
    if kind in "iub":
        values: list[Any] = array.tolist()
    elif kind == "f":
        missing = np.isnan(array)
        if integer:  # floats for an integer column (a frame column with NaN is float): whole ones only
            whole = np.where(missing, 0.0, array)
            if (whole != np.round(whole)).any():
                raise ValueError(
                    f"an integer column was given fractions: {array[whole != np.round(whole)][:3]}"
                )
            array = whole.astype(np.int64)
        if missing.any():
            boxed = array.astype(object)
            boxed[missing] = None
            values = boxed.tolist()
        else:
            values = array.tolist()
    else:
        if kind == "M":  # datetime64: Python datetimes (NaT → None below)
            array = pd.DatetimeIndex(array).to_pydatetime()
        boxed = array.astype(object)
        missing = pd.isna(boxed)
        if missing.any():
            boxed[missing] = None
        values = boxed.tolist()
    if process is None:
        return values
    return _processed(values, process)


def _processed(values: list[Any], process: Any) -> list[Any]:
    """Apply a bind processor; dates and datetimes repeat (a chunk of bars has a few dozen
    distinct days), so each distinct one is processed once."""
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, date | datetime):
        done: dict[Any, Any] = {}
        out = []
        for value in values:
            result = done.get(value, _MISSING)
            if result is _MISSING:
                result = done[value] = process(value)
            out.append(result)
        return out
    return [process(value) for value in values]


_MISSING = object()


# --- PostgreSQL: COPY into a temporary table, then one INSERT … SELECT ------------------------------


def _upsert_postgresql(connection: Connection, plan: _Plan) -> int:
    from psycopg.pq import TransactionStatus  # here: an embedded (SQLite) install never loads libpq

    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    target = dialect.identifier_preparer.format_table(plan.table)
    staging = quote(f"_upsert_{plan.table.name}")
    columns = ", ".join(quote(n) for n in plan.names)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    # Same column types as the target (and no constraints): the COPY is checked once, by the INSERT.
    cursor.execute(
        f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS SELECT {columns} FROM {target} WITH NO DATA"  # nosec B608 - identifiers come from our Table metadata, quoted by the dialect
    )
    try:
        _copy(cursor, dialect, staging, plan)
        insert = _insert_select(plan, target, staging, quote)
        cursor.execute("SAVEPOINT kabu_bulk_upsert")
        try:
            written = connection.exec_driver_sql(insert).rowcount
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) != "21000":  # cardinality_violation: a repeated key
                raise
            cursor.execute("ROLLBACK TO SAVEPOINT kabu_bulk_upsert")
            keys = " AND ".join(f"a.{quote(k)} = b.{quote(k)}" for k in plan.key)
            # The last row copied wins, as on SQLite (ctid follows the COPY order in a new table).
            cursor.execute(
                f"DELETE FROM {staging} AS a USING {staging} AS b WHERE {keys} AND a.ctid < b.ctid"  # nosec B608 - identifiers come from our Table metadata, quoted by the dialect
            )
            written = connection.exec_driver_sql(insert).rowcount
        cursor.execute("RELEASE SAVEPOINT kabu_bulk_upsert")
    finally:
        if cursor.connection.info.transaction_status != TransactionStatus.INERROR:
            cursor.execute(f"DROP TABLE IF EXISTS {staging}")
    return int(written or 0)


def _copy(cursor: Any, dialect: Dialect, target: str, plan: _Plan) -> None:
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(n) for n in plan.names)
    # The exact types of the target's columns, so psycopg writes each value in binary as is.
    cursor.execute(
        "SELECT a.attname, a.atttypid FROM pg_attribute a WHERE a.attrelid = %s::regclass "
        "AND a.attnum > 0 AND NOT a.attisdropped",
        (target,),
    )
    oids = dict(cursor.fetchall())
    with cursor.copy(f"COPY {target} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types([oids[n] for n in plan.names])
        for block in _blocks(plan, dialect, _BLOCK_ROWS):
            for row in zip(*block, strict=True):
                copy.write_row(row)


def _insert_select(plan: _Plan, target: str, staging: str, quote: Any) -> str:
    columns = ", ".join(quote(n) for n in plan.names)
    conflict = ", ".join(quote(k) for k in plan.key)
    statement = (
        f"INSERT INTO {target} AS target ({columns}) SELECT {columns} FROM {staging} ON CONFLICT ({conflict})"  # nosec B608 - identifiers come from our Table metadata, quoted by the dialect
    )
    if not plan.update:
        return f"{statement} DO NOTHING"
    assignments = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in plan.update)
    statement = f"{statement} DO UPDATE SET {assignments}"  # nosec B608 - identifiers come from our Table metadata, quoted by the dialect
    if plan.compare:
        old = ", ".join(f"target.{quote(c)}" for c in plan.compare)
        new = ", ".join(f"EXCLUDED.{quote(c)}" for c in plan.compare)
        statement += f" WHERE ({old}) IS DISTINCT FROM ({new})"
    return statement


# --- SQLite: multi-row INSERT … VALUES per chunk ----------------------------------------------------


def _upsert_sqlite(connection: Connection, plan: _Plan) -> int:
    preparer = connection.dialect.identifier_preparer
    target = preparer.format_table(plan.table)
    return _insert_sqlite(connection, plan, target, _sqlite_conflict(plan, target, preparer.quote))


def _insert_sqlite(connection: Connection, plan: _Plan, target: str, tail: str) -> int:
    """Multi-row ``INSERT … VALUES`` statements ending in ``tail``; the rows they changed."""
    quote = connection.dialect.identifier_preparer.quote
    width = len(plan.names)
    per_statement = max(1, _SQLITE_MAX_PARAMS // width)
    head = f"INSERT INTO {target} ({', '.join(quote(n) for n in plan.names)}) VALUES "  # nosec B608 - identifiers come from our Table metadata, quoted by the dialect
    placeholder = "(" + ", ".join("?" * width) + ")"
    statements: dict[int, str] = {}
    written = 0
    block_rows = per_statement * max(1, _BLOCK_ROWS // per_statement)
    for block in _blocks(plan, connection.dialect, block_rows):
        grid = np.empty((len(block[0]), width), dtype=object)
        for j, values in enumerate(block):
            grid[:, j] = values
        for start in range(0, len(grid), per_statement):
            chunk = grid[start : start + per_statement]
            sql = statements.get(len(chunk))
            if sql is None:
                sql = statements[len(chunk)] = head + ", ".join([placeholder] * len(chunk)) + tail
            written += connection.exec_driver_sql(sql, tuple(chunk.ravel().tolist())).rowcount
    return written


def _sqlite_conflict(plan: _Plan, target: str, quote: Any) -> str:
    conflict = ", ".join(quote(k) for k in plan.key)
    if not plan.update:
        return f" ON CONFLICT ({conflict}) DO NOTHING"
    assignments = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in plan.update)
    statement = f" ON CONFLICT ({conflict}) DO UPDATE SET {assignments}"  # nosec B608 - identifiers come from our Table metadata, quoted by the dialect
    if plan.compare:
        old = ", ".join(f"{target}.{quote(c)}" for c in plan.compare)
        new = ", ".join(f"excluded.{quote(c)}" for c in plan.compare)
        statement += f" WHERE ({old}) IS NOT ({new})"
    return statement
