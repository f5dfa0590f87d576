"""The statistics on curves and trades small enough to check by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kabu_trade.engine.backtest import PortfolioRules, simulate, summarize
from kabu_trade.engine.backtest.result import TRADE_COLUMNS, SimulationResult
from kabu_trade.engine.backtest.stats import drawdown, drawdown_spells, equity_frame, monthly_returns
from tests.engine.helpers import decisions, market


def _result(
    equity: list[float], dates: np.ndarray | None = None, trades: pd.DataFrame | None = None
) -> SimulationResult:
    values = np.asarray(equity, dtype=float)
    n = len(values)
    if dates is None:
        dates = np.arange(np.datetime64("2024-01-01"), np.datetime64("2024-01-01") + n)
    return SimulationResult(
        dates=dates,
        equity=values,
        cash=values,
        invested=np.zeros(n),
        positions=np.zeros(n, dtype=np.int64),
        exposed=np.zeros(n, dtype=bool),
        traded_value=np.zeros(n),
        costs_paid=np.zeros(n),
        trades=trades if trades is not None else pd.DataFrame(columns=TRADE_COLUMNS),
        open_positions=pd.DataFrame(),
        skipped_entries=0,
        dividends_received=0.0,
        initial_cash=float(values[0]),
    )


def test_drawdown_of_a_hand_made_curve() -> None:
    curve = np.array([100, 120, 90, 95, 130, 104.0])
    assert drawdown(curve) == pytest.approx([0, 0, -0.25, 95 / 120 - 1, 0, -0.2])
    # 120 at session 1, regained at 4: 3 sessions; 130 at 4, still under at the end (5): 1.
    assert drawdown_spells(curve) == [(1, 4), (4, 5)]
    summary = summarize(_result(curve.tolist()))
    assert summary["max_drawdown_pct"] == pytest.approx(-25)
    assert summary["max_drawdown_sessions"] == 3
    assert summary["max_drawdown_days"] == 3
    assert summary["return_pct"] == pytest.approx(4)


def test_a_curve_that_never_falls_has_no_drawdown() -> None:
    summary = summarize(_result([100, 100, 101, 102]))
    assert summary["max_drawdown_pct"] == 0
    assert summary["max_drawdown_sessions"] == 0
    assert summary["calmar"] is None  # undefined, not infinite
    assert drawdown_spells(np.array([100.0, 100, 101])) == []


def test_returns_volatility_sharpe_sortino_and_cagr() -> None:
    # A year and a day of calendar time, +10 % in all: CAGR ≈ 10 % a year.
    dates = np.array(["2023-01-01", "2023-07-01", "2024-01-01"], dtype="datetime64[D]")
    summary = summarize(_result([100, 99, 110], dates=dates), periods_per_year=2)
    r = np.array([99 / 100 - 1, 110 / 99 - 1])
    years = 365 / 365.25
    assert summary["cagr_pct"] == pytest.approx(((1.1) ** (1 / years) - 1) * 100)
    assert summary["volatility_pct"] == pytest.approx(r.std(ddof=1) * math.sqrt(2) * 100)
    assert summary["sharpe"] == pytest.approx(r.mean() / r.std(ddof=1) * math.sqrt(2))
    downside = math.sqrt((0.01**2 + 0) / 2)
    assert summary["sortino"] == pytest.approx(r.mean() * 2 / (downside * math.sqrt(2)))
    assert summary["calmar"] == pytest.approx(summary["cagr_pct"] / 1.0)  # the 1 % dip


def test_trade_statistics() -> None:
    trades = pd.DataFrame(
        {
            "pnl": [300.0, -100.0, 200.0, -100.0],
            "return_pct": [3.0, -1.0, 2.0, -1.0],
            "holding_sessions": [2, 4, 6, 8],
        }
    ).reindex(columns=TRADE_COLUMNS)
    summary = summarize(_result([100, 101, 102], trades=trades))
    assert summary["trades"] == 4
    assert summary["win_rate_pct"] == 50
    assert summary["profit_factor"] == pytest.approx(500 / 200)
    assert summary["expectancy_yen"] == pytest.approx(75)
    assert summary["expectancy_pct"] == pytest.approx(0.75)
    assert summary["avg_holding_sessions"] == 5


def test_beta_and_alpha_against_a_benchmark() -> None:
    # The strategy moves exactly twice the benchmark's returns plus 0.1 % a session.
    b = np.array([0.01, -0.02, 0.015, 0.005, -0.01])
    benchmark = 1_000 * np.cumprod(np.r_[1, 1 + b])
    equity = 100 * np.cumprod(np.r_[1, 1 + 2 * b + 0.001])
    summary = summarize(_result(equity.tolist()), benchmark=benchmark, periods_per_year=245)
    assert summary["beta"] == pytest.approx(2)
    assert summary["alpha_pct"] == pytest.approx(0.001 * 245 * 100)
    assert summarize(_result(equity.tolist()))["beta"] is None


def test_monthly_returns_and_the_equity_frame() -> None:
    dates = np.array(["2024-01-30", "2024-01-31", "2024-02-28", "2024-03-29"], dtype="datetime64[D]")
    months = monthly_returns(dates, np.array([100.0, 110, 99, 99]), initial=100)
    assert months.round(10).tolist() == [10.0, -10.0, 0.0]
    assert [str(p) for p in months.index] == ["2024-01", "2024-02", "2024-03"]
    frame = equity_frame(_result([100, 80, 100]))
    assert frame["drawdown_pct"].tolist() == pytest.approx([0, -20, 0])


def test_exposure_and_turnover_from_a_simulation() -> None:
    m = market(opens=[100] * 10)
    result = simulate(m, decisions(m, entries={0: [0]}, exits={4: [0]}), PortfolioRules(10_000, 1, lot=1))
    summary = summarize(result)
    assert summary["exposure_pct"] == 50  # sessions 1 to 5 of 10
    years = 9 / 365.25
    assert summary["turnover"] == pytest.approx(2 * 10_000 / 2 / 10_000 / years)
