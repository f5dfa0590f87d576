from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from kabu_trade.analysis.fundamentals import fundamental_ratios
from kabu_trade.market.adjustments import adjust_bars, later_split_multiplier


def test_multiplier_is_the_product_of_later_factors() -> None:
    days = [date(2024, 1, d) for d in (4, 5, 9, 10, 11)]
    events = [(date(2024, 1, 9), 0.5), (date(2024, 1, 11), 1 / 3)]
    multiplier = later_split_multiplier(days, events)
    np.testing.assert_allclose(multiplier, [0.5 / 3, 0.5 / 3, 1 / 3, 1 / 3, 1.0])
    assert later_split_multiplier(days, []).tolist() == [1.0] * 5


def test_adjusted_bars_remove_the_split_jump() -> None:
    bars = pd.DataFrame(
        {
            "date": [date(2024, 1, 4), date(2024, 1, 5), date(2024, 1, 9)],
            "open": [2000.0, 2010.0, 1008.0],
            "high": [2020.0, 2030.0, 1020.0],
            "low": [1990.0, 2000.0, 1000.0],
            "close": [2010.0, 2020.0, 1015.0],
            "volume": [1000.0, 1200.0, 2600.0],
        }
    )
    adjusted = adjust_bars(bars, [(date(2024, 1, 9), 0.5)])
    assert adjusted["close"].tolist() == [1005.0, 1010.0, 1015.0]
    assert adjusted["volume"].tolist() == [2000.0, 2400.0, 2600.0]
    assert bars["close"].iloc[0] == 2010.0  # the input is not modified


def test_fundamental_ratios_use_the_latest_full_year_figures() -> None:
    disclosures = pd.DataFrame(
        {
            "period_type": ["FY", "1Q"],
            "eps": [100.0, 30.0],
            "forecast_eps": [120.0, 125.0],
            "bps": [1000.0, None],
            "dps": [40.0, None],
            "forecast_dps": [44.0, 50.0],
            "net_income": [1e9, 3e8],
            "equity": [1e10, 1.05e10],
            "total_assets": [2.5e10, 2.6e10],
        }
    )
    ratios = fundamental_ratios(disclosures, pd.Series([1500.0, 2000.0]))
    first, second = ratios.iloc[0], ratios.iloc[1]
    assert first["per"] == 15.0 and first["pbr"] == 1.5 and first["roe"] == 10.0
    assert first["dividend_yield"] == pytest.approx(44 / 1500 * 100, rel=1e-3)
    assert first["equity_ratio"] == 40.0 and first["payout_ratio"] == 40.0
    # A quarter keeps the full-year EPS (its own EPS is only three months of profit).
    assert second["per"] == 20.0 and second["forward_per"] == 16.0 and second["pbr"] == 2.0
    assert second["dividend_yield"] == pytest.approx(2.5)


def test_a_loss_has_no_per() -> None:
    disclosures = pd.DataFrame(
        {
            "period_type": ["FY"],
            "eps": [-12.0],
            "forecast_eps": [None],
            "bps": [500.0],
            "dps": [0.0],
            "forecast_dps": [None],
            "net_income": [-1e8],
            "equity": [5e9],
            "total_assets": [1e10],
        }
    )
    ratios = fundamental_ratios(disclosures, pd.Series([800.0]))
    assert pd.isna(ratios["per"].iloc[0]) and pd.isna(ratios["forward_per"].iloc[0])
    assert ratios["roe"].iloc[0] == -2.0
