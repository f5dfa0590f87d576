"""When a company's next results are expected: an estimate from its yearly rhythm, no database.

Companies publish on a steady yearly rhythm, so the next period's results are expected 365 days
after the same period's first disclosure a year earlier; without that history, 91 days after the
latest period was first disclosed. Only results count as a period (a forecast revision is filed
under the fiscal year it forecasts, and its period would push the estimate to the year end).

``analysis.fundamentals`` derives its ``days_to_next_disclosure`` metric from this function (for
the whole universe at once), and the stock detail its next earnings date (for one stock), so the
two always agree.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kabu_trade.market.providers.base import FUNDAMENTAL_COLUMNS

NEXT_DISCLOSURE_FALLBACK_DAYS = 91
OVERDUE_TOLERANCE_DAYS = 10
# Figures only results report; a forecast revision carries forecasts and nothing else.
ACTUALS = [c for c in FUNDAMENTAL_COLUMNS[4:] if c not in ("forecast_eps", "forecast_dps")]
_NAT = np.datetime64("NaT", "D")


def expected_next_disclosure(
    code_id: NDArray[np.intp],
    disclosed: NDArray[np.datetime64],
    period_month: NDArray[np.int64],
    n_codes: int,
) -> NDArray[np.datetime64]:
    """Per code (0 … ``n_codes`` − 1) the expected date of its next results, NaT without any.

    Rows are results only, sorted by code then disclosure date: ``code_id``, ``disclosed`` (days)
    and ``period_month`` (the period end as months since 1970) aligned.
    """
    out = np.full(n_codes, _NAT, dtype="datetime64[D]")
    if len(code_id) == 0:
        return out
    disclosed = disclosed.astype("datetime64[D]")
    position = np.arange(len(code_id))
    # Per code the latest period, and within it the first disclosure (a correction comes later).
    order = np.lexsort((-position, period_month, code_id))
    ids = code_id[order]
    ends = order[np.r_[ids[1:] != ids[:-1], True]]
    latest = np.full(n_codes, -1, dtype=np.intp)
    latest[code_id[ends]] = ends
    code_period = code_id.astype(np.int64) * (1 << 20) + period_month
    # The period after the latest one ends 3 months later; a year earlier that is month − 9.
    wanted = np.where(latest >= 0, code_period[np.maximum(latest, 0)] - 9, -1)
    first = ~pd.Index(code_period).duplicated(keep="first")
    found = pd.Index(code_period[first]).get_indexer(pd.Index(wanted))
    prior = np.where(found >= 0, np.flatnonzero(first)[np.maximum(found, 0)], -1)
    a_year_on = disclosed[np.maximum(prior, 0)] + np.timedelta64(365, "D")
    fallback = disclosed[np.maximum(latest, 0)] + np.timedelta64(NEXT_DISCLOSURE_FALLBACK_DAYS, "D")
    out = np.where(prior >= 0, a_year_on, np.where(latest >= 0, fallback, _NAT))
    return out.astype("datetime64[D]")


def next_results_date(disclosures: pd.DataFrame, as_of: date) -> date | None:
    """One stock's expected next results date as known on ``as_of`` (its disclosures:
    FUNDAMENTAL_COLUMNS, any order); None without results or once overdue by more than
    OVERDUE_TOLERANCE_DAYS (the estimate has failed)."""
    if disclosures.empty:
        return None
    known = disclosures[pd.to_datetime(disclosures["disclosed_date"]).dt.date <= as_of]
    results = known[known[ACTUALS].apply(pd.to_numeric, errors="coerce").notna().any(axis=1)]
    results = results.sort_values("disclosed_date", kind="stable")
    if results.empty:
        return None
    period = pd.to_datetime(results["period_end"]).to_numpy().astype("datetime64[M]").astype(np.int64)
    expected = expected_next_disclosure(
        np.zeros(len(results), dtype=np.intp),
        pd.to_datetime(results["disclosed_date"]).to_numpy().astype("datetime64[D]"),
        period,
        1,
    )[0]
    if np.isnat(expected):
        return None
    day = pd.Timestamp(expected).date()
    return day if (day - as_of).days >= -OVERDUE_TOLERANCE_DAYS else None
