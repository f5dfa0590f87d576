"""The market on its latest session: advancers and decliners, the average move, sector moves.

Computed over the stocks that traded on the latest session in the data, each against its own
previous close (on the latest bar's share basis, as the stock page computes it). A stock without
a bar on that session (suspended, delisted) is left out rather than counted as unchanged.

The benchmark: no source we store bars from gives an index today (J-Quants publishes TOPIX at
``/indices/bars/daily/topix``, but the sync does not fetch it), so the benchmark is the
equal-weight average change of the universe, named as such (``equal_weight_universe``) — never
presented as TOPIX.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from kabu_trade.market import repository

EQUAL_WEIGHT_UNIVERSE = "equal_weight_universe"


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
        "benchmark": {"kind": EQUAL_WEIGHT_UNIVERSE, "change_pct": average},
        "demo": demo,
    }


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
