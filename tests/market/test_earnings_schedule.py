from __future__ import annotations

from datetime import date

import pandas as pd

from kabu_trade.market.earnings_schedule import next_results_date
from kabu_trade.market.providers.base import FUNDAMENTAL_COLUMNS


def _rows(*rows: tuple[date, str, date, float | None, float | None]) -> pd.DataFrame:
    """(disclosed, period type, period end, sales, forecast EPS) per disclosure."""
    frame = pd.DataFrame(columns=FUNDAMENTAL_COLUMNS, index=range(len(rows)), dtype=object)
    frame["code"] = "1301"
    for i, (disclosed, ptype, end, sales, forecast) in enumerate(rows):
        frame.loc[i, ["disclosed_date", "period_type", "period_end", "sales", "forecast_eps"]] = [
            disclosed,
            ptype,
            end,
            sales,
            forecast,
        ]
    return frame


HISTORY = _rows(
    (date(2023, 11, 8), "2Q", date(2023, 9, 30), 100.0, None),
    (date(2024, 2, 7), "3Q", date(2023, 12, 31), 150.0, None),
    (date(2024, 5, 10), "FY", date(2024, 3, 31), 200.0, None),
    (date(2024, 8, 6), "1Q", date(2024, 6, 30), 50.0, None),
)


def test_a_year_after_the_same_period_or_91_days_after_the_latest() -> None:
    # The next period (2Q to 2024-09-30) was disclosed on 2023-11-08 a year earlier.
    assert next_results_date(HISTORY, date(2024, 8, 20)) == date(2024, 11, 7)
    # Without the prior year, 91 days after the latest results.
    assert next_results_date(HISTORY.iloc[2:], date(2024, 8, 20)) == date(2024, 11, 5)


def test_a_forecast_revision_does_not_move_the_date_and_later_rows_are_unknown() -> None:
    revised = pd.concat(
        [HISTORY, _rows((date(2024, 9, 1), "FY", date(2025, 3, 31), None, 120.0))], ignore_index=True
    )
    assert next_results_date(revised, date(2024, 9, 2)) == date(2024, 11, 7)
    assert next_results_date(HISTORY, date(2024, 5, 20)) == date(2024, 8, 9)  # 1Q not yet known


def test_an_estimate_overdue_by_more_than_ten_days_has_failed() -> None:
    assert next_results_date(HISTORY, date(2024, 11, 17)) == date(2024, 11, 7)
    assert next_results_date(HISTORY, date(2024, 11, 18)) is None
    assert next_results_date(HISTORY.iloc[:0], date(2024, 11, 1)) is None
