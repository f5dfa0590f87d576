"""CSV import of the investor's own files: daily bars, and optionally stocks and fundamentals.

Validation is eager and all-or-nothing: the constructor reads and checks every file and raises
``CsvValidationError`` listing the problems by spreadsheet row (header = row 1, first data row =
row 2). A ``CsvProvider`` that exists holds only valid data; nothing of a bad file is returned.

The checks are vectorised over whole columns. Codes and dates repeat a lot (a 1,000,000-row file
has a few thousand distinct values of each), so each distinct text is parsed once and the result is
spread back by ``pd.factorize``; only the rows that fail are ever touched one by one, to word
their messages.

Files may be UTF-8 (with or without BOM) or Shift_JIS/cp932, as Japanese brokers export them, or
UTF-16/UTF-32 as some spreadsheets save "Unicode" text, and may use the usual Japanese headers
(日付, 始値, …) instead of the English ones. Bytes that none of these can read are reported with their
offset and line.

``check_csv`` runs the same reading and checks over the bytes of one uploaded file and returns
every problem instead of raising (the data page's preview and import); ``CsvProvider`` raises at the
first bad file.

Every bar must be on a TSE trading day (the exchange calendar) no later than the last completed
session: a Saturday, a holiday or a day that has not closed yet is a problem of its row. The file is
the investor's chosen history, so the sync's window is widened to its first date (``start``) rather
than dropping the rows before ``KABU_HISTORY_START``; with a stocks file, a bar of a stock that file
does not list is a problem too (the sync would have nothing to attach it to).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from kabu_trade.core.errors import InvalidInput
from kabu_trade.market.calendar import calendar_span, last_completed_session, sessions_between
from kabu_trade.market.providers.base import (
    BAR_COLUMNS,
    FUNDAMENTAL_COLUMNS,
    MARKETS,
    PERIOD_TYPES,
    STOCK_COLUMNS,
    MarketDataProvider,
    conform,
)

Problem = tuple[int, str, str]  # (spreadsheet row, column, message)
Column: TypeAlias = "pd.Series[Any]"

#: problems kept per file; a wrong file (say, every date in another format) is not worth 1M entries
MAX_PROBLEMS = 10_000
SHOWN_PROBLEMS = 20

BAR_REQUIRED = ("code", "date", "open", "high", "low", "close", "volume")
PRICE_COLUMNS = ("open", "high", "low", "close")
STOCK_REQUIRED = ("code", "name")
FUNDAMENTAL_REQUIRED = ("code", "disclosed_date", "period_type", "period_end")
FUNDAMENTAL_NUMBERS = tuple(c for c in FUNDAMENTAL_COLUMNS if c not in FUNDAMENTAL_REQUIRED)
NUMERIC_COLUMNS = {*PRICE_COLUMNS, "volume", "turnover", "adj_factor", "lot_size", *FUNDAMENTAL_NUMBERS}

# Headers as Japanese brokers and spreadsheets write them.
# fmt: off
HEADER_ALIASES = {
    "銘柄コード": "code", "コード": "code", "日付": "date", "始値": "open", "高値": "high", "安値": "low",
    "終値": "close", "出来高": "volume", "売買代金": "turnover", "銘柄名": "name", "市場": "market",
    "単元株数": "lot_size",
}
MARKET_ALIASES = {
    **{m: m for m in MARKETS},
    "プライム": "prime", "スタンダード": "standard", "グロース": "growth", "その他": "other",
}
# fmt: on
# 4 characters, first a digit (7203, 130A); J-Quants' 5-digit form adds a trailing 0, Yahoo a ".T".
_CODE = re.compile(r"^(\d[0-9A-Z]{3})(?:0|\.T)?$")
_PARSER_LINE = re.compile(r"line (\d+)")


class CsvValidationError(InvalidInput):
    """A CSV file failed validation; ``problems`` lists ``(row, column, message)`` by row."""

    def __init__(self, filename: str, problems: Sequence[Problem], total: int | None = None) -> None:
        self.filename = filename
        self.problems = list(problems)
        self.total = len(self.problems) if total is None else total
        lines = [
            f'{filename} row {row}, column "{column}": {message}'
            if column
            else f"{filename} row {row}: {message}"
            for row, column, message in self.problems[:SHOWN_PROBLEMS]
        ]
        hidden = self.total - len(lines)
        if hidden > 0:
            lines.append(f"… and {hidden} more")
        noun = "problem" if self.total == 1 else "problems"
        super().__init__(f"{filename}: {self.total} {noun}, nothing was imported:\n" + "\n".join(lines))


def normalize_code(value: str) -> str | None:
    """``7203``, ``7203.T``, ``72030``, ``７２０３`` → ``7203``; ``None`` if not a TSE code."""
    match = _CODE.match(unicodedata.normalize("NFKC", value).strip().upper())
    return match.group(1) if match else None


def normalize_codes(codes: Sequence[str]) -> list[str]:
    """Normalise requested codes; an unreadable one is the caller's mistake (``InvalidInput``)."""
    out = []
    for raw in codes:
        code = normalize_code(raw)
        if code is None:
            raise InvalidInput(f'"{raw}" is not a 4-character TSE code (e.g. 7203, 130A)', field="codes")
        out.append(code)
    return out


class _Report:
    """The problems of one file, collected column by column from boolean masks."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[Problem] = []
        self.total = 0

    def add(self, mask: Column, column: str, template: str, *values: Column) -> None:
        """Record one problem per True row of ``mask``; ``template`` is formatted with ``values``."""
        count = int(mask.sum())
        if count == 0:
            return
        self.total += count
        room = MAX_PROBLEMS - len(self.problems)
        if room <= 0:
            return
        picked = mask.to_numpy(dtype=bool)
        rows = (mask.index[picked][:room] + 2).tolist()  # index = 0-based data row; header is row 1
        columns = [v.to_numpy()[picked][:room] for v in values]
        for i, row in enumerate(rows):  # only the failing rows, at most MAX_PROBLEMS of them
            self.problems.append((row, column, template.format(*(_show(c[i]) for c in columns))))

    def add_one(self, row: int, column: str, message: str) -> None:
        self.total += 1
        self.problems.append((row, column, message))

    def raise_if_any(self) -> None:
        if self.total:
            # stable sort: within a row, problems stay in column order
            raise CsvValidationError(self.filename, sorted(self.problems, key=lambda p: p[0]), self.total)


def _show(value: object) -> str:
    # Whole numbers read by the C parser come back as floats: show 2650.0 as the user wrote it, 2650.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- reading -------------------------------------------------------------------------------------


# Longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


class _Undecodable(ValueError):
    """Bytes no supported encoding reads; ``line`` is where the first one is."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _decode(data: bytes) -> str:
    return decode_text(data)[0]


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the name of the encoding it was read as (raises ``_Undecodable``)."""
    for bom, encoding, label in _BOMS:
        if data.startswith(bom):
            return _decode_as(data, len(bom), encoding, label), f"{label} (BOM)"
    if b"\x00" in data[:4096]:
        # NUL bytes in a text file: UTF-16 saved without its byte-order mark (ASCII text has the
        # zero byte of each pair on the same side), which UTF-8 would "read" as text full of NULs.
        head = data[:4096]
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if max(even, odd) >= len(head) // 4 and min(even, odd) == 0:
            return _decode_as(data, 0, "utf-16-be" if even else "utf-16-le", "UTF-16"), "UTF-16"
        nul = data.index(b"\x00")
        raise _Undecodable(
            _line_at(data, nul), f"the file has a NUL byte at offset {nul}: it is not CSV text"
        )
    # UTF-8 first: cp932 would "decode" most UTF-8 Japanese into mojibake, the reverse rarely works.
    failures: list[UnicodeDecodeError] = []
    for encoding, label in (("utf-8", "UTF-8"), ("cp932", "Shift_JIS (cp932)")):
        try:
            return data.decode(encoding), label
        except UnicodeDecodeError as exc:
            failures.append(exc)
    # The encoding that read further is the likelier intent: its first bad byte is the one to name.
    worst = max(failures, key=lambda exc: exc.start)
    bad = data[worst.start : worst.start + 1].hex().upper()
    raise _Undecodable(
        _line_at(data, worst.start),
        f"the file is neither UTF-8 nor Shift_JIS (cp932) text: byte 0x{bad} at offset {worst.start} "
        f"cannot be read as {'UTF-8' if worst.encoding == 'utf-8' else 'cp932'}; save it as UTF-8",
    )


def _decode_as(data: bytes, skip: int, encoding: str, label: str) -> str:
    try:
        return data[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        offset = skip + exc.start
        line = data[skip:offset].decode(encoding).count("\n") + 1  # the part before it did decode
        raise _Undecodable(
            line,
            f"the file starts as {label} but the bytes at offset {offset} are not {label}; save it as UTF-8",
        ) from exc


def _line_at(data: bytes, offset: int) -> int:
    # In UTF-8 and cp932 the byte 0x0A is only ever a newline (never part of a multi-byte character).
    return data.count(b"\n", 0, offset) + 1


def _header(name: str) -> str:
    text = unicodedata.normalize("NFKC", str(name)).strip()
    return HEADER_ALIASES.get(text, text.lower())


def _read(path: Path, report: _Report) -> pd.DataFrame | None:
    """The table indexed by 0-based data row; text columns as ``str`` ("" when blank).

    Numeric columns are left to the C parser's inference: a clean column arrives as floats at
    C speed, one with a bad cell arrives as text and is parsed (and reported) by ``_numbers``.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}", field=path.name) from exc
    try:
        text = _decode(data)
    except _Undecodable as exc:
        report.add_one(exc.line, "", str(exc))
        return None
    return _read_text(text, report)


def _read_text(text: str, report: _Report) -> pd.DataFrame | None:
    header = next(csv.reader(io.StringIO(text)), [])
    if not text.strip() or not header:
        report.add_one(1, "", "the file is empty")
        return None
    if len(header) == 1 and "\t" in header[0]:
        # Spreadsheets' "Unicode text" is tab-separated: say so rather than "column code is missing".
        report.add_one(1, "", "the columns are separated by tabs: save the file as CSV (comma-separated)")
        return None
    mapped = [_header(original) for original in header]
    repeated = sorted({name for name in mapped if mapped.count(name) > 1})
    for column in repeated:
        report.add_one(1, column, "the column appears twice")
    if repeated:
        return None
    names = dict(zip(header, mapped, strict=True))
    text_columns = {o: str for o, n in names.items() if n not in NUMERIC_COLUMNS}
    try:
        # Blank lines are kept (and dropped below) so that row numbers match what a spreadsheet shows.
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=text_columns,
            na_values=[""],
            keep_default_na=False,
            skip_blank_lines=False,
        )
    except pd.errors.ParserError as exc:
        match = _PARSER_LINE.search(str(exc))
        report.add_one(int(match.group(1)) if match else 1, "", f"not a readable CSV table ({exc})")
        return None
    frame = frame.rename(columns=names).loc[lambda f: ~f.isna().all(axis=1)]
    if frame.empty:
        report.add_one(1, "", "the file has a header but no data rows")
        return None
    text_names = [names[o] for o in text_columns]
    return frame.fillna(dict.fromkeys(text_names, ""))


def _require(frame: pd.DataFrame, columns: Sequence[str], report: _Report) -> bool:
    missing = [c for c in columns if c not in frame.columns]
    for column in missing:
        report.add_one(1, column, f'required column "{column}" is missing')
    return not missing


# --- column parsers: each returns parsed values (NaN/None where bad) and reports the bad rows ------


def _spread(raw: Column, parse: Callable[[pd.Index], np.ndarray[Any, Any]]) -> np.ndarray[Any, Any]:
    """Parse each distinct text of ``raw`` once and spread the results back over the rows."""
    ids, uniques = pd.factorize(raw)
    return parse(pd.Index(uniques))[ids]


def _codes(raw: Column, report: _Report, column: str = "code") -> Column:
    parsed = _spread(raw, lambda u: np.array([normalize_code(v) for v in u], dtype=object))
    codes = pd.Series(parsed, index=raw.index, dtype=object)
    blank = raw == ""
    report.add(blank, column, "is empty")
    report.add(codes.isna() & ~blank, column, '"{}" is not a 4-character TSE code (e.g. 7203, 130A)', raw)
    return codes


def _parse_dates(texts: pd.Index) -> np.ndarray[Any, Any]:
    stripped = pd.Series(texts.astype(str)).str.strip()
    iso = pd.to_datetime(stripped, format="%Y-%m-%d", errors="coerce")
    slashed = pd.to_datetime(stripped, format="%Y/%m/%d", errors="coerce")
    return iso.fillna(slashed).to_numpy(dtype="datetime64[ns]")


def _dates(raw: Column, report: _Report, column: str) -> Column:
    days = pd.Series(_spread(raw, _parse_dates), index=raw.index)
    blank = raw == ""
    report.add(blank, column, "is empty")
    report.add(days.isna() & ~blank, column, '"{}" is not a date (YYYY-MM-DD or YYYY/MM/DD)', raw)
    return days


def _numbers(raw: Column, report: _Report, column: str, *, required: bool, minimum: str = "") -> Column:
    """Floats; ``minimum`` is "" (any), ">=0" or ">0"."""
    clean = pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw)
    if clean:  # the C parser read every cell as a number or a blank
        values, blank, shown = raw.astype(float), raw.isna(), raw
    else:
        shown = raw.fillna("").astype(str)
        values = pd.to_numeric(shown, errors="coerce").astype(float)
        failed = values.isna() & (shown != "")
        if failed.any():  # second chance for the few cells written like "1,234"
            values[failed] = pd.to_numeric(shown[failed].str.replace(",", "").str.strip(), errors="coerce")
        blank = shown.str.strip() == ""
        report.add(values.isna() & ~blank, column, '"{}" is not a number', shown)
    if required:
        report.add(blank, column, "is empty")
    report.add(values.abs() == np.inf, column, '"{}" is not a finite number', shown)
    below = pd.Series(False, index=values.index)
    if minimum == ">0":
        below = values <= 0
        report.add(below, column, '"{}" must be positive', shown)
    elif minimum == ">=0":
        below = values < 0
        report.add(below, column, '"{}" must not be negative', shown)
    # A value already reported becomes NaN, so the cross-column checks do not report it again.
    return values.where((values.abs() != np.inf) & ~below)


def _duplicates(keys: pd.DataFrame, report: _Report, column: str, what: str) -> None:
    complete = keys.notna().all(axis=1)
    repeated = keys.duplicated(keep="first") & complete
    if not repeated.any():
        return
    groups = keys.index.to_series().groupby([keys[c] for c in keys.columns], dropna=False)
    first_row = groups.transform("min") + 2
    report.add(repeated, column, f"duplicate of row {{}} (same {what})", first_row)


# --- the three files --------------------------------------------------------------------------------


def _trading_days(days: Column, raw: Column, report: _Report, last_session: date) -> None:
    """Each bar's day must be a TSE session that has closed; unreadable dates (NaT) are already reported."""
    known = days.dropna()
    if known.empty:
        return
    first, _ = calendar_span()
    early = days < pd.Timestamp(first)
    late = days > pd.Timestamp(last_session)
    report.add(early, "date", f"{{}} is before {first}, the first day the TSE calendar covers", raw)
    report.add(late, "date", f"{{}} is after the last completed TSE session, {last_session}", raw)
    sessions = pd.DatetimeIndex(sessions_between(known.min().date(), min(known.max().date(), last_session)))
    closed = days.notna() & ~early & ~late & ~days.isin(sessions)
    weekend = closed & (days.dt.day_of_week >= 5)
    report.add(weekend, "date", "{} is a {}, not a TSE trading day", raw, days.dt.day_name())
    report.add(closed & ~weekend, "date", "{} is a TSE holiday, not a trading day", raw)


def _check_bars(
    frame: pd.DataFrame, report: _Report, last_session: date, listed: tuple[str, set[str]] | None = None
) -> pd.DataFrame | None:
    """``listed``: the stocks file's name and codes, when there is one."""
    if not _require(frame, BAR_REQUIRED, report):
        return None
    out = pd.DataFrame({"code": _codes(frame["code"], report), "date": _dates(frame["date"], report, "date")})
    if listed is not None:
        unlisted = out["code"].notna() & ~out["code"].isin(listed[1])
        report.add(unlisted, "code", f'"{{}}" is not in {listed[0]}', frame["code"])
    _trading_days(out["date"], frame["date"], report, last_session)
    for column in PRICE_COLUMNS:
        out[column] = _numbers(frame[column], report, column, required=True, minimum=">0")
    out["volume"] = _numbers(frame["volume"], report, "volume", required=True, minimum=">=0")
    out["turnover"] = np.nan
    if "turnover" in frame.columns:
        out["turnover"] = _numbers(frame["turnover"], report, "turnover", required=False, minimum=">=0")
    out["adj_factor"] = 1.0
    if "adj_factor" in frame.columns:
        factor = _numbers(frame["adj_factor"], report, "adj_factor", required=False, minimum=">0")
        out["adj_factor"] = factor.fillna(1.0)
    high, low = out["high"], out["low"]
    report.add(high < low, "high", "high {} is below low {}", frame["high"], frame["low"])
    for column in ("open", "close"):  # only against a sane range: high < low is reported once, above
        outside = (high >= low) & ((out[column] < low) | (out[column] > high))
        report.add(
            outside, column, "{} is outside the day's range {}–{}", frame[column], frame["low"], frame["high"]
        )
    _duplicates(out[["code", "date"]], report, "date", "code and date")
    return out.sort_values(["code", "date"], kind="stable").reset_index(drop=True)


def _check_stocks(frame: pd.DataFrame, report: _Report) -> pd.DataFrame | None:
    if not _require(frame, STOCK_REQUIRED, report):
        return None
    out = pd.DataFrame({"code": _codes(frame["code"], report)})
    names = frame["name"].str.strip()
    report.add(names == "", "name", "is empty")
    out["name"] = names.astype(object)
    for column in ("name_kana", "name_en", "sector_code", "sector_name"):
        text = frame[column].str.strip() if column in frame.columns else pd.Series("", index=frame.index)
        out[column] = text.astype(object).where(text != "", None)
    out["market"] = _markets(frame, report)
    out["lot_size"] = 100
    if "lot_size" in frame.columns:
        lots = _numbers(frame["lot_size"], report, "lot_size", required=False, minimum=">0")
        fraction = lots.notna() & (lots % 1 != 0)
        report.add(fraction, "lot_size", '"{}" is not a whole number of shares', frame["lot_size"])
        out["lot_size"] = lots.fillna(100).round().astype(int)
    _duplicates(out[["code"]], report, "code", "code")
    return out.sort_values("code", kind="stable").reset_index(drop=True)


def _markets(frame: pd.DataFrame, report: _Report) -> Column:
    if "market" not in frame.columns:
        return pd.Series(None, index=frame.index, dtype=object)
    raw = frame["market"]
    key = raw.str.normalize("NFKC").str.strip().str.lower()
    markets = key.map(MARKET_ALIASES).astype(object)
    allowed = pd.Series(", ".join(MARKETS), index=raw.index)
    report.add(markets.isna() & (key != ""), "market", '"{}" is not one of {}', raw, allowed)
    return markets.where(markets.notna(), None)


def _check_fundamentals(frame: pd.DataFrame, report: _Report) -> pd.DataFrame | None:
    if not _require(frame, FUNDAMENTAL_REQUIRED, report):
        return None
    out = pd.DataFrame({"code": _codes(frame["code"], report)})
    out["disclosed_date"] = _dates(frame["disclosed_date"], report, "disclosed_date")
    period = frame["period_type"].str.normalize("NFKC").str.strip().str.upper()
    known = period.isin(PERIOD_TYPES)
    allowed = pd.Series(", ".join(PERIOD_TYPES), index=frame.index)
    report.add(period == "", "period_type", "is empty")
    report.add(~known & (period != ""), "period_type", '"{}" is not one of {}', frame["period_type"], allowed)
    out["period_type"] = period.astype(object).where(known)
    out["period_end"] = _dates(frame["period_end"], report, "period_end")
    for column in FUNDAMENTAL_NUMBERS:
        if column in frame.columns:
            out[column] = _numbers(frame[column], report, column, required=False)
        else:
            out[column] = np.nan
    keys = out[["code", "disclosed_date", "period_type", "period_end"]]
    _duplicates(keys, report, "disclosed_date", "code, disclosed_date, period_type and period_end")
    return out.sort_values(["code", "disclosed_date"], kind="stable").reset_index(drop=True)


def _load(path: Path, check: Callable[[pd.DataFrame, _Report], pd.DataFrame | None]) -> pd.DataFrame:
    report = _Report(path.name)
    frame = _read(path, report)
    checked = check(frame, report) if frame is not None else None
    report.raise_if_any()
    if checked is None:  # cannot happen: a check that returns nothing has reported why, and raised above
        raise RuntimeError(f"{path.name}: validation stopped without saying why")
    return checked


#: What each kind of file holds, in the order they must be checked (bars are checked against stocks).
CSV_KINDS = ("stocks", "bars", "fundamentals")
PREVIEW_ROWS = 10


@dataclass
class CsvCheck:
    """One uploaded file read and checked: what it holds, and every problem found (by row)."""

    kind: str
    filename: str
    encoding: str | None = None
    columns: list[str] = field(default_factory=list)
    rows: int = 0
    preview: list[dict[str, str]] = field(default_factory=list)
    codes: int = 0  # distinct readable codes
    from_date: date | None = None  # first and last readable date (bars: date; fundamentals: disclosed)
    to_date: date | None = None
    #: the valid data (as ``CsvProvider`` would hold it); None when there is any problem
    data: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    total: int = 0

    @property
    def ok(self) -> bool:
        return self.total == 0 and self.data is not None


def check_csv(
    data: bytes,
    kind: str,
    filename: str,
    *,
    last_session: date | None = None,
    listed_codes: set[str] | None = None,
    listed_name: str = "the stocks file",
) -> CsvCheck:
    """Read and check one file of ``kind`` (bars, fundamentals, stocks) without raising: the same
    decoding and checks as ``CsvProvider``, every problem (up to ``MAX_PROBLEMS``) kept by row.
    ``listed_codes``: the stocks file's codes, which every bar's code must be among."""
    if kind not in CSV_KINDS:
        raise InvalidInput(f"unknown CSV kind {kind!r}: use one of {', '.join(CSV_KINDS)}", field="kind")
    result = CsvCheck(kind=kind, filename=filename)
    report = _Report(filename)
    try:
        text, result.encoding = decode_text(data)
    except _Undecodable as exc:
        report.add_one(exc.line, "", str(exc))
        text = None
    frame = _read_text(text, report) if text is not None else None
    checked = None
    if frame is not None:
        result.columns = [str(c) for c in frame.columns]
        result.rows = len(frame)
        result.preview = [
            {str(k): "" if pd.isna(v) else _show(v) for k, v in row.items()}
            for row in frame.head(PREVIEW_ROWS).to_dict(orient="records")
        ]
        if kind == "bars":
            sessions = last_session or last_completed_session()
            listed = (listed_name, listed_codes) if listed_codes is not None else None
            checked = _check_bars(frame, report, sessions, listed)
        elif kind == "stocks":
            checked = _check_stocks(frame, report)
        else:
            checked = _check_fundamentals(frame, report)
    if checked is not None:
        result.codes = int(checked["code"].nunique())
        column = {"bars": "date", "fundamentals": "disclosed_date"}.get(kind)
        days = checked[column].dropna() if column else None
        if days is not None and not days.empty:
            result.from_date, result.to_date = days.min().date(), days.max().date()
    result.problems = sorted(report.problems, key=lambda p: p[0])
    result.total = report.total
    result.data = checked if report.total == 0 else None
    return result


def _no_fundamentals() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=float) for c in FUNDAMENTAL_COLUMNS})
    dates = {"disclosed_date": "datetime64[ns]", "period_end": "datetime64[ns]"}
    return frame.astype({"code": object, "period_type": object, **dates})


def _as_dates(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    # Stored as datetime64 for fast filtering; handed out as datetime.date like every provider.
    return frame.assign(**{c: frame[c].dt.date for c in columns})


def file_period(path: Path) -> tuple[date, date] | None:
    """The first and last date of a bars file (as the investor sees it, whatever a sync fetched);
    None when the file cannot be read that far. Only the date column is parsed."""
    try:
        text = _decode(Path(path).read_bytes())
    except (OSError, _Undecodable):
        return None
    header = next(csv.reader(io.StringIO(text)), [])
    column = next((name for name in header if _header(name) == "date"), None)
    if column is None:
        return None
    days = pd.read_csv(io.StringIO(text), usecols=[column], dtype=str, keep_default_na=False)[column]
    parsed = _parse_dates(pd.Index(days[days.str.strip() != ""].unique()))
    valid = parsed[~pd.isna(parsed)]
    if len(valid) == 0:
        return None
    return pd.Timestamp(valid.min()).date(), pd.Timestamp(valid.max()).date()


class CsvProvider(MarketDataProvider):
    """Market data read from the investor's own CSV files (see the module docstring)."""

    name = "csv"
    is_demo = False

    def __init__(
        self,
        bars: Path,
        fundamentals: Path | None = None,
        stocks: Path | None = None,
        *,
        last_session: date | None = None,
    ) -> None:
        """``last_session``: the latest day a bar may have; by default the last completed session."""
        self.bars_path = Path(bars)
        self.fundamentals_path = Path(fundamentals) if fundamentals is not None else None
        self.stocks_path = Path(stocks) if stocks is not None else None
        self._last_session = last_session
        self._bars, self._stocks, self._fundamentals = self._load_all()

    @property
    def start(self) -> date:
        """The file's first bar: the sync reads this as where history begins (the window widened)."""
        first: date = self._bars["date"].min().date()
        return first

    def validate(self) -> None:
        """Re-read and re-check every file; raises ``CsvValidationError`` for the first bad one.

        The data is replaced only when all files pass: a failed re-validation keeps the last good data.
        """
        self._bars, self._stocks, self._fundamentals = self._load_all()

    def _load_all(self) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame]:
        last_session = self._last_session or last_completed_session()
        stocks = _load(self.stocks_path, _check_stocks) if self.stocks_path else None
        listed = (
            (self.stocks_path.name, set(stocks["code"])) if self.stocks_path and stocks is not None else None
        )
        bars = _load(self.bars_path, lambda frame, report: _check_bars(frame, report, last_session, listed))
        funds = self.fundamentals_path
        return bars, stocks, _load(funds, _check_fundamentals) if funds else _no_fundamentals()

    def list_stocks(self) -> pd.DataFrame:
        if self._stocks is not None:
            return conform(self._stocks, STOCK_COLUMNS)
        # Without a stocks file all we know of a stock is its code.
        codes = pd.Series(self._bars["code"].unique(), dtype=object)
        return conform(pd.DataFrame({"code": codes, "name": codes, "lot_size": 100}), STOCK_COLUMNS)

    def fetch_daily_bars(self, start: date, end: date, codes: Sequence[str] | None = None) -> pd.DataFrame:
        mask = self._bars["date"].between(pd.Timestamp(start), pd.Timestamp(end))
        if codes is not None:
            mask &= self._bars["code"].isin(normalize_codes(codes))
        return conform(_as_dates(self._bars.loc[mask], ["date"]), BAR_COLUMNS)

    def fetch_fundamentals(self, start: date, end: date, codes: Sequence[str] | None = None) -> pd.DataFrame:
        frame = self._fundamentals
        mask = frame["disclosed_date"].between(pd.Timestamp(start), pd.Timestamp(end))
        if codes is not None:
            mask &= frame["code"].isin(normalize_codes(codes))
        return conform(_as_dates(frame.loc[mask], ["disclosed_date", "period_end"]), FUNDAMENTAL_COLUMNS)
