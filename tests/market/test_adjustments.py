from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

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
