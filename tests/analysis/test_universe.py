"""The whole universe at once gives exactly what each stock gives alone."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from kabu_trade.analysis.catalog import FUNDAMENTAL_METRICS, METRICS, TECHNICAL_METRICS
from kabu_trade.analysis.fundamentals import fundamental_metrics
from kabu_trade.analysis.indicators import technical_metrics
from kabu_trade.analysis.universe import compute_universe_metrics
from kabu_trade.market.adjustments import adjust_bars
from tests.analysis.conftest import DemoMarket


def single_stock(market: DemoMarket, code: str, as_of: date | None = None) -> dict[str, float | None]:
    raw = market.raw(code)
    if as_of is not None:
        raw = raw[raw["date"] <= as_of]
    events = [(d, f) for d, f in market.events(code) if d <= raw["date"].iloc[-1]]
    bars = adjust_bars(raw, events)
    return {
        **technical_metrics(bars),
        **fundamental_metrics(
            market.disclosures_of(code), float(raw["close"].iloc[-1]), raw["date"].iloc[-1], events
        ),
    }


def assert_same(row: pd.Series, expected: dict[str, float | None]) -> None:
    """A frame row (NaN = missing) holds the values of a metrics dict (None = missing)."""
    for name, want in expected.items():
        value = row[name]
        if want is None:
            assert np.isnan(value), (row.name, name, value)
        else:
            assert value == pytest.approx(want, rel=1e-12), (row.name, name)


def test_universe_metrics_equal_single_stock_metrics(demo_market: DemoMarket) -> None:
    frame = compute_universe_metrics(demo_market.bars, demo_market.disclosures)
    assert list(frame.columns) == ["code", "as_of", "bars", *METRICS]
    assert frame["code"].tolist() == sorted(demo_market.bars["code"].unique())
    assert (frame["as_of"] == demo_market.bars["date"].max()).all()
    rows = frame.set_index("code")
    for code in [*demo_market.split_codes, *rows.index[:3]]:
        assert_same(rows.loc[code], single_stock(demo_market, code))
        assert rows.loc[code, "bars"] == len(demo_market.raw(code))


def test_an_earlier_as_of_date_sees_neither_later_bars_nor_later_splits(demo_market: DemoMarket) -> None:
    code = demo_market.split_codes[0]
    split_day = demo_market.events(code)[0][0]
    as_of = split_day - timedelta(days=7)
    frame = compute_universe_metrics(demo_market.bars, demo_market.disclosures, as_of).set_index("code")
    assert (frame["as_of"] <= as_of).all()
    row: pd.Series = frame.loc[code]
    raw = demo_market.raw(code)
    assert row["close"] == raw[raw["date"] <= as_of]["close"].iloc[-1]  # not split-adjusted yet
    assert_same(row, single_stock(demo_market, code, as_of))


def test_the_input_order_does_not_matter(demo_market: DemoMarket) -> None:
    shuffled = demo_market.bars.sample(frac=1.0, random_state=1)
    a = compute_universe_metrics(demo_market.bars, demo_market.disclosures)
    b = compute_universe_metrics(shuffled, demo_market.disclosures.iloc[::-1])
    pd.testing.assert_frame_equal(a, b)


def test_missing_data_is_nan_in_the_frame(demo_market: DemoMarket) -> None:
    codes = sorted(demo_market.bars["code"].unique())
    young = demo_market.bars[demo_market.bars["code"] == codes[0]].tail(30)
    old = demo_market.bars[demo_market.bars["code"] == codes[1]]
    frame = compute_universe_metrics(pd.concat([young, old]), demo_market.disclosures_of(codes[1]))
    first, second = frame.iloc[0], frame.iloc[1]
    assert first["bars"] == 30 and np.isnan(first["sma_75"]) and not np.isnan(first["sma_25"])
    assert all(np.isnan(first[name]) for name in FUNDAMENTAL_METRICS)  # no disclosures given
    assert not np.isnan(second[TECHNICAL_METRICS].astype(float)).all()
    assert not np.isnan(second["per"]) or second["eps"] <= 0


def test_old_splits_adjust_old_per_share_figures(demo_market: DemoMarket) -> None:
    code = demo_market.split_codes[0]
    split_day = demo_market.events(code)[0][0]
    bars = demo_market.raw(code)
    window = bars[bars["date"] > split_day + timedelta(days=30)]  # the split is older than the window
    disclosures = demo_market.disclosures_of(code)
    splits = bars.loc[bars["adj_factor"] != 1.0, ["code", "date", "adj_factor"]]
    with_splits = compute_universe_metrics(window, disclosures, splits=splits).iloc[0]
    alone = fundamental_metrics(
        disclosures, float(window["close"].iloc[-1]), window["date"].iloc[-1], demo_market.events(code)
    )
    assert_same(with_splits, alone)
    # Without them the year-old EPS stays on the old share basis, and growth is off by the ratio.
    without = compute_universe_metrics(window, disclosures).iloc[0]
    assert without["eps_growth_pct"] != pytest.approx(with_splits["eps_growth_pct"])


def test_no_bars_give_an_empty_frame(demo_market: DemoMarket) -> None:
    frame = compute_universe_metrics(demo_market.bars.iloc[:0], demo_market.disclosures)
    assert frame.empty and list(frame.columns) == ["code", "as_of", "bars", *METRICS]
    early = compute_universe_metrics(demo_market.bars, demo_market.disclosures, date(2000, 1, 1))
    assert early.empty


def test_bad_arguments_are_refused_by_name(demo_market: DemoMarket) -> None:
    bars, disclosures = demo_market.bars, demo_market.disclosures
    with pytest.raises(ValueError, match="bars is missing columns \\['code'\\]"):
        compute_universe_metrics(bars.drop(columns="code"), disclosures)
    with pytest.raises(ValueError, match="disclosures is missing"):
        compute_universe_metrics(bars, disclosures.drop(columns="period_end"))
    with pytest.raises(ValueError, match="bars has duplicate \\(code, date\\) rows"):
        compute_universe_metrics(pd.concat([bars, bars.tail(1)]), disclosures)
    with pytest.raises(ValueError, match="as_of"):
        compute_universe_metrics(bars, disclosures, "2024-01-01")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="splits"):
        compute_universe_metrics(bars, disclosures, splits=bars[["code", "date"]])
