"""J-Quants API V2 payloads → kabu-trade frames: pure functions, no HTTP.

Field names are the V2 ones listed in ``jquantsapi.constants`` (``EQ_MASTER_COLUMNS_V2``,
``EQ_BARS_DAILY_COLUMNS_V2``, ``FIN_SUMMARY_COLUMNS_V2``, ``INDICES_TOPIX_COLUMNS_V2``). The dicts
below are the whole mapping; the functions only apply them.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import structlog

from kabu_trade.market.providers.base import (
    BAR_COLUMNS,
    FUNDAMENTAL_COLUMNS,
    INDEX_BAR_COLUMNS,
    PERIOD_TYPES,
    STOCK_COLUMNS,
    TOPIX,
    conform,
    empty_frame,
)

log = structlog.get_logger(__name__)

# kabu-trade column → /v2/equities/master field. ``None``: V2 has no such field.
STOCK_FIELDS: dict[str, str | None] = {
    "code": "Code",
    "name": "CoName",
    "name_kana": None,  # the V2 master has no reading (no kana field in EQ_MASTER_COLUMNS_V2)
    "name_en": "CoNameEn",
    "sector_code": "S33",
    "sector_name": "S33Nm",
    "market": "Mkt",  # segment code, MktNm as a fallback: see MARKET_BY_CODE / MARKET_BY_NAME
    "lot_size": None,  # no field: the TSE trading unit is 100 shares for every stock since 2018-10-01
}
DEFAULT_LOT_SIZE = 100

# Segment codes of jquantsapi.constants.MARKET_SEGMENT_DATA. The pre-2022 segments (東証一部, JASDAQ …),
# TOKYO PRO MARKET and その他 (ETFs, REITs …) are "other".
MARKET_BY_CODE = {"0111": "prime", "0112": "standard", "0113": "growth"}
MARKET_BY_NAME = {"プライム": "prime", "スタンダード": "standard", "グロース": "growth"}

# kabu-trade column → /v2/equities/bars/daily field. Raw (as traded) prices; the Adj* fields are not
# stored because kabu-trade adjusts on read from adj_factor (see market.models.DailyBar).
BAR_FIELDS: dict[str, str] = {
    "code": "Code",
    "date": "Date",
    "open": "O",
    "high": "H",
    "low": "L",
    "close": "C",
    "volume": "Vo",
    "turnover": "Va",
    "adj_factor": "AdjFactor",
}

# kabu-trade column → /v2/indices/bars/daily/topix field (INDICES_TOPIX_COLUMNS_V2), index points.
TOPIX_FIELDS: dict[str, str] = {"date": "Date", "open": "O", "high": "H", "low": "L", "close": "C"}

# kabu-trade column → /v2/fins/summary field. Amounts in yen, per-share figures in yen; P&L figures
# are cumulative from the start of the fiscal year (3Q = nine months), as J-Quants documents them.
FUNDAMENTAL_FIELDS: dict[str, str] = {
    "code": "Code",
    "disclosed_date": "DiscDate",
    "period_type": "CurPerType",
    "period_end": "CurPerEn",
    "sales": "Sales",
    "operating_profit": "OP",
    "net_income": "NP",
    "eps": "EPS",
    "forecast_eps": "FEPS",  # full-year forecast of the current fiscal year
    "bps": "BPS",
    "dps": "DivAnn",  # annual dividend paid for the year: only FY results carry it
    "forecast_dps": "FDivAnn",
    "equity": "Eq",
    "total_assets": "TA",
    "shares_outstanding": "ShOutFY",  # issued shares at period end, treasury shares included
}
# FY results close the year their F* fields forecast, so those are blank; the forecast that matters
# from then on is the one for the year just begun, in the NxF* fields.
NEXT_YEAR_FORECAST_FIELDS: dict[str, str] = {"forecast_eps": "NxFEPS", "forecast_dps": "NxFDivAnn"}
# A company without subsidiaries files non-consolidated summaries (DocType "…_NonConsolidated_…").
# Their figures are read from the NC* fields only when the main field is blank, so a consolidated
# filer's parent-only figures never mix into its consolidated ones.
NON_CONSOLIDATED_FIELDS: dict[str, str] = {
    "Sales": "NCSales",
    "OP": "NCOP",
    "NP": "NCNP",
    "EPS": "NCEPS",
    "BPS": "NCBPS",
    "Eq": "NCEq",
    "TA": "NCTA",
    "FEPS": "FNCEPS",
    "NxFEPS": "NxFNCEPS",
}
# Ordering of disclosures of one day: DiscNo grows with every document, corrections included.
DISCLOSURE_ORDER = ["DiscDate", "DiscTime", "DiscNo"]
FUNDAMENTAL_KEY = ["code", "disclosed_date", "period_type", "period_end"]
FORECAST_COLUMNS = ["forecast_eps", "forecast_dps"]
# Values J-Quants uses for "no figure": empty strings in fins/summary, "-" in some forecast fields.
_BLANKS = ("", "-", "－")


def to_kabu_code(api_code: str) -> str:
    """``72030`` → ``7203``, ``130A0`` → ``130A``.

    The fifth character is 0 for common stock. Any other value marks a second listed class of the
    same issuer (preferred shares such as ``25935``): kept whole so it never collides with ``2593``.
    """
    code = str(api_code).strip().upper()
    return code[:4] if len(code) == 5 and code.endswith("0") else code


def to_api_code(code: str) -> str:
    """``7203`` → ``72030``: a 5-character code selects exactly that class of shares."""
    code = code.strip().upper()
    return f"{code}0" if len(code) == 4 else code


def map_market(segment_code: object, segment_name: object) -> str:
    code = str(segment_code).strip() if segment_code is not None else ""
    if code in MARKET_BY_CODE:
        return MARKET_BY_CODE[code]
    name = str(segment_name).strip() if segment_name is not None else ""
    return MARKET_BY_NAME.get(name, "other")


def stocks_from_master(raw: pd.DataFrame) -> pd.DataFrame:
    if raw.empty:
        return empty_frame(STOCK_COLUMNS)
    frame = pd.DataFrame(
        {
            column: _text(raw, field)
            for column, field in STOCK_FIELDS.items()
            if field is not None and column != "market"
        }
    )
    frame["code"] = frame["code"].map(to_kabu_code)
    frame["market"] = [
        map_market(code, name) for code, name in zip(_text(raw, "Mkt"), _text(raw, "MktNm"), strict=True)
    ]
    frame["name_kana"] = None
    frame["lot_size"] = DEFAULT_LOT_SIZE
    return conform(frame.drop_duplicates("code", keep="last"), STOCK_COLUMNS)


def bars_from_daily(raw: pd.DataFrame) -> pd.DataFrame:
    """Suspended or untraded stocks come with null prices: kept as NaN rows, never filled in."""
    if raw.empty:
        return empty_frame(BAR_COLUMNS)
    frame = pd.DataFrame(
        {
            column: _numbers(raw, field)
            for column, field in BAR_FIELDS.items()
            if column not in ("code", "date")
        }
    )
    frame.insert(0, "date", _dates(raw, "Date"))
    frame.insert(0, "code", _text(raw, "Code").map(to_kabu_code))
    frame = frame[frame["date"].notna()]
    return conform(frame.drop_duplicates(["code", "date"], keep="last"), BAR_COLUMNS)


def index_bars_from_topix(raw: pd.DataFrame) -> pd.DataFrame:
    """Map TOPIX daily bars to INDEX_BAR_COLUMNS under the code ``TOPIX``; one row per date."""
    if raw.empty:
        return empty_frame(INDEX_BAR_COLUMNS)
    frame = pd.DataFrame(
        {column: _numbers(raw, field) for column, field in TOPIX_FIELDS.items() if column != "date"}
    )
    frame.insert(0, "date", _dates(raw, "Date"))
    frame.insert(0, "code", TOPIX)
    frame = frame[frame["date"].notna()]
    return conform(frame.drop_duplicates("date", keep="last"), INDEX_BAR_COLUMNS)


def fundamentals_from_summary(raw: pd.DataFrame) -> pd.DataFrame:
    """Map financial summaries, keeping the latest disclosure per FUNDAMENTAL_KEY (corrections win).

    Rows without a disclosure date or period end, and irregular periods (4Q/5Q of a fiscal year
    longer than 12 months) that kabu-trade does not model, are left out and logged.
    """
    if raw.empty:
        return empty_frame(FUNDAMENTAL_COLUMNS)
    ordered = raw.sort_values([c for c in DISCLOSURE_ORDER if c in raw.columns], kind="stable")
    frame = pd.DataFrame(
        {
            "code": _text(ordered, "Code").map(to_kabu_code),
            "disclosed_date": _dates(ordered, "DiscDate"),
            "period_type": _text(ordered, "CurPerType").str.strip().str.upper(),
            "period_end": _dates(ordered, "CurPerEn"),
        }
    )
    for column in FUNDAMENTAL_COLUMNS[4:]:
        frame[column] = _figure(ordered, column)
    usable = frame["disclosed_date"].notna() & frame["period_end"].notna()
    usable &= frame["period_type"].isin(PERIOD_TYPES)
    if not usable.all():
        log.info(
            "jquants_fundamentals_skipped",
            rows=int((~usable).sum()),
            period_types=sorted({str(p) for p in frame.loc[~usable, "period_type"]}),
        )
    frame = frame[usable]
    # Same-day documents for one period: the latest wins (a correction), except that an earnings
    # and a dividend forecast revision each revise their own forecast and leave the other blank,
    # so each forecast comes from the latest of those documents that has it.
    forecasts = frame.groupby(FUNDAMENTAL_KEY, sort=False)[FORECAST_COLUMNS].last()  # skips NaN
    frame = frame.drop_duplicates(FUNDAMENTAL_KEY, keep="last")
    keys = pd.MultiIndex.from_frame(frame[FUNDAMENTAL_KEY])
    for column in FORECAST_COLUMNS:
        frame[column] = forecasts[column].reindex(keys).to_numpy()
    return conform(frame, FUNDAMENTAL_COLUMNS)


def filter_codes(frame: pd.DataFrame, codes: Iterable[str] | None) -> pd.DataFrame:
    if codes is None:
        return frame.reset_index(drop=True)
    wanted = {code.strip().upper() for code in codes}
    return frame[frame["code"].isin(wanted)].reset_index(drop=True)


def _figure(raw: pd.DataFrame, column: str) -> pd.Series:
    field = FUNDAMENTAL_FIELDS[column]
    values = _with_non_consolidated(raw, field)
    if column in NEXT_YEAR_FORECAST_FIELDS:
        after_fy = _is_fy_results(raw)
        values = values.where(~after_fy, _with_non_consolidated(raw, NEXT_YEAR_FORECAST_FIELDS[column]))
    return values


def _with_non_consolidated(raw: pd.DataFrame, field: str) -> pd.Series:
    values = _numbers(raw, field)
    nc_field = NON_CONSOLIDATED_FIELDS.get(field)
    if nc_field is None:
        return values
    use_nc = _doc_type(raw).str.contains("NonConsolidated", regex=False) & values.isna()
    return values.where(~use_nc, _numbers(raw, nc_field))


def _is_fy_results(raw: pd.DataFrame) -> pd.Series:
    # Only the FY results document ("FYFinancialStatements_…") looks ahead; a forecast revision
    # with CurPerType FY revises the current year and keeps its F* fields.
    period_type = _text(raw, "CurPerType").str.strip().str.upper()
    return (period_type == "FY") & _doc_type(raw).str.startswith("FYFinancialStatements")


def _doc_type(raw: pd.DataFrame) -> pd.Series:
    return _text(raw, "DocType").fillna("")


def _text(raw: pd.DataFrame, field: str) -> pd.Series:
    if field not in raw.columns:
        return pd.Series([None] * len(raw), index=raw.index, dtype="object")
    column = raw[field]
    return column.astype("object").where(column.notna(), None).map(lambda v: v if v is None else str(v))


def _dates(raw: pd.DataFrame, field: str) -> pd.Series:
    """Python ``date`` objects (what the Date columns store); missing → NaT."""
    if field not in raw.columns:
        return pd.Series([pd.NaT] * len(raw), index=raw.index, dtype="object")
    stamps = pd.to_datetime(raw[field], errors="coerce")
    return pd.Series(
        [ts.date() if pd.notna(ts) else pd.NaT for ts in stamps], index=raw.index, dtype="object"
    )


def _numbers(raw: pd.DataFrame, field: str) -> pd.Series:
    """Numbers or numeric strings → float; blanks and nulls → NaN.

    A value that is neither is logged and becomes NaN rather than failing a whole sync: one odd cell
    should not cost every other stock its data.
    """
    if field not in raw.columns:
        return pd.Series(float("nan"), index=raw.index, dtype="float64")
    text = raw[field].astype("string").str.strip()
    blank = text.isna() | text.isin(_BLANKS)
    parsed = pd.to_numeric(text.where(~blank), errors="coerce").astype("float64")
    odd = parsed.isna() & ~blank
    if odd.any():
        log.warning("jquants_unparseable_numbers", field=field, examples=_examples(text[odd]))
    return parsed


def _examples(values: pd.Series, limit: int = 5) -> list[str]:
    return sorted({str(v) for v in values})[:limit]
