"""No look-ahead on the demo universe for every preset policy (issue 11, point 5), and a leak is caught.

Short period, the test demo universe (tests/conftest.py's market_context): seconds per preset."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from kabu_trade.backtests import lookahead, service
from kabu_trade.backtests.service import BacktestParams
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.engine.panel import Panel
from kabu_trade.policies import service as policies
from kabu_trade.policies.presets import PRESETS, get_preset
from tests.conftest import create_user_in

# Data follows the period (the last cut is a real one) and precedes it by more than the warm-up
# (the later start has its own full warm-up inside the stored data).
START, END = date(2024, 4, 1), date(2024, 9, 30)


def _check(context: AppContext, style: str, **kw: object) -> dict[str, object]:
    user = create_user_in(context, f"lookahead-{style}")
    with session_scope(context.sessions) as session:
        policy = policies.create_policy(session, user, get_preset(style).create("en")).id
    params = BacktestParams(policy, START, END, min_match_score=40, **kw)  # type: ignore[arg-type]
    with session_scope(context.sessions) as session:
        return lookahead.check_lookahead(session, user, params)


@pytest.mark.parametrize("style", sorted(PRESETS))
def test_no_preset_looks_ahead(context: AppContext, backend: str, style: str) -> None:
    if (
        backend != "sqlite"
    ):  # the same stored data: one backend keeps CI in seconds (the leak test runs on both)
        pytest.skip("every preset is checked on SQLite")
    result = _check(context, style)
    assert result["checked"] is True
    cuts = result["cuts"]
    assert isinstance(cuts, list) and len(cuts) == lookahead.CUTS + 1  # evenly spaced + the period's last
    assert cuts[-1] == "2024-09-30"
    warm_up = result["warm_up"]
    assert (
        isinstance(warm_up, dict) and warm_up["start"] is not None and warm_up["loaded_from"] > "2023-01-04"
    )
    assert result["differences"] == [], "\n".join(d["text"] for d in result["differences"])  # type: ignore[index]


def test_a_leaking_metric_is_caught_and_named(context: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """rsi_14 read one session early (the next close's value at each close) is look-ahead."""
    build = service.build_panel

    def leaking(bars, source):  # type: ignore[no-untyped-def]
        panel = build(bars, source)
        rsi = np.full(panel.shape, np.nan)
        rsi[:-1] = panel.columns["rsi_14"][1:]
        return Panel(panel.dates, panel.symbols, {**panel.columns, "rsi_14": rsi})

    monkeypatch.setattr(service, "build_panel", leaking)
    result = _check(context, "momentum")
    differences = result["differences"]
    assert isinstance(differences, list) and differences
    metric = [d for d in differences if d["kind"] == "metric"]
    assert {d["name"] for d in metric} == {"rsi_14"}
    first = metric[0]
    assert first["check"] == "cut" and first["date"] == first["cut"]  # the cut's own close
    assert first["symbol"] and first["full"] is not None and first["rerun"] is None
    assert "rsi_14" in first["text"] and first["date"] in first["text"] and first["symbol"] in first["text"]


def test_trades_opened_up_to_the_cut_are_compared() -> None:
    def trade(price: float, exit_day: str | None = None, exit_price: float = 110.0) -> dict[str, object]:
        closed = {
            "exit_date": pd.Timestamp(exit_day),
            "exit_price": exit_price,
            "shares": 100.0,
            "reason": "target",
        }
        return {
            "entry_price": price,
            "entry_value": price * 100,
            **(closed if exit_day else {"exit_date": None}),
        }

    full = {
        ("1301", "2024-05-01"): trade(100.0, "2024-05-10"),
        ("1302", "2024-05-02"): trade(200.0),  # opened before the cut: the cut run must hold it too
        ("1303", "2024-05-20"): trade(300.0),  # opened after the cut: not the cut run's
        ("1304", "2024-05-03"): trade(400.0, "2024-06-03"),
    }
    cut = {
        ("1301", "2024-05-01"): trade(100.0, "2024-05-10", exit_price=111.0),
        ("1304", "2024-05-03"): trade(400.0),  # still held at the cut: only its entry is compared
    }
    found = lookahead._compare_trades(full, cut, "2024-05-15")
    named = {(d.name, d.symbol, d.date, d.full, d.rerun) for d in found}
    assert named == {
        ("exit_price", "1301", "2024-05-01", 110.0, 111.0),
        ("opened", "1302", "2024-05-02", True, False),
    }
    assert all(d.kind == "trade" and d.cut == "2024-05-15" for d in found)


def _decided(symbols: tuple[str, ...], close: np.ndarray, entry: np.ndarray) -> lookahead._Decided:
    from kabu_trade.engine.backtest import Decisions
    from kabu_trade.engine.decisions import Judgement

    shape = close.shape
    dates = np.arange(np.datetime64("2024-05-01"), np.datetime64("2024-05-01") + shape[0])
    zeros = np.zeros(shape, dtype=np.int64)
    judgement = Judgement(np.full(shape, 50.0), entry, zeros - 1, zeros, np.zeros(shape))
    decisions = Decisions(entry=entry, exit=np.zeros(shape, dtype=np.int8), score=np.full(shape, 50.0))
    return lookahead._Decided(Panel(dates, symbols, {"close": close}), judgement, decisions)


def test_stocks_are_matched_by_code_and_a_stock_the_cut_run_lacks_has_no_bar_before_the_cut() -> None:
    close = np.array([[100.0, np.nan], [101.0, np.nan], [102.0, 50.0], [103.0, 51.0]])
    entry = np.zeros(close.shape, dtype=bool)
    full = _decided(("1301", "1302"), close, entry)
    # Cut after session 1: 1302 (listed on session 2) is not in the cut run's data.
    rerun = _decided(("1301",), close[:2, :1], entry[:2, :1])
    assert lookahead._compare(full, rerun, 0, 0, 0, 2, "cut", "2024-05-02", 1e-9) == []
    # A cut run that misses a stock which did trade before the cut is a difference, named.
    lacking = _decided(("1301",), close[:3, :1], entry[:3, :1])
    found = lookahead._compare(full, lacking, 0, 0, 0, 3, "cut", "2024-05-03", 1e-9)
    assert [(d.name, d.symbol, d.date) for d in found] == [("close", "1302", "2024-05-03")]
