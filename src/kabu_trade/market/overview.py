"""The market on its latest session: advancers and decliners, the average move, sector moves.

Computed over the stocks that traded on the latest session in the data, each against its own
previous close (on the latest bar's share basis, as the stock page computes it). A stock without
a bar on that session (suspended, delisted) is left out rather than counted as unchanged.

The benchmark: the stored market index (``index_bars``) when it has a bar on the latest session
and one before it — TOPIX from J-Quants, the demo's own fictional index named as such — else the
equal-weight average change of the universe, named as such (``equal_weight_universe``): CSV and
yfinance give no index, and an index a session behind the stocks would compare different days.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from kabu_trade.market import repository
from kabu_trade.market.providers.base import DEMO_INDEX, INDEX_NAMES, TOPIX

EQUAL_WEIGHT_UNIVERSE = "equal_weight_universe"
INDEX = "index"
# The index a benchmark is taken from, first found first: real data never holds the demo's.
BENCHMARK_INDEXES = (TOPIX, DEMO_INDEX)


def market_overview(session: Session) -> dict[str, Any]:
    """The overview's answer (``schemas.MarketOverview``)."""
    # The stock page's change rule, for every stock at once.
    moves = with_changes(repository.last_two_closes_of(session))
    demo = "demo" in repository.data_sources(session)
    if moves.empty:
        return _empty(demo)
    as_of = moves["as_of"].max()
    day = moves[(moves["as_of"] == as_of) & moves["change_pct"].notna()]
    day = day.merge(repository.stock_sectors(session), on="code", how="left")
    average = _mean(day["change_pct"])
    return {
        "as_of": as_of,
        "stocks": len(day),
        "advancers": int((day["change"] > 0).sum()),
        "decliners": int((day["change"] < 0).sum()),
        "unchanged": int((day["change"] == 0).sum()),
        "average_change_pct": average,
        "sectors": sector_moves(day),
        "benchmark": index_benchmark(session, as_of)
        or {"kind": EQUAL_WEIGHT_UNIVERSE, "change_pct": average},
        "demo": demo,
    }


def index_benchmark(session: Session, as_of: date) -> dict[str, Any] | None:
    """The first of ``BENCHMARK_INDEXES`` with a close on ``as_of`` and one before it: its close
    and change (points, percent, rounded as the stocks' are); None when none is stored for it."""
    for code in BENCHMARK_INDEXES:
        closes = repository.last_two_index_closes(session, code)
        if len(closes) < 2 or closes[0][0] != as_of or closes[1][1] == 0:
            continue
        (_, close), (_, previous) = closes
        change = round(close - previous, 4)
        return {
            "kind": INDEX,
            "code": code,
            "name": INDEX_NAMES.get(code, code),
            "close": close,
            "change": change,
            "change_pct": round(change / previous * 100, 4),
        }
    return None


def with_changes(closes: pd.DataFrame) -> pd.DataFrame:
    """``repository.last_two_closes_of`` with ``last_close``, ``change`` (yen) and ``change_pct``,
    rounded as the stock detail rounds them; NaN where there is no previous close."""
    previous = closes["previous_close"].astype(float).where(lambda p: p != 0)
    change = (closes["close"].astype(float) - previous).round(4)
    return pd.DataFrame(
        {
            "code": closes["code"],
            "as_of": closes["date"],
            "last_close": closes["close"].astype(float),
            "change": change,
            "change_pct": (change / previous * 100).round(4),
        }
    )


def sector_moves(day: pd.DataFrame) -> list[dict[str, Any]]:
    """Per sector (a missing sector is one of its own, named ''), the equal-weight average change,
    the count and the advancers and decliners; strongest first, then by name."""
    if day.empty:
        return []
    frame = day.assign(
        sector=day["sector"].fillna(""),
        up=(day["change"] > 0).astype(int),
        down=(day["change"] < 0).astype(int),
    )
    grouped = frame.groupby("sector", sort=False).agg(
        sector_code=("sector_code", "first"),
        count=("code", "size"),
        advancers=("up", "sum"),
        decliners=("down", "sum"),
        average_change_pct=("change_pct", "mean"),
    )
    grouped["average_change_pct"] = grouped["average_change_pct"].round(4)
    grouped = grouped.reset_index().sort_values(["average_change_pct", "sector"], ascending=[False, True])
    return repository.frame_records(grouped)


def _mean(values: pd.Series) -> float | None:
    return round(float(values.mean()), 4) if len(values) else None


def _empty(demo: bool) -> dict[str, Any]:
    return {
        "as_of": None,
        "stocks": 0,
        "advancers": 0,
        "decliners": 0,
        "unchanged": 0,
        "average_change_pct": None,
        "sectors": [],
        "benchmark": {"kind": EQUAL_WEIGHT_UNIVERSE, "change_pct": None},
        "demo": demo,
    }
