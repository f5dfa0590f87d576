"""Fundamental metrics are point in time, like for like, and on today's share basis."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from kabu_trade.analysis.catalog import FUNDAMENTAL_METRICS
from kabu_trade.analysis.fundamentals import fundamental_metrics, fundamental_ratios
from kabu_trade.market.adjustments import later_split_multiplier
from kabu_trade.market.providers.base import FUNDAMENTAL_COLUMNS
from tests.analysis.conftest import DemoMarket

NAN = float("nan")
_FIELDS = FUNDAMENTAL_COLUMNS[1:]


def company(*rows: tuple[object, ...]) -> pd.DataFrame:
    """A March-year company: (disclosed, type, period end, sales, op, ni, eps, f_eps, bps, dps, f_dps,
    equity, assets, shares)."""
    return pd.DataFrame([dict(zip(_FIELDS, row, strict=True)) for row in rows])


A = (date(2023, 5, 10), "FY", date(2023, 3, 31), 1000, 100, 70, 70, 80, 700, 20, 24, 7000, 14000, 100)
B = (date(2023, 8, 10), "1Q", date(2023, 6, 30), 260, 26, 18, 18, 80, NAN, NAN, 24, 7100, 14200, 100)
C = (date(2023, 11, 10), "2Q", date(2023, 9, 30), 520, 55, 38, 38, 80, 720, 12, 24, 7200, 14300, 100)
D = (date(2024, 2, 9), "3Q", date(2023, 12, 31), 800, 85, 60, 60, 82, NAN, NAN, 25, 7400, 14600, 100)
E = (date(2024, 5, 10), "FY", date(2024, 3, 31), 1100, 121, 88, 88, 95, 780, 26, 30, 7800, 15000, 100)
F = (date(2024, 8, 9), "1Q", date(2024, 6, 30), 300, 33, 22, 22, 95, NAN, NAN, 30, 7900, 15200, 100)
HISTORY = company(A, B, C, D, E, F)


def test_the_latest_full_year_and_forecasts() -> None:
    m = fundamental_metrics(HISTORY, 1500.0, date(2024, 6, 1))
    assert list(m) == FUNDAMENTAL_METRICS
    expected = {
        "eps": 88,
        "per": 1500 / 88,
        "forecast_eps": 95,
        "forward_per": 1500 / 95,
        "bps": 780,
        "pbr": 1500 / 780,
        "roe": 88 / 7800 * 100,
        "forecast_dps": 30,
        "dividend_yield": 30 / 1500 * 100,
        "payout_ratio": 26 / 88 * 100,
        "equity_ratio": 7800 / 15000 * 100,
        "operating_margin": 121 / 1100 * 100,
        "sales_growth_pct": (1100 / 1000 - 1) * 100,
        "eps_growth_pct": (88 / 70 - 1) * 100,
        "market_cap": 1500 * 100,
        "days_since_disclosure": 22,
        # The next period (1Q to June) was disclosed 2023-08-10 a year earlier: 2024-08-09.
        "days_to_next_disclosure": 69,
    }
    assert m == pytest.approx(expected)
    assert all(type(v) is (int if k.startswith("days_") else float) for k, v in m.items())


def test_only_disclosures_published_by_the_as_of_date_count() -> None:
    before = fundamental_metrics(HISTORY, 1500.0, date(2024, 8, 8))
    on_the_day = fundamental_metrics(HISTORY, 1500.0, date(2024, 8, 9))
    assert before["sales_growth_pct"] == pytest.approx(10.0)  # still the full year
    # The first quarter compares with the first quarter a year earlier (cumulative figures).
    assert on_the_day["sales_growth_pct"] == pytest.approx((300 / 260 - 1) * 100)
    assert on_the_day["eps_growth_pct"] == pytest.approx((22 / 18 - 1) * 100)
    assert on_the_day["operating_margin"] == pytest.approx(11.0)
    assert on_the_day["eps"] == 88 and on_the_day["bps"] == 780  # a quarter without BPS keeps the last
    assert on_the_day["equity_ratio"] == pytest.approx(7900 / 15200 * 100)
    assert on_the_day["days_since_disclosure"] == 0

    later = (date(2024, 9, 1), "FY", date(2024, 3, 31), 9e9, 9e9, 9e9, 1, 1, 1, 1, 1, 1, 1, 1)
    with_future = company(A, B, C, D, E, F, later)
    as_of = date(2024, 8, 20)
    assert fundamental_metrics(with_future, 1500.0, as_of) == fundamental_metrics(HISTORY, 1500.0, as_of)
    assert fundamental_metrics(HISTORY, 1500.0, date(2023, 1, 1)) == dict.fromkeys(FUNDAMENTAL_METRICS)


def test_a_loss_has_no_per_and_a_negative_base_no_growth() -> None:
    loss = (date(2024, 5, 10), "FY", date(2024, 3, 31), 900, -20, -10, -10, 5, 690, 0, 0, 6900, 14000, 100)
    m = fundamental_metrics(company(A, B, C, D, loss), 700.0, date(2024, 6, 1))
    assert m["eps"] == -10 and m["per"] is None and m["payout_ratio"] is None
    assert m["forward_per"] == pytest.approx(140.0)
    assert m["eps_growth_pct"] == pytest.approx((-10 / 70 - 1) * 100)
    assert m["roe"] == pytest.approx(-10 / 6900 * 100)
    assert m["dividend_yield"] == 0.0
    recovery = (
        date(2025, 5, 9),
        "FY",
        date(2025, 3, 31),
        1000,
        50,
        30,
        30,
        40,
        700,
        10,
        12,
        7000,
        14000,
        100,
    )
    assert fundamental_metrics(company(loss, recovery), 700.0, date(2025, 6, 1))["eps_growth_pct"] is None


def test_per_share_figures_are_brought_to_the_as_of_share_basis() -> None:
    split = [(date(2024, 1, 15), 0.5)]  # 1:2; later disclosures report on the new basis
    post = [
        (*D[:6], 30, 41, NAN, NAN, 12.5, 7400, 14600, 200),
        (*E[:6], 44, 47.5, 390, 13, 15, 7800, 15000, 200),
    ]
    history = company(A, B, C, *post)
    m = fundamental_metrics(history, 750.0, date(2024, 6, 1), split)
    assert m["eps"] == 44 and m["per"] == pytest.approx(750 / 44)
    assert m["eps_growth_pct"] == pytest.approx((44 / (70 * 0.5) - 1) * 100)
    assert m["market_cap"] == 750 * 200

    # After the split but before the next full year: last year's EPS and BPS are halved, the
    # share count doubled.
    m = fundamental_metrics(history, 750.0, date(2024, 3, 1), split)
    assert m["eps"] == 35 and m["bps"] == 360 and m["market_cap"] == 750 * 200
    assert m["payout_ratio"] == pytest.approx(20 / 70 * 100)

    # A split after the as-of date is not known yet.
    m = fundamental_metrics(history, 1500.0, date(2023, 12, 1), split)
    assert m["eps"] == 70 and m["bps"] == 720 and m["market_cap"] == 1500 * 100


def test_the_next_disclosure_is_estimated_from_the_yearly_rhythm() -> None:
    assert fundamental_metrics(HISTORY, None, date(2024, 8, 20))["days_to_next_disclosure"] == 81
    # Without last year's second quarter: 91 days after the latest period was disclosed.
    assert fundamental_metrics(company(E, F), None, date(2024, 8, 20))["days_to_next_disclosure"] == 80
    assert fundamental_metrics(HISTORY, None, date(2024, 11, 15))["days_to_next_disclosure"] == -6
    assert fundamental_metrics(HISTORY, None, date(2024, 11, 25))["days_to_next_disclosure"] is None


def test_without_a_price_only_the_price_free_metrics_exist() -> None:
    m = fundamental_metrics(HISTORY, None, date(2024, 6, 1))
    for name in ("per", "forward_per", "pbr", "dividend_yield", "market_cap"):
        assert m[name] is None
    assert m["eps"] == 88 and m["roe"] is not None
    empty = fundamental_metrics(HISTORY.iloc[:0], 1000.0, date(2024, 6, 1))
    assert empty == dict.fromkeys(FUNDAMENTAL_METRICS)


def test_the_same_ratios_as_the_stock_page(demo_market: DemoMarket) -> None:
    for code in demo_market.split_codes:
        disclosures = demo_market.disclosures_of(code)
        raw = demo_market.raw(code)
        close, as_of = float(raw["close"].iloc[-1]), raw["date"].iloc[-1]
        events = demo_market.events(code)
        today = disclosures.copy()
        multiplier = later_split_multiplier(today["disclosed_date"], events)
        for column in ("eps", "forecast_eps", "bps", "dps", "forecast_dps"):
            today[column] = today[column] * multiplier
        ratios = fundamental_ratios(today, pd.Series([close] * len(today))).iloc[-1]
        m = fundamental_metrics(disclosures, close, as_of, events)
        for name in ("per", "forward_per", "pbr", "roe", "dividend_yield", "equity_ratio", "payout_ratio"):
            assert m[name] == pytest.approx(float(ratios[name]), abs=1e-4), (code, name)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"disclosures": "x"}, "disclosures"),
        ({"disclosures": HISTORY.drop(columns="eps")}, "disclosures"),
        ({"disclosures": HISTORY.assign(disclosed_date="soon")}, "disclosures.disclosed_date"),
        ({"close": -1.0}, "close"),
        ({"close": float("nan")}, "close"),
        ({"close": "1500"}, "close"),
        ({"as_of": "2024-06-01"}, "as_of"),
        ({"split_events": [(date(2024, 1, 15), 0.0)]}, "split_events"),
        ({"split_events": [("2024-01-15", 0.5)]}, "split_events"),
    ],
)
def test_bad_arguments_are_refused_by_name(kwargs: dict[str, object], name: str) -> None:
    args: dict[str, object] = {"disclosures": HISTORY, "close": 1500.0, "as_of": date(2024, 6, 1)}
    with pytest.raises(ValueError, match=name):
        fundamental_metrics(**(args | kwargs))  # type: ignore[arg-type]


# --- fundamental_ratios (moved here from market.adjustments) ---------------------------------------


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
    assert second["per"] == 20.0 and second["forward_per"] == 16.0 and second["pbr"] == 2.0
    assert np.isnan(
        fundamental_ratios(disclosures.assign(eps=[-1.0, 2.0]), pd.Series([1.0, 1.0]))["per"]
    ).all()


# J-Quants forecast revisions (EarnForecastRevision, DividendForecastRevision): a row for the
# fiscal year being forecast, with the revised forecast only: no actuals, no other forecast.
EARN_REVISION = (date(2024, 7, 1), "FY", date(2025, 3, 31), *[NAN] * 4, 110, *[NAN] * 6)
DIVIDEND_REVISION = (date(2024, 7, 2), "FY", date(2025, 3, 31), *[NAN] * 7, 35, *[NAN] * 3)


def test_a_forecast_revision_revises_its_forecast_and_wipes_nothing_else() -> None:
    as_of = date(2024, 7, 5)
    before = fundamental_metrics(company(A, B, C, D, E), 1500.0, as_of)
    earn = fundamental_metrics(company(A, B, C, D, E, EARN_REVISION), 1500.0, as_of)
    both = fundamental_metrics(company(A, B, C, D, E, EARN_REVISION, DIVIDEND_REVISION), 1500.0, as_of)

    assert earn["forecast_eps"] == 110 and earn["forward_per"] == pytest.approx(1500 / 110)
    assert earn["forecast_dps"] == 30  # carried from the FY results: the revision did not touch it
    assert both["forecast_eps"] == 110 and both["forecast_dps"] == 35
    assert both["dividend_yield"] == pytest.approx(35 / 1500 * 100)
    unrevised = {k: v for k, v in before.items() if k not in ("forecast_eps", "forward_per", "forecast_dps")}
    for name, value in unrevised.items():
        if name in ("dividend_yield", "days_since_disclosure"):
            continue
        assert both[name] == value, name
    # The next disclosure is still the first quarter (2024-08-09), not the fiscal year end.
    assert before["days_to_next_disclosure"] == 35
    assert both["days_to_next_disclosure"] == 35
    assert both["days_since_disclosure"] == 3  # a revision is a disclosure all the same
