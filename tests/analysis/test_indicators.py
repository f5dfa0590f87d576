"""Indicators equal TA-Lib's on the same prices; crosses, short histories and bad input."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
import talib

from kabu_trade.analysis.catalog import CROSS_LOOKBACK_DAYS, TECHNICAL_METRICS
from kabu_trade.analysis.indicators import SERIES_COLUMNS, indicator_series, technical_metrics
from tests.analysis.conftest import DemoMarket


def make_bars(close: list[float] | np.ndarray, start: date = date(2024, 1, 4)) -> pd.DataFrame:
    close = np.asarray(close, dtype=float)
    return pd.DataFrame(
        {
            "date": [start + timedelta(days=i) for i in range(len(close))],
            "open": close,
            "high": close + 1.0,
            "low": close - 1.0,
            "close": close,
            "volume": np.full(len(close), 1000.0),
        }
    )


def test_every_indicator_equals_talib_on_a_split_stock(demo_market: DemoMarket) -> None:
    code = demo_market.split_codes[0]
    bars = demo_market.adjusted(code)
    series = indicator_series(bars)
    o, h, lo, c, v = (bars[k].to_numpy(dtype=float) for k in ("open", "high", "low", "close", "volume"))
    tv = bars["turnover"].to_numpy(dtype=float)
    del o
    expected: dict[str, np.ndarray] = {
        "sma_5": talib.SMA(c, 5),
        "sma_25": talib.SMA(c, 25),
        "sma_75": talib.SMA(c, 75),
        "sma_200": talib.SMA(c, 200),
        "ema_12": talib.EMA(c, 12),
        "ema_26": talib.EMA(c, 26),
        "rsi_14": talib.RSI(c, 14),
        "atr_14": talib.ATR(h, lo, c, 14),
        "adx_14": talib.ADX(h, lo, c, 14),
        "plus_di_14": talib.PLUS_DI(h, lo, c, 14),
        "minus_di_14": talib.MINUS_DI(h, lo, c, 14),
        "high_52w": talib.MAX(h, 250),
        "low_52w": talib.MIN(lo, 250),
        "change_pct": talib.ROC(c, 1),
        "return_20d_pct": talib.ROC(c, 20),
        "return_60d_pct": talib.ROC(c, 60),
        "return_120d_pct": talib.ROC(c, 120),
        "turnover_avg_20": talib.SMA(tv, 20),
        "volume_ratio_20": v / talib.SMA(v, 20),
        "close": c,
        "volume": v,
    }
    expected["macd"], expected["macd_signal"], expected["macd_hist"] = talib.MACD(c, 12, 26, 9)
    upper, middle, lower = talib.BBANDS(c, timeperiod=20, nbdevup=2.0, nbdevdn=2.0, matype=0)
    expected |= {"bb_upper": upper, "bb_middle": middle, "bb_lower": lower}
    expected["bb_percent_b"] = (c - lower) / (upper - lower)
    expected["bb_width_pct"] = (upper - lower) / middle * 100
    expected["stoch_k"], expected["stoch_d"] = talib.STOCH(
        h, lo, c, fastk_period=14, slowk_period=3, slowk_matype=0, slowd_period=3, slowd_matype=0
    )
    expected["atr_pct"] = expected["atr_14"] / c * 100
    for n in (25, 75, 200):
        expected[f"dist_sma_{n}_pct"] = (c / expected[f"sma_{n}"] - 1) * 100
    expected["from_52w_high_pct"] = (c / expected["high_52w"] - 1) * 100
    expected["from_52w_low_pct"] = (c / expected["low_52w"] - 1) * 100
    log_returns = pd.Series(np.log(c)).diff()
    expected["volatility_20d_pct"] = (log_returns.rolling(20).std() * np.sqrt(250) * 100).to_numpy()

    assert sorted(expected) == sorted(SERIES_COLUMNS)
    assert len(series) == len(bars) and series["date"].tolist() == bars["date"].tolist()
    for name, values in expected.items():
        np.testing.assert_allclose(series[name].to_numpy(), values, rtol=1e-9, err_msg=name)
    # Enough history for every indicator on the last bar of two demo years.
    assert series.iloc[-1][SERIES_COLUMNS].notna().all()


def test_latest_metrics_are_the_last_row_of_the_series(demo_market: DemoMarket) -> None:
    bars = demo_market.adjusted(demo_market.split_codes[-1])
    last = indicator_series(bars).iloc[-1]
    metrics = technical_metrics(bars)
    assert list(metrics) == TECHNICAL_METRICS
    for name in SERIES_COLUMNS:
        assert metrics[name] == pytest.approx(float(last[name]), rel=1e-12), name
        assert type(metrics[name]) is float


def test_days_since_crosses_on_a_hand_built_series() -> None:
    # 40 bars at 100, 10 at 110, 10 at 90: close and sma_5 cross above sma_25 on bar 40 (the bar
    # before, every line is exactly 100: "from ≤ to >"); close crosses below on bar 50, sma_5 on 51.
    close = [100.0] * 40 + [110.0] * 10 + [90.0] * 10
    metrics = technical_metrics(make_bars(close))
    last = len(close) - 1
    assert metrics["cross_above__close__sma_25"] == last - 40
    assert metrics["cross_above__sma_5__sma_25"] == last - 40
    assert metrics["cross_below__close__sma_25"] == last - 50
    assert metrics["cross_below__sma_5__sma_25"] == last - 51
    # sma_75 and sma_200 do not exist yet: no cross, and no fake one.
    assert metrics["cross_above__sma_25__sma_75"] is None
    assert metrics["cross_above__close__sma_75"] is None


def test_a_cross_on_the_last_bar_is_zero_days_and_an_old_one_is_none() -> None:
    today = technical_metrics(make_bars([100.0] * 30 + [120.0]))
    assert today["cross_above__close__sma_25"] == 0
    # Crossed 79 bars ago, then close and sma_25 became equal: nothing within the lookback.
    old = technical_metrics(make_bars([100.0] * 30 + [110.0] * 80))
    assert CROSS_LOOKBACK_DAYS < 79
    assert old["cross_above__close__sma_25"] is None
    assert old["cross_below__close__sma_25"] is None


def test_too_little_history_gives_none_never_nan(demo_market: DemoMarket) -> None:
    bars = demo_market.adjusted(demo_market.split_codes[0]).tail(150)
    metrics = technical_metrics(bars)
    for name in ("sma_200", "dist_sma_200_pct", "high_52w", "low_52w", "from_52w_high_pct"):
        assert metrics[name] is None, name
    assert metrics["cross_above__sma_75__sma_200"] is None
    assert metrics["sma_75"] is not None and metrics["return_120d_pct"] is not None
    assert all(v is None or np.isfinite(v) for v in metrics.values())

    one = technical_metrics(make_bars([500.0]))
    assert one["close"] == 500.0 and one["change_pct"] is None and one["sma_5"] is None
    empty = technical_metrics(make_bars([]))
    assert set(empty.values()) == {None}


def test_bars_without_prices_are_skipped() -> None:
    close = 100.0 + np.sin(np.arange(80) / 5.0) * 10
    bars = make_bars(close)
    gappy = bars.copy()
    gappy.loc[40, ["open", "high", "low", "close"]] = np.nan  # a day without trades
    series = indicator_series(gappy)
    assert len(series) == 79 and 40 not in series.index
    assert technical_metrics(gappy) == technical_metrics(bars.drop(index=40))


@pytest.mark.parametrize(
    ("bars", "message"),
    [
        ([1, 2, 3], "bars must be a pandas DataFrame"),
        (make_bars([1.0, 2.0]).drop(columns="high"), "bars is missing columns \\['high'\\]"),
        (make_bars([1.0, 2.0]).iloc[::-1], "bars.date must be strictly ascending"),
        (make_bars([1.0, 2.0]).assign(close=["a", "b"]), "bars.close must be numeric"),
        (make_bars([1.0, 2.0]).assign(date=["2024-01-04", None]), "bars.date has missing dates"),
    ],
)
def test_bad_bars_are_refused_by_name(bars: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        technical_metrics(bars)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        indicator_series(bars)  # type: ignore[arg-type]
