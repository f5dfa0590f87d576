"""The backtest benchmark's baseline makes the engine's trades (else its ratio would compare two
different things). No timing here: speed is measured in bench/, never asserted in tests."""

from __future__ import annotations

import pytest
from bench.backtest import COSTS, EXITS, RULES, event_loop, synthetic

from kabu_trade.engine.backtest import simulate


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_event_loop_baseline_makes_the_same_trades(seed: int) -> None:
    market, decisions = synthetic(60, 400, seed=seed)
    result = simulate(market, decisions, RULES, EXITS, COSTS)
    trades, equity = event_loop(market, decisions)
    assert len(result.trades) > 20
    assert trades == len(result.trades)
    assert equity == pytest.approx(result.final_equity, rel=1e-9)
