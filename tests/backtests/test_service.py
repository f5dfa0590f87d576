"""A policy backtest over the demo universe stored in the database (both backends)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from kabu_trade.backtests import service
from kabu_trade.backtests.costs import cost_model
from kabu_trade.backtests.service import BacktestParams, run_backtest
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.core.errors import InvalidInput, NotFound
from kabu_trade.policies import service as policies
from kabu_trade.policies.presets import get_preset
from tests.conftest import create_user_in


@pytest.fixture
def owner(context: AppContext) -> tuple[int, int]:
    user = create_user_in(context)
    with session_scope(context.sessions) as session:
        policy = policies.create_policy(session, user, get_preset("momentum").create("en"))
        return user, policy.id


def _run(context: AppContext, user: int, params: BacktestParams, **kw: object) -> dict[str, object]:
    with session_scope(context.sessions) as session:
        return run_backtest(session, user, params, **kw)  # type: ignore[arg-type]


def test_a_backtest_runs_end_to_end(context: AppContext, owner: tuple[int, int], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    user, policy = owner
    monkeypatch.setattr(service, "CHUNK_STOCKS", 15)  # several chunks, as a large universe has
    steps: list[tuple[float, str]] = []
    params = BacktestParams(policy, date(2024, 1, 4), date(2024, 12, 30), min_match_score=40, cost="sbi")
    result = _run(context, user, params, lang="en", progress=lambda f, m: steps.append((f, m)))
    summary = result["summary"]
    assert isinstance(summary, dict)
    assert summary["start"] >= "2024-01-04" and summary["end"] <= "2024-12-30"
    assert result["benchmark"] == "equal-weight universe"
    assert result["universe"] == 40
    trades = result["trades"]
    assert isinstance(trades, list) and trades, "the momentum preset trades in a year of demo data"
    assert all(t["reason_text"] and t["entry_date"] >= "2024-01-04" for t in trades)
    assert summary["trades"] == len(trades)
    equity = result["equity"]
    assert isinstance(equity, list) and equity[0]["benchmark"] == pytest.approx(10_000_000.0)
    assert min(e["drawdown_pct"] for e in equity) == pytest.approx(summary["max_drawdown_pct"])
    assert len(steps) >= 3 and steps[-1][0] == 1.0
    assert result["monthly_returns"]
    # Chunking changes nothing: one chunk gives the same run.
    monkeypatch.setattr(service, "CHUNK_STOCKS", 200)
    again = _run(context, user, params, lang="en")
    assert again["summary"] == summary and again["trades"] == trades


def test_bad_input_names_the_field(context: AppContext, owner: tuple[int, int]) -> None:
    user, policy = owner
    with pytest.raises(InvalidInput) as error:
        _run(context, user, BacktestParams(policy, date(2024, 6, 1), date(2024, 1, 1)))
    assert error.value.field == "from"
    with pytest.raises(InvalidInput) as error:
        _run(context, user, BacktestParams(policy, date(2030, 1, 1), date(2030, 6, 1)))
    assert error.value.field == "from" and "No market data" in error.value.detail
    with pytest.raises(NotFound):
        _run(context, user, BacktestParams(policy + 999, date(2024, 1, 1), date(2024, 6, 1)))
    with pytest.raises(NotFound):
        _run(context, user, BacktestParams(policy, date(2024, 1, 1), date(2024, 6, 1), version=9))
    with pytest.raises(InvalidInput) as error:
        _run(context, user, BacktestParams(policy, date(2024, 1, 1), date(2024, 6, 1), cash=-5))
    assert error.value.field == "cash"


def test_another_users_policy_is_not_found(context: AppContext, owner: tuple[int, int]) -> None:
    _, policy = owner
    other = create_user_in(context, "someone")
    with pytest.raises(NotFound):
        _run(context, other, BacktestParams(policy, date(2024, 1, 1), date(2024, 6, 1)))


@pytest.mark.parametrize(
    ("spec", "rate", "minimum", "tiers"),
    [
        ("zero", 0.0, 0.0, False),
        ("sbi", 0.0, 0.0, True),
        ("rakuten", 0.0, 0.0, True),
        ("pct:0.1,min:100", 0.001, 100.0, False),
    ],
)
def test_cost_options(spec: str, rate: float, minimum: float, tiers: bool) -> None:
    model = cost_model(spec, 5)
    assert (model.rate, model.minimum_yen, bool(model.tiers), model.slippage_bps) == (rate, minimum, tiers, 5)


@pytest.mark.parametrize(
    ("spec", "field"), [("pct:20", "cost"), ("cheap", "cost"), ("pct:x", "cost"), ("min:5", "cost")]
)
def test_bad_costs_name_the_field(spec: str, field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        cost_model(spec)
    assert error.value.field == field
    with pytest.raises(InvalidInput) as error:
        cost_model("zero", 5000)
    assert error.value.field == "slippage_bps"


def test_the_equal_weight_benchmark_ignores_splits() -> None:
    from kabu_trade.engine.backtest import Market

    close = np.array([[100.0, 50.0], [110.0, 25.0], [121.0, 25.0]])
    adj = np.ones((3, 2))
    adj[1, 1] = 0.5  # 1:2 split: the second stock's halving is no loss
    market = Market(
        np.arange(np.datetime64("2024-01-01"), np.datetime64("2024-01-04")),
        ("a", "b"),
        close,
        close,
        close,
        close,
        adj,
    )
    levels = service.equal_weight_benchmark(market)
    assert levels.tolist() == pytest.approx([1.0, 1.05, 1.05 * 1.05])
