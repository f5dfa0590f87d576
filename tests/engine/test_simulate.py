"""Each backtest semantic on a hand-built series whose fills can be worked out on paper."""

from __future__ import annotations

import numpy as np
import pytest

from kabu_trade.engine.backtest import (
    CostModel,
    Decisions,
    Dividends,
    EngineInputError,
    ExitRules,
    PortfolioRules,
    preset,
    simulate,
)
from kabu_trade.engine.backtest.simulate import simulate as fast_simulate
from kabu_trade.engine.backtest.stepwise import simulate_stepwise
from tests.engine.helpers import decisions, market


@pytest.fixture(autouse=True, params=["fast", "stepwise"])
def implementation(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every semantic holds for both forms of the simulation: the fast one and its specification."""
    chosen = fast_simulate if request.param == "fast" else simulate_stepwise
    monkeypatch.setitem(globals(), "simulate", chosen)


ALL_IN_LOT_1 = PortfolioRules(cash=10_000, max_positions=1, sizing="all_in", lot=1)


def test_a_decision_on_a_close_fills_at_the_next_open() -> None:
    m = market(
        opens=[100, 101, 102, 103, 104, 105, 106],
        closes=[100.5, 50, 102.5, 103.5, 104.5, 105.5, 106.5],  # a close the fill must not take
    )
    result = simulate(m, decisions(m, entries={1: [0]}, exits={4: [0]}), ALL_IN_LOT_1)
    trade = result.trades.iloc[0]
    assert (trade.entry_session, trade.entry_price) == (2, 102.0)  # decided on 1's close
    assert (trade.exit_session, trade.exit_price) == (5, 105.0)
    assert trade.shares == 98  # 10,000 // 102
    assert trade.reason == "sell_signal"
    assert trade.holding_sessions == 3
    assert result.final_equity == pytest.approx(10_000 - 98 * 102 + 98 * 105)
    # Exposure counts the entry session through the exit session.
    assert result.exposed.tolist() == [False, False, True, True, True, True, False]


def test_a_decision_on_the_last_session_does_nothing() -> None:
    m = market(opens=[100, 100, 100])
    result = simulate(m, decisions(m, entries={2: [0]}), ALL_IN_LOT_1)
    assert result.trades.empty and result.open_positions.empty
    assert result.final_equity == 10_000


def test_shares_are_bought_in_whole_lots() -> None:
    m = market(opens=[333, 333, 333])
    one_position = PortfolioRules(cash=100_000, max_positions=1)  # 100-share lots by default
    result = simulate(m, decisions(m, entries={0: [0]}), one_position)
    assert result.open_positions.shares.tolist() == [300]  # 100,000 / 33,300 = 3.003 lots
    assert result.cash[-1] == 100_000 - 300 * 333
    per_symbol_lot = market(opens=[333, 333, 333], lots=np.array([10]))
    result = simulate(per_symbol_lot, decisions(per_symbol_lot, entries={0: [0]}), one_position)
    assert result.open_positions.shares.tolist() == [300]  # 300.3 → 30 lots of 10


def test_a_percentage_commission_never_falls_under_its_minimum() -> None:
    costs = CostModel(rate=0.001, minimum_yen=100)
    assert costs.fee(10_000) == 100
    assert costs.fee(1_000_000) == 1_000
    assert costs.fee(0) == 0
    m = market(opens=[100, 100, 100, 110, 110])
    rules = PortfolioRules(10_000, 1, lot=1)
    result = simulate(m, decisions(m, entries={0: [0]}, exits={2: [0]}), rules, None, costs)
    trade = result.trades.iloc[0]
    # 98 shares: 9,800 yen + the 100-yen minimum, with 100 yen kept for the sale's minimum fee
    # (were the shares to become worthless, selling them would still cost 100 yen).
    assert trade.shares == 98
    assert result.cash[1] == 100
    assert trade.commission == 200  # the minimum on each side (0.1 % of 9,800 or 10,780 is less)
    assert trade.pnl == pytest.approx(98 * 10 - 200)


def test_broker_tiers_and_slippage() -> None:
    sbi = preset("sbi_standard")
    assert [sbi.fee(v) for v in (1, 50_000, 50_001, 1_000_000, 30_000_000, 30_000_001)] == [
        55,
        55,
        99,
        535,
        1_013,
        1_070,
    ]
    slipped = preset("rakuten_chowari", slippage_bps=10)
    assert slipped.buy_price(1_000) == pytest.approx(1_001)
    assert slipped.sell_price(1_000) == pytest.approx(999)
    m = market(opens=[1_000, 1_000, 1_000, 1_000])
    result = simulate(
        m, decisions(m, entries={0: [0]}, exits={1: [0]}), PortfolioRules(1_000_000, 1), None, slipped
    )
    trade = result.trades.iloc[0]
    assert (trade.entry_price, trade.exit_price) == pytest.approx((1_001, 999))
    assert trade.shares == 900  # 1,000 shares cost 1,001,000 + 535: over the cash
    assert trade.commission == 535 + 535  # 900,900 and 899,100 yen: the ≤ 1,000,000 tier
    assert trade.pnl == pytest.approx(900 * (999 - 1_001) - 1_070)


def test_a_sale_whose_fee_exceeds_its_proceeds_does_not_overdraw() -> None:
    # Two 1-yen shares bought for 57 yen (2 + the 55-yen minimum), worth 2 sen at the sale:
    # the 55-yen reserve kept at the entry pays the sale's minimum fee.
    m = market(opens=[1.0, 1.0, 0.01, 0.01], closes=[1.0, 1.0, 0.01, 0.01])
    costs = CostModel(rate=0.001, minimum_yen=55)
    rules = PortfolioRules(cash=113, max_positions=1, sizing="all_in", lot=1)
    result = simulate(m, decisions(m, entries={0: [0]}, exits={1: [0]}), rules, None, costs)
    assert result.trades.shares.tolist() == [2]  # (113 − 55 reserved) less a float step − 55 fee
    assert result.cash.min() >= 0
    assert result.final_equity == pytest.approx(113 - 2 - 55 + 0.02 - 55)


def test_cash_never_goes_negative_an_unaffordable_entry_is_skipped() -> None:
    m = market(opens=[100, 100, 100])
    costs = CostModel(rate=0.0, minimum_yen=55)
    # One lot costs 10,000 + 55: more than the 10,000 yen in hand.
    result = simulate(m, decisions(m, entries={0: [0]}), PortfolioRules(10_000, 1), None, costs)
    assert result.trades.empty and result.open_positions.empty
    assert result.skipped_entries == 1
    assert result.cash.min() == 10_000


def test_maximum_positions_take_the_best_scores() -> None:
    m = market(opens=[[100, 100, 100]] * 4)
    score = np.zeros(m.open.shape)
    score[0] = [1.0, 3.0, 2.0]
    rules = PortfolioRules(cash=90_000, max_positions=2, lot=1)
    result = simulate(m, decisions(m, entries={0: [0, 1, 2]}, score=score), rules)
    assert sorted(result.open_positions.symbol) == ["1001", "1002"]
    assert result.skipped_entries == 1
    assert result.open_positions.shares.tolist() == [450, 450]  # equal weight: 90,000 / 2 each
    assert result.positions.max() == 2


def test_stop_and_target_touched_in_one_session_take_the_stop() -> None:
    m = market(
        opens=[100, 100, 100, 100],
        highs=[100, 100, 100, 120],
        lows=[100, 100, 100, 80],
    )
    exits = ExitRules(stop_loss_pct=10, take_profit_pct=10)
    result = simulate(m, decisions(m, entries={0: [0]}), ALL_IN_LOT_1, exits)
    trade = result.trades.iloc[0]
    assert (trade.reason, trade.exit_price, trade.exit_session) == ("stop_loss", 90, 3)


def test_a_target_alone_and_a_gap_through_the_stop() -> None:
    m = market(opens=[100, 100, 100, 105], highs=[100, 100, 100, 112], lows=[100, 100, 100, 104])
    result = simulate(m, decisions(m, entries={0: [0]}), ALL_IN_LOT_1, ExitRules(take_profit_pct=10))
    assert (result.trades.reason[0], result.trades.exit_price[0]) == ("target", pytest.approx(110))
    gap = market(opens=[100, 100, 100, 70], highs=[100, 100, 100, 75], lows=[100, 100, 100, 65])
    result = simulate(gap, decisions(gap, entries={0: [0]}), ALL_IN_LOT_1, ExitRules(stop_loss_pct=10))
    assert (result.trades.reason[0], result.trades.exit_price[0]) == ("stop_loss", 70)  # the open


def test_a_trailing_stop_follows_the_highest_high_up_to_the_previous_session() -> None:
    m = market(
        opens=[100, 100, 110, 125, 118, 110],
        highs=[100, 100, 120, 130, 119, 111],
        lows=[100, 100, 105, 117.5, 116, 100],
    )
    result = simulate(m, decisions(m, entries={0: [0]}), ALL_IN_LOT_1, ExitRules(trailing_stop_pct=10))
    trade = result.trades.iloc[0]
    # Session 3's low 117.5 is above 120 × 0.9 = 108: kept. Session 4: the peak is 130 → the
    # stop 117; the low 116 touches it.
    assert (trade.reason, trade.exit_session, trade.exit_price) == ("trailing_stop", 4, pytest.approx(117))


def test_the_holding_limit_sells_at_the_open_after_the_last_session() -> None:
    m = market(opens=[100, 101, 102, 103, 104, 105, 106])
    result = simulate(m, decisions(m, entries={0: [0]}), ALL_IN_LOT_1, ExitRules(max_holding_sessions=3))
    trade = result.trades.iloc[0]
    assert (trade.entry_session, trade.exit_session, trade.reason) == (1, 4, "max_holding")
    assert trade.holding_sessions == 3


def test_a_split_multiplies_the_shares_and_scales_the_stop() -> None:
    factor = np.ones((6, 1))
    factor[3] = 0.5  # 2-for-1 on session 3 (J-Quants' AdjustmentFactor)
    m = market(
        opens=[1_000, 1_000, 1_000, 500, 480, 490],
        lows=[1_000, 1_000, 1_000, 460, 470, 480],  # under the unscaled stop 900 at every session
        adj_factor=factor,
    )
    exits = ExitRules(stop_loss_pct=10)
    result = simulate(m, decisions(m, entries={0: [0]}, exits={4: [0]}), PortfolioRules(100_000, 1), exits)
    trade = result.trades.iloc[0]
    assert trade.shares == 200  # 100 bought, 200 after the split
    assert trade.reason == "sell_signal"  # the stop moved to 450 with the split: not hit
    assert trade.pnl == pytest.approx(200 * 490 - 100 * 1_000)
    # No jump at the split: 100 × 1,000 before, 200 × 500 after.
    assert result.equity[2] == result.equity[3] == 100_000


def test_a_dividend_is_credited_on_its_payment_date_to_shares_held_before_the_ex_date() -> None:
    m = market(
        opens=[[1_000, 1_000]] * 8,
        dividends=Dividends(
            symbol=np.array([0, 1]),
            ex_session=np.array([2, 2]),
            pay_session=np.array([6, 6]),
            per_share=np.array([30.0, 30.0]),
        ),
    )
    # Symbol 0 is held at session 1's close (entitled); symbol 1 is bought at the ex-date's open.
    d = decisions(m, entries={0: [0], 1: [1]})
    result = simulate(m, d, PortfolioRules(200_000, 2), ExitRules(dividend_tax_rate=0.20315))
    net = 100 * 30 * (1 - 0.20315)
    assert result.dividends_received == pytest.approx(net)
    assert result.cash[5] == result.cash[2]  # nothing before the payment date …
    assert result.cash[6] == pytest.approx(result.cash[5] + net)  # … all of it on it
    assert result.equity[-1] == pytest.approx(200_000 + net)


def test_close_at_end_sells_at_the_last_open() -> None:
    m = market(opens=[100, 100, 100, 120], closes=[100, 100, 100, 130])
    result = simulate(m, decisions(m, entries={0: [0]}), ALL_IN_LOT_1, ExitRules(close_at_end=True))
    assert (result.trades.reason[0], result.trades.exit_price[0]) == ("end_of_data", 120)
    # All in is backtesting.py's: the cash less one float step, so 99 shares at exactly 100 yen.
    assert result.trades.shares[0] == 99
    assert result.final_equity == 10_000 + 99 * 20


def test_a_symbol_without_a_bar_waits_for_its_next_open() -> None:
    m = market(opens=[100, 100, 100, np.nan, 110, 110], closes=[100, 100, 100, np.nan, 110, 110])
    result = simulate(m, decisions(m, entries={0: [0]}, exits={2: [0]}), ALL_IN_LOT_1)
    assert (result.trades.exit_session[0], result.trades.exit_price[0]) == (4, 110)
    assert result.equity[3] == result.equity[2]  # valued at the last known close meanwhile


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: CostModel(rate=0.2), "costs.rate"),
        (lambda: CostModel(rate=-0.001), "costs.rate"),
        (lambda: CostModel(minimum_yen=float("nan")), "costs.minimum_yen"),
        (lambda: CostModel(slippage_bps=5_000), "costs.slippage_bps"),
        (lambda: CostModel(tiers=((100, 1), (50, 2), (float("inf"), 3))), "costs.tiers"),
        (lambda: CostModel(tiers=((100, 1),)), "costs.tiers"),
        (lambda: preset("nonexistent"), "costs.preset"),
        (lambda: PortfolioRules(cash=-1), "portfolio.cash"),
        (lambda: PortfolioRules(cash=1, max_positions=0), "portfolio.max_positions"),
        (lambda: PortfolioRules(cash=1, sizing="kelly"), "portfolio.sizing"),  # type: ignore[arg-type]
        (lambda: PortfolioRules(cash=1, lot=0), "portfolio.lot"),
        (lambda: ExitRules(stop_loss_pct=150), "exits.stop_loss_pct"),
        (lambda: ExitRules(max_holding_sessions=0), "exits.max_holding_sessions"),
        (lambda: market(opens=[100, 100], adj_factor=np.zeros((2, 1))), "market.adj_factor"),
    ],
)
def test_bad_arguments_name_their_field(build: object, field: str) -> None:
    with pytest.raises(EngineInputError) as caught:
        build()  # type: ignore[operator]
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)


def test_decisions_of_the_wrong_shape_are_refused() -> None:
    m = market(opens=[100, 100, 100])
    other = market(opens=[[100, 100]] * 3)
    with pytest.raises(EngineInputError) as caught:
        simulate(m, decisions(other), ALL_IN_LOT_1)
    assert caught.value.field == "decisions.entry"


def test_risk_sizing_loses_the_risk_budget_at_the_stop() -> None:
    m = market(opens=[100, 100, 100])
    rules = PortfolioRules(cash=1_000_000, max_positions=5, sizing="risk", risk_per_trade=0.01, lot=100)
    result = simulate(m, decisions(m, entries={0: [0]}), rules, ExitRules(stop_loss_pct=10))
    # 1 % of 1,000,000 = 10,000 yen at risk; 10 yen a share to the stop: 1,000 shares.
    assert result.open_positions.shares.tolist() == [1_000]
    no_stop = simulate(m, decisions(m, entries={0: [0]}), rules)
    assert no_stop.open_positions.shares.tolist() == [2_000]  # no stop: an equal-weight slice


def test_a_sale_at_the_open_pays_for_a_purchase_at_the_same_open() -> None:
    m = market(opens=[[100, 50]] * 4)
    rules = PortfolioRules(cash=10_000, max_positions=1, sizing="all_in", lot=1)
    # Symbol 0 bought at 1's open with all the cash; sold at 2's open, symbol 1 bought then.
    result = simulate(m, decisions(m, entries={0: [0], 1: [1]}, exits={1: [0]}), rules)
    assert result.trades.symbol.tolist() == ["1000"]
    assert result.open_positions.symbol.tolist() == ["1001"]
    assert result.open_positions.shares.tolist() == [199]  # 9,999.99… yen at 50 yen a share
    assert result.cash.min() >= 0


def test_unknown_exit_codes_are_refused() -> None:
    m = market(opens=[100, 100, 100])
    codes = np.zeros((3, 1), dtype=np.int8)
    codes[1, 0] = 9
    with pytest.raises(EngineInputError) as caught:
        simulate(m, Decisions(entry=np.zeros((3, 1), dtype=bool), exit=codes), ALL_IN_LOT_1)
    assert caught.value.field == "decisions.exit"
    assert "[9]" in str(caught.value)
