"""core/bulk.py on both databases: what is stored, and that the count is the rows inserted or changed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from kabu_trade.core import bulk
from kabu_trade.core.db import JSONDoc, UTCDateTime, create_db_engine, create_session_factory
from tests.conftest import Databases

metadata = sa.MetaData()
# A table with every kind of column the upserts meet: a two-part key, floats, ints, booleans,
# text, dates, JSON documents and UTC datetimes.
probe = sa.Table(
    "bulk_probe",
    metadata,
    sa.Column("code", sa.String(8), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("value", sa.Float),
    sa.Column("count", sa.Integer),
    sa.Column("flag", sa.Boolean),
    sa.Column("note", sa.String(50)),
    sa.Column("doc", JSONDoc),
    sa.Column("stamp", UTCDateTime),
)
KEY = ["code", "day"]
D1, D2, D3 = date(2024, 1, 4), date(2024, 1, 5), date(2024, 1, 9)
T0 = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def sessions(backend: str, databases: Databases) -> Iterator[sessionmaker[Session]]:
    engine = create_db_engine(databases.new_url(backend))
    metadata.create_all(engine)  # a test-only table, not the application's schema
    yield create_session_factory(engine)
    engine.dispose()


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        session.execute(probe.delete())
        session.commit()
        yield session
        session.rollback()


def _stored(session: Session) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in session.execute(sa.select(probe).order_by(probe.c.code, probe.c.day))]


def _columns(**overrides: Any) -> dict[str, Any]:
    columns: dict[str, Any] = {
        "code": np.array(["1301", "1301", "7203"], dtype=object),
        "day": np.array([D1, D2, D1], dtype=object),
        "value": np.array([1.5, np.nan, 1234.0]),
        "count": np.array([1, 2, 3]),
        "flag": np.array([True, False, True]),
        "note": np.array(["a", None, "ｶﾌﾞ"], dtype=object),
        "doc": [{"a": 1}, None, [1, 2]],
        "stamp": [T0, None, T0 + timedelta(hours=1)],
    }
    columns.update(overrides)
    return columns


def test_values_are_stored_as_an_orm_insert_would(session: Session) -> None:
    assert bulk.upsert_columns(session, probe, _columns(), key=KEY) == 3
    session.commit()
    assert _stored(session) == [
        ("1301", D1, 1.5, 1, True, "a", {"a": 1}, T0),
        # NaN and None are NULL; a JSON column keeps JSON null for None, as the ORM does.
        ("1301", D2, None, 2, False, None, None, None),
        ("7203", D1, 1234.0, 3, True, "ｶﾌﾞ", [1, 2], T0 + timedelta(hours=1)),
    ]


def test_count_is_rows_inserted_or_changed_never_rows_sent(session: Session) -> None:
    assert bulk.upsert_columns(session, probe, _columns(), key=KEY) == 3
    assert bulk.upsert_columns(session, probe, _columns(), key=KEY) == 0  # idempotent
    changed = _columns(value=np.array([1.5, np.nan, 1235.0]))
    assert bulk.upsert_columns(session, probe, changed, key=KEY) == 1
    # NULL-safe both ways: NULL → value and value → NULL are changes, NULL → NULL is not.
    assert bulk.upsert_columns(session, probe, _columns(value=np.array([1.5, 7.0, 1235.0])), key=KEY) == 1
    latest = np.array([np.nan, 7.0, 1235.0])
    assert bulk.upsert_columns(session, probe, _columns(value=latest), key=KEY) == 1
    # JSON documents compare by value: a changed one counts, an equal one (JSON null too) does not.
    redone = _columns(value=latest, doc=[{"a": 2}, None, [1, 2]])
    assert bulk.upsert_columns(session, probe, redone, key=KEY) == 1
    new_row = {k: [v[0]] for k, v in _columns(day=np.array([D3, D3, D3], dtype=object)).items()}
    assert bulk.upsert_columns(session, probe, new_row, key=KEY) == 1
    assert len(_stored(session)) == 4


def test_columns_not_compared_are_written_only_with_a_change(session: Session) -> None:
    compared = ["value", "count", "flag", "note", "doc"]
    bulk.upsert_columns(session, probe, _columns(), key=KEY, compare=compared)
    later = [T0 + timedelta(days=1)] * 3
    assert bulk.upsert_columns(session, probe, _columns(stamp=later), key=KEY, compare=compared) == 0
    assert [row[-1] for row in _stored(session)] == [T0, None, T0 + timedelta(hours=1)]
    renamed = _columns(stamp=later, note=np.array(["a", "new", "ｶﾌﾞ"], dtype=object))
    assert bulk.upsert_columns(session, probe, renamed, key=KEY, compare=compared) == 1
    assert [row[-1] for row in _stored(session)] == [T0, later[0], T0 + timedelta(hours=1)]


def test_only_the_update_columns_are_overwritten(session: Session) -> None:
    bulk.upsert_columns(session, probe, _columns(), key=KEY)
    other = _columns(value=np.array([9.0, 9.0, 9.0]), count=np.array([9, 9, 9]))
    assert bulk.upsert_columns(session, probe, other, key=KEY, update=["count"]) == 3
    assert [(row[2], row[3]) for row in _stored(session)] == [(1.5, 9), (None, 9), (1234.0, 9)]
    # No update columns: existing keys are left alone and only new rows count.
    extra = _columns(day=np.array([D1, D3, D1], dtype=object))
    assert bulk.upsert_columns(session, probe, extra, key=KEY, update=[]) == 1


def test_floats_for_an_integer_column_must_be_whole(session: Session) -> None:
    counts = np.array([1.0, np.nan, 3.0])  # what a frame makes of integers with a gap
    assert bulk.upsert_columns(session, probe, _columns(count=counts), key=KEY) == 3
    assert [row[3] for row in _stored(session)] == [1, None, 3]
    assert all(type(row[3]) is int for row in _stored(session) if row[3] is not None)
    with pytest.raises(ValueError, match=r"fractions: \[1.5\]"):
        bulk.upsert_columns(session, probe, _columns(count=np.array([1.0, 1.5, 3.0])), key=KEY)


def test_a_key_repeated_in_one_call_keeps_the_last_row(session: Session) -> None:
    columns = {
        "code": ["1301", "1301", "1301"],
        "day": [D1, D1, D2],
        "value": [1.0, 2.0, 3.0],
    }
    assert bulk.upsert_columns(session, probe, columns, key=KEY) >= 2
    assert [(row[1], row[2]) for row in _stored(session)] == [(D1, 2.0), (D2, 3.0)]


def test_large_calls_go_in_blocks_and_statements(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "_BLOCK_ROWS", 7)
    monkeypatch.setattr(bulk, "_SQLITE_MAX_PARAMS", 9)  # three rows of three columns per statement
    days = [D1 + timedelta(days=i) for i in range(50)]
    frame = pd.DataFrame({"code": ["1301"] * 50, "day": days, "value": np.arange(50, dtype=float)})
    columns = {c: frame[c] for c in frame.columns}
    assert bulk.upsert_columns(session, probe, columns, key=KEY) == 50
    assert bulk.upsert_columns(session, probe, columns, key=KEY) == 0
    frame.loc[[0, 25, 49], "value"] = -1.0
    assert bulk.upsert_columns(session, probe, {c: frame[c] for c in frame.columns}, key=KEY) == 3
    assert [row[2] for row in _stored(session)] == frame["value"].tolist()


def test_the_list_of_dicts_form_keeps_working(session: Session) -> None:
    rows = [
        {"code": "1301", "day": D1, "doc": [1, 2, 3], "count": 1},
        {"code": "1302", "day": D1, "doc": {"x": [1.5, None]}, "count": None},
    ]
    assert bulk.upsert(session, probe, rows, key=KEY) == 2
    assert bulk.upsert(session, probe, rows, key=KEY) == 0
    assert bulk.upsert(session, probe, [], key=KEY) == 0
    assert [(row[3], row[6]) for row in _stored(session)] == [(1, [1, 2, 3]), (None, {"x": [1.5, None]})]


def test_upserts_join_the_callers_transaction(sessions: sessionmaker[Session], session: Session) -> None:
    bulk.upsert_columns(session, probe, _columns(), key=KEY)
    bulk.upsert_columns(session, probe, _columns(day=np.array([D3] * 3, dtype=object)), key=KEY)
    session.rollback()
    assert _stored(session) == []
    # After a rollback (and after a commit) the next upsert starts clean.
    assert bulk.upsert_columns(session, probe, _columns(), key=KEY) == 3
    session.commit()
    with sessions() as other:
        assert len(_stored(other)) == 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"columns": {"code": ["1"], "day": [D1], "nope": [1]}}, "no column 'nope'"),
        ({"columns": {"code": ["1"], "value": [1.0]}}, "key column 'day'"),
        ({"columns": {"code": ["1", "2"], "day": [D1]}}, "differ in length: code=2, day=1"),
        ({"compare": ["count"]}, "compare column 'count'"),
    ],
)
def test_bad_calls_are_refused_with_the_column_named(
    session: Session, kwargs: dict[str, Any], message: str
) -> None:
    arguments: dict[str, Any] = {"columns": {"code": ["1"], "day": [D1], "value": [1.0]}, **kwargs}
    with pytest.raises(ValueError, match=message):
        bulk.upsert_columns(session, probe, key=KEY, **arguments)


def test_load_columns_is_a_plain_bulk_load(backend: str, session: Session) -> None:
    columns = _columns()
    assert bulk.load_columns(session, probe, columns) == 3
    assert bulk.load_columns(session, probe, {"code": [], "day": []}) == 0
    assert _stored(session) == [
        ("1301", D1, 1.5, 1, True, "a", {"a": 1}, T0),
        ("1301", D2, None, 2, False, None, None, None),
        ("7203", D1, 1234.0, 3, True, "ｶﾌﾞ", [1, 2], T0 + timedelta(hours=1)),
    ]
    # No conflict handling: loading the same keys again is refused by the primary key.
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):  # each driver raises its own
        bulk.load_columns(session, probe, columns)
