"""CsvProvider: the investor's own files, validated all-or-nothing with row-numbered problems."""

from __future__ import annotations

import codecs
import math
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from kabu_trade.core.errors import InvalidInput
from kabu_trade.market.calendar import last_completed_session, sessions_between
from kabu_trade.market.providers.base import BAR_COLUMNS, FUNDAMENTAL_COLUMNS, STOCK_COLUMNS
from kabu_trade.market.providers.csv_files import (
    MAX_PROBLEMS,
    CsvProvider,
    CsvValidationError,
    normalize_code,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "csv"
HEADER = "code,date,open,high,low,close,volume\n"
GOOD_ROW = "7203,2024-01-04,2650,2701.5,2630,2688.5,21543200\n"
JAN = (date(2024, 1, 1), date(2024, 1, 31))


def write(tmp_path: Path, text: str, name: str = "bars.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems_of(path: Path, **files: Path) -> list[tuple[int, str, str]]:
    with pytest.raises(CsvValidationError) as caught:
        CsvProvider(path, **files)
    return caught.value.problems


# --- good files ------------------------------------------------------------------------------------


def test_good_bars_round_trip_into_exactly_bar_columns() -> None:
    provider = CsvProvider(FIXTURES / "bars.csv")
    bars = provider.fetch_daily_bars(*JAN)

    assert list(bars.columns) == BAR_COLUMNS
    assert len(bars) == 6
    first = bars.iloc[0]
    assert (first["code"], first["date"]) == ("130A", date(2024, 1, 4))
    assert isinstance(first["date"], date)
    toyota = bars[bars["code"] == "7203"].iloc[0]
    assert toyota[["open", "high", "low", "close", "volume"]].tolist() == [
        2650.0,
        2701.5,
        2630.0,
        2688.5,
        21543200,
    ]
    assert toyota["turnover"] == 57722015400
    # optional columns: blank turnover is NaN, blank adj_factor is 1.0, given ones are kept
    assert math.isnan(bars.iloc[0]["turnover"])
    assert bars["adj_factor"].tolist() == [1.0, 1.0, 0.5, 1.0, 1.0, 1.0]
    assert provider.name == "csv" and provider.is_demo is False


def test_optional_columns_may_be_absent(tmp_path: Path) -> None:
    bars = CsvProvider(write(tmp_path, HEADER + GOOD_ROW)).fetch_daily_bars(*JAN)
    assert list(bars.columns) == BAR_COLUMNS
    assert math.isnan(bars.loc[0, "turnover"]) and bars.loc[0, "adj_factor"] == 1.0


def test_fetch_filters_by_dates_and_normalised_codes() -> None:
    provider = CsvProvider(FIXTURES / "bars.csv")
    bars = provider.fetch_daily_bars(date(2024, 1, 5), date(2024, 1, 9), codes=["7203.T"])
    assert bars["code"].tolist() == ["7203", "7203"]
    assert bars["date"].tolist() == [date(2024, 1, 5), date(2024, 1, 9)]
    assert provider.fetch_daily_bars(date(2023, 1, 1), date(2023, 12, 31)).empty
    with pytest.raises(InvalidInput):
        provider.fetch_daily_bars(*JAN, codes=["toyota"])


def test_stocks_and_fundamentals_files() -> None:
    provider = CsvProvider(
        FIXTURES / "bars.csv", fundamentals=FIXTURES / "fundamentals.csv", stocks=FIXTURES / "stocks.csv"
    )
    stocks = provider.list_stocks()
    assert list(stocks.columns) == STOCK_COLUMNS
    toyota = stocks.set_index("code").loc["7203"]
    assert toyota["name"] == "トヨタ自動車" and toyota["market"] == "prime" and toyota["lot_size"] == 100
    assert stocks.set_index("code").loc["130A", "lot_size"] == 100  # blank lot size → the usual 100

    funds = provider.fetch_fundamentals(date(2024, 1, 1), date(2024, 12, 31))
    assert list(funds.columns) == FUNDAMENTAL_COLUMNS
    assert funds[["code", "disclosed_date", "period_type"]].values.tolist() == [
        ["130A", date(2024, 2, 14), "FY"],
        ["7203", date(2024, 2, 6), "3Q"],
    ]
    assert funds.iloc[0]["operating_profit"] == -520_000_000
    assert math.isnan(funds.iloc[0]["equity"])  # a column the file does not have
    only_toyota = provider.fetch_fundamentals(date(2023, 1, 1), date(2024, 12, 31), codes=["7203"])
    assert len(only_toyota) == 2


def test_without_stocks_file_each_code_is_its_own_name() -> None:
    stocks = CsvProvider(FIXTURES / "bars.csv").list_stocks()
    assert list(stocks.columns) == STOCK_COLUMNS
    assert stocks[["code", "name"]].values.tolist() == [["130A", "130A"], ["7203", "7203"]]


def test_without_fundamentals_file_the_frame_is_empty_with_the_right_columns() -> None:
    funds = CsvProvider(FIXTURES / "bars.csv").fetch_fundamentals(*JAN)
    assert funds.empty and list(funds.columns) == FUNDAMENTAL_COLUMNS


def test_cp932_files_with_japanese_headers_and_names() -> None:
    provider = CsvProvider(FIXTURES / "bars_cp932.csv", stocks=FIXTURES / "stocks_cp932.csv")
    bars = provider.fetch_daily_bars(*JAN)
    assert bars["date"].tolist() == [date(2024, 1, 4), date(2024, 1, 5)]  # YYYY/MM/DD dates
    assert bars["close"].tolist() == [2688.5, 2712.0]
    stock = provider.list_stocks().iloc[0]
    assert (stock["name"], stock["market"]) == ("トヨタ自動車", "prime")


def test_utf8_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + GOOD_ROW, encoding="utf-8-sig")
    assert CsvProvider(path).fetch_daily_bars(*JAN)["code"].tolist() == ["7203"]


def test_codes_are_normalised(tmp_path: Path) -> None:
    rows = [
        "7203.T,2024-01-04,1,1,1,1,0",
        "72030,2024-01-05,1,1,1,1,0",
        "130a0,2024-01-04,1,1,1,1,0",
        "６７５８,2024-01-04,1,1,1,1,0",
    ]
    bars = CsvProvider(write(tmp_path, HEADER + "\n".join(rows) + "\n")).fetch_daily_bars(*JAN)
    assert bars["code"].tolist() == ["130A", "6758", "7203", "7203"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("7203", "7203"),
        ("7203.T", "7203"),
        ("72030", "7203"),
        ("130A", "130A"),
        ("1300", "1300"),
        ("abc", None),
    ],
)
def test_normalize_code(raw: str, code: str | None) -> None:
    assert normalize_code(raw) == code


def test_blank_lines_do_not_shift_row_numbers(tmp_path: Path) -> None:
    text = HEADER + GOOD_ROW + "\n" + "7203,2024-01-05,1,1,1,x,0\n"
    assert problems_of(write(tmp_path, text)) == [(4, "close", '"x" is not a number')]


# --- bad files -------------------------------------------------------------------------------------


def test_three_bad_rows_are_all_reported_with_row_and_column() -> None:
    with pytest.raises(CsvValidationError) as caught:
        CsvProvider(FIXTURES / "bars_three_bad.csv")
    error = caught.value
    assert error.problems == [
        (3, "close", '"abc" is not a number'),
        (5, "high", "high 2690 is below low 2710"),
        (7, "volume", '"-5" must not be negative'),
    ]
    assert isinstance(error, InvalidInput)
    assert 'bars_three_bad.csv row 3, column "close": "abc" is not a number' in error.detail
    assert "3 problems" in error.detail


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("7203,2024-13-01,1,1,1,1,0", (2, "date", '"2024-13-01" is not a date (YYYY-MM-DD or YYYY/MM/DD)')),
        ("7203,,1,1,1,1,0", (2, "date", "is empty")),
        (
            "toyota,2024-01-04,1,1,1,1,0",
            (2, "code", '"toyota" is not a 4-character TSE code (e.g. 7203, 130A)'),
        ),
        ("7203,2024-01-04,-1,1,1,1,0", (2, "open", '"-1" must be positive')),
        ("7203,2024-01-04,1,1,1,1,", (2, "volume", "is empty")),
        ("7203,2024-01-04,1,1,1,1,inf", (2, "volume", '"inf" is not a finite number')),
        ("7203,2024-01-04,0.5,1,0.8,1,0", (2, "open", "0.5 is outside the day's range 0.8–1")),
        ("7203,2024-01-04,1,1.2,0.8,1.3,0", (2, "close", "1.3 is outside the day's range 0.8–1.2")),
    ],
)
def test_each_kind_of_bar_problem(tmp_path: Path, row: str, expected: tuple[int, str, str]) -> None:
    assert problems_of(write(tmp_path, HEADER + row + "\n")) == [expected]


def test_duplicate_code_and_date_names_the_first_row(tmp_path: Path) -> None:
    text = HEADER + GOOD_ROW + "7203,2024-01-05,1,1,1,1,0\n" + GOOD_ROW.replace("7203", "7203.T")
    assert problems_of(write(tmp_path, text)) == [(4, "date", "duplicate of row 2 (same code and date)")]


def test_missing_required_columns_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, "code,date,open,close\n7203,2024-01-04,1,1\n")
    assert problems_of(path) == [
        (1, "high", 'required column "high" is missing'),
        (1, "low", 'required column "low" is missing'),
        (1, "volume", 'required column "volume" is missing'),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "the file is empty"), (HEADER.encode(), "the file has a header but no data rows")],
)
def test_empty_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bars.csv"
    path.write_bytes(content)
    assert problems_of(path) == [(1, "", message)]


def test_a_column_given_twice(tmp_path: Path) -> None:
    path = write(tmp_path, "code,date,open,high,low,close,Close,volume\n7203,2024-01-04,1,1,1,1,1,0\n")
    assert problems_of(path) == [(1, "close", "the column appears twice")]


def test_ragged_row_is_reported_by_line(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, HEADER + GOOD_ROW + "7203,2024-01-05,1,1,1,1,0,9,9\n"))
    assert [(row, column) for row, column, _ in problems] == [(3, "")]


def test_unknown_period_type_in_fundamentals(tmp_path: Path) -> None:
    funds = write(
        tmp_path,
        "code,disclosed_date,period_type,period_end,eps\n"
        "7203,2024-02-06,3Q,2023-12-31,292.23\n"
        "7203,2024-05-08,H2,2024-03-31,365.94\n",
        name="fundamentals.csv",
    )
    problems = problems_of(FIXTURES / "bars.csv", fundamentals=funds)
    assert problems == [(3, "period_type", '"H2" is not one of 1Q, 2Q, 3Q, FY')]


def test_bad_stocks_file(tmp_path: Path) -> None:
    stocks = write(tmp_path, "code,name,market\n7203,トヨタ自動車,prime\n7203,Toyota,nasdaq\n", name="s.csv")
    assert problems_of(FIXTURES / "bars.csv", stocks=stocks) == [
        (3, "market", '"nasdaq" is not one of prime, standard, growth, other'),
        (3, "code", "duplicate of row 2 (same code)"),
    ]


def test_nothing_of_a_bad_file_is_kept_on_revalidation(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + GOOD_ROW)
    provider = CsvProvider(path)
    path.write_text(HEADER + GOOD_ROW + "7203,2024-01-05,1,1,1,oops,0\n")
    with pytest.raises(CsvValidationError):
        provider.validate()
    assert len(provider.fetch_daily_bars(*JAN)) == 1  # still the last valid data


def test_message_lists_the_first_twenty_and_counts_the_rest(tmp_path: Path) -> None:
    days = sessions_between(date(2024, 2, 1), date(2024, 3, 31))[:25]
    rows = "".join(f"7203,{day},1,1,1,x,0\n" for day in days)
    with pytest.raises(CsvValidationError) as caught:
        CsvProvider(write(tmp_path, HEADER + rows))
    error = caught.value
    assert len(error.problems) == 25 and error.total == 25
    assert error.detail.count('column "close"') == 20
    assert error.detail.endswith("… and 5 more")


def test_problem_list_is_capped_but_counted(tmp_path: Path) -> None:
    rows = pd.DataFrame(
        {"code": "7203", "date": "bad", "open": 1, "high": 1, "low": 1, "close": 1, "volume": 0},
        index=range(MAX_PROBLEMS + 5),
    )
    path = tmp_path / "bars.csv"
    rows.to_csv(path, index=False)
    with pytest.raises(CsvValidationError) as caught:
        CsvProvider(path)
    assert len(caught.value.problems) == MAX_PROBLEMS and caught.value.total == MAX_PROBLEMS + 5


def test_unreadable_path_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot read"):
        CsvProvider(tmp_path / "missing.csv")


# --- dates: trading days only, none dropped ----------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2024-01-06", "2024-01-06 is a Saturday, not a TSE trading day"),
        ("2024/01/07", "2024/01/07 is a Sunday, not a TSE trading day"),
        ("2024-01-08", "2024-01-08 is a TSE holiday, not a trading day"),  # Coming of Age Day
        ("2024-01-02", "2024-01-02 is a TSE holiday, not a trading day"),  # the New Year closure
        ("1999-12-30", "1999-12-30 is before 2000-01-04, the first day the TSE calendar covers"),
        ("2024-02-01", "2024-02-01 is after the last completed TSE session, 2024-01-31"),
    ],
)
def test_a_bar_on_a_day_without_a_session_is_a_problem_of_its_row(
    tmp_path: Path, day: str, message: str
) -> None:
    path = write(tmp_path, HEADER + GOOD_ROW + f"7203,{day},1,1,1,1,0\n")
    with pytest.raises(CsvValidationError) as caught:
        CsvProvider(path, last_session=date(2024, 1, 31))
    assert caught.value.problems == [(3, "date", message)]


def test_by_default_no_bar_may_be_later_than_the_last_completed_session(tmp_path: Path) -> None:
    tomorrow = last_completed_session() + timedelta(days=1)
    problems = problems_of(write(tmp_path, HEADER + f"7203,{tomorrow},1,1,1,1,0\n"))
    assert [(row, column) for row, column, _ in problems] == [(2, "date")]
    assert "after the last completed TSE session" in problems[0][2]


def test_the_file_widens_the_history_window_to_its_first_bar() -> None:
    assert CsvProvider(FIXTURES / "bars.csv").start == date(2024, 1, 4)


def test_a_bar_of_a_stock_the_stocks_file_does_not_list(tmp_path: Path) -> None:
    stocks = write(tmp_path, "code,name\n7203,トヨタ自動車\n", name="stocks.csv")
    assert problems_of(FIXTURES / "bars.csv", stocks=stocks) == [
        (5, "code", '"130A" is not in stocks.csv'),
        (6, "code", '"130A" is not in stocks.csv'),
        (7, "code", '"130A" is not in stocks.csv'),
    ]


# --- encodings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_utf16_and_utf32_with_a_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    bom = {"utf-16-be": codecs.BOM_UTF16_BE, "utf-32-be": codecs.BOM_UTF32_BE}.get(encoding, b"")
    path = tmp_path / "bars.csv"
    path.write_bytes(bom + (HEADER + GOOD_ROW.replace("7203", "７２０３")).encode(encoding))
    assert CsvProvider(path).fetch_daily_bars(*JAN)["code"].tolist() == ["7203"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path, HEADER + GOOD_ROW, encoding=encoding)
    assert CsvProvider(path).fetch_daily_bars(*JAN)["close"].tolist() == [2688.5]


def test_tab_separated_unicode_text_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, (HEADER + GOOD_ROW).replace(",", "\t"), encoding="utf-16")
    assert problems_of(path) == [
        (1, "", "the columns are separated by tabs: save the file as CSV (comma-separated)")
    ]


def test_bytes_neither_utf8_nor_cp932_are_named_with_offset_and_line(tmp_path: Path) -> None:
    path = tmp_path / "stocks.csv"
    head = ("code,name\n7203,トヨタ自動車\n").encode()
    path.write_bytes(head + "9999,Café,\n".encode("latin-1"))  # a Latin-1 é, then a comma
    problems = problems_of(FIXTURES / "bars.csv", stocks=path)
    offset = len(head) + len("9999,Caf")
    assert problems == [
        (
            3,
            "",
            f"the file is neither UTF-8 nor Shift_JIS (cp932) text: byte 0xE9 at offset {offset} "
            "cannot be read as UTF-8; save it as UTF-8",
        )
    ]
    with pytest.raises(CsvValidationError, match=r"^stocks\.csv: 1 problem"):
        CsvProvider(FIXTURES / "bars.csv", stocks=path)


def test_a_broken_utf16_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bars.csv"
    text = (HEADER + GOOD_ROW).encode("utf-16-le")
    path.write_bytes(codecs.BOM_UTF16_LE + text + b"\x00\xdc")  # a lone low surrogate
    offset = len(codecs.BOM_UTF16_LE) + len(text)
    assert problems_of(path) == [
        (
            3,
            "",
            f"the file starts as UTF-16 but the bytes at offset {offset} are not UTF-16; save it as UTF-8",
        )
    ]


def test_nul_bytes_in_a_file_that_is_not_utf16(tmp_path: Path) -> None:
    path = tmp_path / "bars.csv"
    path.write_bytes(HEADER.encode() + b"7203,2024-01-04,1,1,1,1,0\x00\n")
    offset = len(HEADER) + 25
    assert problems_of(path) == [(2, "", f"the file has a NUL byte at offset {offset}: it is not CSV text")]
