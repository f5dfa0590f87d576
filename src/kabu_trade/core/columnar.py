"""A query's result as numpy columns, without a Python object per value where the driver allows.

Reading a million bars as rows costs more than anything done with them afterwards: SQLAlchemy
builds a ``Row`` per row and a ``date`` per date, and even the bare driver builds a float object
per value. So:

- **PostgreSQL**: the query runs inside ``COPY (SELECT array_agg(a), array_agg(b), … FROM (query))
  TO STDOUT (FORMAT binary)``. The answer is one row of arrays of fixed-width big-endian elements,
  which numpy reads in place: no Python object per value on either side of the driver. Missing
  floats travel as NaN (a NULL element has no width); dates as days since 2000-01-01.
- **SQLite** (no such export): ``np.fromiter`` reads the driver's tuples straight into a
  structured array (NULL → NaN for floats), and ISO dates are parsed once per distinct value.

``read_columns`` returns one array per selected column, all in the same row order: float64 (NaN for
NULL), datetime64[D], int64, or object (text). That order is the query's ORDER BY on SQLite, and on
PostgreSQL in practice too (array_agg reads its subquery's rows as they come), but PostgreSQL does
not promise it: a caller that needs an order checks it (``compute_universe_metrics`` sorts).
On PostgreSQL the parameters reach psycopg as SQLAlchemy compiled them, without SQLAlchemy's bind
processors: fine for numbers, text and dates, which psycopg adapts itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sqlalchemy import Float, Select, func, literal_column, select
from sqlalchemy.orm import Session

Kind = Literal["float", "date", "int", "text"]
Columns = dict[str, NDArray[Any]]
AnySelect = Select[*tuple[Any, ...]]
Elements = NDArray[Any] | list[bytes | None]  # in place, or one by one (the slow path)

__all__ = ["Kind", "read_columns"]

# PostgreSQL's binary format: an 11-byte signature, two int32 (flags, extension length); a row is an
# int16 field count, then per field an int32 length and the value; the trailer is an int16 -1.
_COPY_HEADER = 19
_PG_EPOCH = np.datetime64("2000-01-01", "D")
_PG_DATE_INFINITY = (np.iinfo(np.int32).max, np.iinfo(np.int32).min)
# Element types of the arrays we read, by type OID: numpy dtype of one element.
_FIXED = {701: ">f8", 20: ">i8", 23: ">i4", 1082: ">i4"}
_TEXT = {25, 1042, 1043}  # text, char(n), varchar
_DATE_OID = 1082


def read_columns(session: Session, statement: AnySelect, kinds: Mapping[str, Kind]) -> Columns:
    """Run ``statement`` and return its columns by name as numpy arrays (see the module docstring).

    ``kinds`` names every selected column (by its label) and what it holds. An empty result gives
    empty arrays.
    """
    names = list(statement.selected_columns.keys())
    if sorted(names) != sorted(kinds):
        raise ValueError(f"kinds must name the selected columns {names}, got {sorted(kinds)}")
    if session.get_bind().dialect.name == "postgresql":
        return _postgres(session, statement, names, kinds)
    return _rows(session, statement, names, kinds)


def _rows(session: Session, statement: AnySelect, names: list[str], kinds: Mapping[str, Kind]) -> Columns:
    """Any other driver: tuples read by numpy straight from the DBAPI cursor."""
    dtype = np.dtype([(n, np.float64 if kinds[n] == "float" else object) for n in names])
    result = session.connection().execute(statement)  # Core: a CursorResult, not ORM rows
    try:
        # The raw cursor, not the Result: no Row and no result processing per row. Values arrive
        # as the driver gives them (SQLite: dates as ISO text, which _dates parses below).
        table = np.fromiter(result.cursor, dtype=dtype)  # type: ignore[call-overload]
    finally:
        result.close()
    columns: Columns = {}
    for name in names:
        values = table[name]
        if kinds[name] == "date":
            columns[name] = _dates(values)
        elif kinds[name] == "int":
            columns[name] = values.astype(np.int64)
        elif kinds[name] == "text":
            columns[name] = values.copy()  # no view into the whole structured array
        else:
            columns[name] = np.ascontiguousarray(values)
    return columns


def _dates(values: NDArray[Any]) -> NDArray[np.datetime64]:
    """Dates as the driver returned them (ISO text or ``date`` objects), parsed once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    parsed = np.array([np.datetime64(v, "D") if v is not None else np.datetime64("NaT") for v in uniques])
    return parsed.astype("datetime64[D]")[codes] if len(codes) else np.array([], dtype="datetime64[D]")


def _postgres(session: Session, statement: AnySelect, names: list[str], kinds: Mapping[str, Kind]) -> Columns:
    inner = statement.subquery("q")
    # NaN stands in for NULL: a NULL element has no width and would break the fixed layout. The
    # aggregates of one query read the same rows in the same order, so the arrays stay aligned
    # (and in the subquery's order, which PostgreSQL keeps in practice but does not promise).
    nan = literal_column("'NaN'::float8", Float)
    aggregates = [
        func.array_agg(func.coalesce(inner.c[n], nan) if kinds[n] == "float" else inner.c[n]) for n in names
    ]
    compiled = select(*aggregates).compile(
        dialect=session.get_bind().dialect, compile_kwargs={"render_postcompile": True}
    )
    cursor = session.connection().connection.cursor()
    try:
        # psycopg merges the parameters into COPY client-side, with its own quoting.
        with cursor.copy(f"COPY ({compiled}) TO STDOUT (FORMAT binary)", compiled.params) as copy:  # type: ignore[attr-defined]
            data = b"".join(bytes(block) for block in copy)
    finally:
        cursor.close()
    arrays = _binary_row(data, len(names))
    return {
        name: _convert(values, oid, kinds[name], name)
        for name, (oid, values) in zip(names, arrays, strict=True)
    }


def _binary_row(data: bytes, fields: int) -> list[tuple[int, Elements]]:
    """The arrays of the one row of a binary COPY: (element type OID, elements) per field."""
    view = memoryview(data)
    position = _COPY_HEADER
    count = int.from_bytes(view[position : position + 2], "big", signed=True)
    position += 2
    if count != fields:
        raise RuntimeError(f"COPY returned {count} fields, expected {fields}")
    arrays: list[tuple[int, Elements]] = []
    for _ in range(fields):
        length = int.from_bytes(view[position : position + 4], "big", signed=True)
        position += 4
        if length < 0:  # array_agg of no rows is NULL
            arrays.append((0, np.array([])))
            continue
        arrays.append(_array(view[position : position + length]))
        position += length
    return arrays


def _array(view: memoryview) -> tuple[int, Elements]:
    """One binary array (``array_recv`` layout): int32 dimensions, has-null flag, element OID, then
    per dimension int32 size and lower bound, then per element an int32 length (-1: NULL) and bytes."""
    dimensions, has_null, oid = (int.from_bytes(view[i : i + 4], "big", signed=True) for i in (0, 4, 8))
    if dimensions == 0:
        return oid, np.array([])
    if dimensions != 1:
        raise RuntimeError(f"expected a one-dimensional array, got {dimensions} dimensions")
    size = int.from_bytes(view[12:16], "big", signed=True)
    body = view[20:]
    if oid in _FIXED and not has_null:
        layout = np.dtype([("length", ">i4"), ("value", _FIXED[oid])])
        elements = np.frombuffer(body, dtype=layout, count=size)
        if not (elements["length"] == layout["value"].itemsize).all():
            raise RuntimeError(f"unexpected element widths in an array of type {oid}")
        return oid, elements["value"]
    if oid in _TEXT and not has_null and size:
        # Codes and period types are all one width: read them in place when that holds.
        width = int.from_bytes(body[0:4], "big", signed=True)
        if len(body) == size * (4 + width):
            elements = np.frombuffer(body, dtype=np.dtype([("length", ">i4"), ("value", f"S{width}")]))
            if (elements["length"] == width).all():
                return oid, elements["value"]
    return oid, _elements(body, size)


def _elements(body: memoryview, size: int) -> list[bytes | None]:
    """Elements one by one (variable widths or NULLs): the slow path, for small or unusual arrays."""
    out: list[bytes | None] = []
    position = 0
    for _ in range(size):
        length = int.from_bytes(body[position : position + 4], "big", signed=True)
        position += 4
        if length < 0:
            out.append(None)
            continue
        out.append(bytes(body[position : position + length]))
        position += length
    return out


def _convert(values: Elements, oid: int, kind: Kind, name: str) -> NDArray[Any]:
    if isinstance(values, list):  # the slow path's elements
        if oid in _TEXT:
            return np.array([v.decode() if v is not None else None for v in values], dtype=object)
        raise RuntimeError(f"column {name!r}: unexpected NULL or element type {oid}")
    if kind == "text":
        if values.dtype.kind == "S":  # decode each distinct value once (codes repeat per bar)
            uniques, inverse = np.unique(values, return_inverse=True)
            return np.array([u.decode() for u in uniques.tolist()], dtype=object)[inverse]
        return values.astype(object)
    if kind == "date":
        if len(values) and oid != _DATE_OID:
            raise RuntimeError(f"column {name!r} is not a date (type {oid})")
        days = values.astype(np.int64)
        out = _PG_EPOCH + days.astype("timedelta64[D]")
        out[np.isin(days, _PG_DATE_INFINITY)] = np.datetime64("NaT")
        return out
    if kind == "int":
        return values.astype(np.int64)
    return values.astype(np.float64)
