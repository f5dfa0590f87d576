"""Property: whatever the prices, signals, costs and rules, cash never goes negative, no position
goes below zero shares, the position limit holds and equity is cash plus the positions' value.

Derandomised in CI by the suite's "ci" Hypothesis profile (tests/conftest.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kabu_trade.engine.backtest import (
    CostModel,
    Decisions,
    Dividends,
    ExitRules,
    Market,
    PortfolioRules,
    preset,
    simulate,
)
from kabu_trade.engine.backtest.stepwise import simulate_stepwise

costs = st.one_of(
    st.just(CostModel()),
    st.builds(
        CostModel,
        rate=st.floats(0, 0.01),
        minimum_yen=st.floats(0, 2_000),
        slippage_bps=st.floats(0, 100),
    ),
    st.sampled_from(["sbi_standard", "rakuten_chowari"]).map(preset),
)
percent = st.one_of(st.none(), st.floats(0.5, 50))


@st.composite
def runs(draw: st.DrawFn) -> tuple[Market, Decisions, PortfolioRules, ExitRules, CostModel]:
    sessions = draw(st.integers(2, 40))
    symbols = draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.sampled_from([1.0, 50.0, 3_000.0, 80_000.0]))
    close = scale * np.exp(np.cumsum(rng.normal(0, 0.05, (sessions, symbols)), axis=0))
    open_ = close * np.exp(rng.normal(0, 0.02, close.shape))
    high = np.maximum(open_, close) * (1 + rng.uniform(0, 0.05, close.shape))
    low = np.minimum(open_, close) * (1 - rng.uniform(0, 0.05, close.shape))
    missing = rng.random(close.shape) < draw(st.sampled_from([0.0, 0.1]))
    for a in (open_, high, low, close):
        a[missing] = np.nan
    factor = np.where(rng.random(close.shape) < 0.03, rng.choice([0.5, 0.2, 3.0], close.shape), 1.0)
    events = draw(st.integers(0, 4))
    ex = rng.integers(1, sessions, events)
    dividends = Dividends(
        symbol=rng.integers(0, symbols, events),
        ex_session=ex,
        pay_session=ex + rng.integers(0, 10, events),
        per_share=rng.uniform(0, scale * 0.05, events),
    )
    market = Market(
        dates=np.arange(np.datetime64("2020-01-06"), np.datetime64("2020-01-06") + sessions),
        symbols=tuple(str(i) for i in range(symbols)),
        open=open_,
        high=high,
        low=low,
        close=close,
        adj_factor=factor,
        lots=rng.choice([1, 10, 100], symbols) if draw(st.booleans()) else None,
        dividends=dividends,
    )
    entry_rate, exit_rate = draw(st.floats(0, 1)), draw(st.floats(0, 1))
    decisions = Decisions(
        entry=rng.random(close.shape) < entry_rate,
        exit=np.where(rng.random(close.shape) < exit_rate, rng.choice([5, 6], close.shape), 0).astype(
            np.int8
        ),
        score=rng.normal(size=close.shape) if draw(st.booleans()) else None,
        stop_level=close * 0.9 if draw(st.booleans()) else None,
        target_level=close * 1.2 if draw(st.booleans()) else None,
    )
    portfolio = PortfolioRules(
        cash=draw(st.sampled_from([1_000.0, 100_000.0, 3_000_000.0, 50_000_000.0])),
        max_positions=draw(st.integers(1, 6)),
        sizing=draw(st.sampled_from(["equal_weight", "risk", "all_in"])),
        risk_per_trade=draw(st.floats(0.001, 0.2)),
        all_in_fraction=draw(st.floats(0.1, 1.0)),
        lot=draw(st.sampled_from([1, 100])),
    )
    exits = ExitRules(
        stop_loss_pct=draw(percent),
        take_profit_pct=draw(percent),
        trailing_stop_pct=draw(percent),
        max_holding_sessions=draw(st.one_of(st.none(), st.integers(1, 10))),
        close_at_end=draw(st.booleans()),
        dividend_tax_rate=draw(st.sampled_from([0.0, 0.20315])),
    )
    return market, decisions, portfolio, exits, draw(costs)


@settings(max_examples=250, deadline=None)
@given(runs())
def test_cash_never_negative_and_positions_never_below_zero(
    run: tuple[Market, Decisions, PortfolioRules, ExitRules, CostModel],
) -> None:
    market, decisions, portfolio, exits, cost_model = run
    result = simulate(market, decisions, portfolio, exits, cost_model)
    assert result.cash.min() >= -1e-6 * portfolio.cash
    assert (result.trades["shares"] > 0).all()
    assert (result.open_positions["shares"] > 0).all()
    assert result.positions.max() <= portfolio.max_positions
    assert np.allclose(result.equity, result.cash + result.invested)
    assert (result.invested >= 0).all()
    assert np.isfinite(result.equity).all()
    assert (result.trades["exit_session"] >= result.trades["entry_session"]).all()
    if exits.close_at_end:
        assert result.open_positions.empty


@settings(max_examples=300, deadline=None)
@given(runs())
def test_the_fast_simulation_agrees_with_the_stepwise_specification(
    run: tuple[Market, Decisions, PortfolioRules, ExitRules, CostModel],
) -> None:
    """simulate() (plans and events) against simulate_stepwise() (one session after the other):
    the same trades in the same order, the same curves. Floats to 1e-9: the two add the same
    amounts in another order (a position's value, a split's factors)."""
    fast = simulate(*run)
    slow = simulate_stepwise(*run)
    assert _rows(fast.trades[EXACT]) == _rows(slow.trades[EXACT])
    for column in CLOSE:
        ours, spec = (r.trades[column].to_numpy(dtype=float) for r in (fast, slow))
        assert np.allclose(ours, spec, rtol=1e-9, atol=1e-9), column
    assert np.allclose(fast.equity, slow.equity, rtol=1e-9)
    assert np.allclose(fast.cash, slow.cash, rtol=1e-9, atol=1e-6)
    assert (fast.positions == slow.positions).all()
    assert (fast.exposed == slow.exposed).all()
    assert np.allclose(fast.traded_value, slow.traded_value, rtol=1e-9)
    assert np.allclose(fast.costs_paid, slow.costs_paid, rtol=1e-9)
    assert fast.skipped_entries == slow.skipped_entries
    assert np.isclose(fast.dividends_received, slow.dividends_received, rtol=1e-9)
    assert fast.open_positions["symbol"].tolist() == slow.open_positions["symbol"].tolist()
    ours, spec = (r.open_positions["shares"].to_numpy(dtype=float) for r in (fast, slow))
    assert np.allclose(ours, spec, rtol=1e-9)


EXACT = ["symbol", "entry_session", "exit_session", "reason", "holding_sessions"]
CLOSE = ["shares", "entry_price", "exit_price", "entry_value", "exit_value", "commission", "dividends", "pnl"]


def _rows(frame: pd.DataFrame) -> list[tuple[str, ...]]:
    return [tuple(str(value) for value in row) for row in frame.itertuples(index=False)]
