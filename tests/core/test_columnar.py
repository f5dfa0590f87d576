"""read_columns: a query's columns as numpy arrays, on SQLite and PostgreSQL alike — NULL floats as
NaN, dates as datetime64, text of one width or of many, NULL text, no rows at all."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pytest
from sqlalchemy import insert, literal_column, select

from kabu_trade.core.columnar import read_columns
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope, utcnow
from kabu_trade.market.models import DailyBar, Fundamental, Stock

ContextFactory = Callable[..., AppContext]
# Codes of one width and of other widths (the fast and the slow path of text arrays).
CODES = ["7203", "130A", "9984"]
ODD_CODES = ["7203", "86970", "X"]


def fill(context: AppContext, codes: list[str]) -> None:
    stocks = [
        {"code": c, "name": f"社{c}", "source": "csv", "search_text": c, "updated_at": utcnow()}
        for c in codes
    ]
    bars = [
        {
            "code": code,
            "date": date(2024, 1, day),
            "open": None if day == 5 else 100.0 + i,
            "high": 101.5,
            "low": 0.1 + 0.2,  # a value that is no short decimal: must arrive bit for bit
            "close": 1e300 if day == 9 else 100.25,
            "volume": float(day * 1000),
            "turnover": None,
            "adj_factor": 0.5 if (code, day) == (codes[1], 8) else 1.0,
        }
        for i, code in enumerate(codes)
        for day in (4, 5, 8, 9)
    ]
    with session_scope(context.sessions) as session:
        session.execute(insert(Stock), stocks)
        session.execute(insert(DailyBar), bars)


BAR_KINDS = {"code": "text", "date": "date", "open": "float", "low": "float", "close": "float"}


@pytest.mark.parametrize("codes", [CODES, ODD_CODES], ids=["one-width", "mixed-widths"])
def test_columns_come_back_typed_and_in_order(
    backend: str, context_factory: ContextFactory, codes: list[str]
) -> None:
    context = context_factory(backend)
    fill(context, codes)
    query = (
        select(DailyBar.code, DailyBar.date, DailyBar.open, DailyBar.low, DailyBar.close)
        .where(DailyBar.code.in_(codes[:2]), DailyBar.date >= date(2024, 1, 5))
        .order_by(DailyBar.code, DailyBar.date)
    )
    with session_scope(context.sessions) as session:
        columns = read_columns(session, query, BAR_KINDS)
        rows = session.execute(query).all()

    assert list(columns) == list(BAR_KINDS)
    assert columns["code"].dtype == object and columns["code"].tolist() == [r.code for r in rows]
    assert columns["date"].dtype == np.dtype("datetime64[D]")
    assert columns["date"].tolist() == [r.date for r in rows]
    for name in ("open", "low", "close"):
        assert columns[name].dtype == np.float64
        expected = np.array([getattr(r, name) for r in rows], dtype=float)  # None → NaN
        np.testing.assert_array_equal(columns[name], expected)
    assert np.isnan(columns["open"]).sum() == 2  # NULL → NaN
    assert (columns["low"] == 0.1 + 0.2).all() and (columns["close"] == 1e300).sum() == 2


def test_null_text_ints_and_an_empty_result(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend)
    fill(context, CODES)
    with session_scope(context.sessions) as session:
        session.execute(
            insert(Fundamental),
            [
                {
                    "code": "7203",
                    "disclosed_date": date(2024, 2, 1),
                    "period_type": "3Q",
                    "period_end": date(2023, 12, 31),
                    "eps": 1.5,
                },
                {
                    "code": "7203",
                    "disclosed_date": date(2024, 5, 1),
                    "period_type": "FY",
                    "period_end": date(2024, 3, 31),
                    "eps": None,
                },
            ],
        )
        query = (
            select(
                Fundamental.period_type,
                Fundamental.eps,
                Stock.name_kana,
                (Fundamental.id * 0 + 7).label("seven"),
            )
            .join(Stock, Stock.code == Fundamental.code)
            .order_by(Fundamental.disclosed_date)
        )
        kinds = {"period_type": "text", "eps": "float", "name_kana": "text", "seven": "int"}
        columns = read_columns(session, query, kinds)
        empty = read_columns(session, query.where(literal_column("1") == 0), kinds)

    assert columns["period_type"].tolist() == ["3Q", "FY"]
    np.testing.assert_array_equal(columns["eps"], [1.5, np.nan])
    assert columns["name_kana"].tolist() == [None, None]
    assert columns["seven"].dtype == np.int64 and columns["seven"].tolist() == [7, 7]
    assert {name: len(values) for name, values in empty.items()} == dict.fromkeys(kinds, 0)
    assert empty["eps"].dtype == np.float64


def test_kinds_must_name_the_selected_columns(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend)
    with session_scope(context.sessions) as session, pytest.raises(ValueError, match="selected columns"):
        read_columns(session, select(DailyBar.code, DailyBar.close), {"code": "text"})
