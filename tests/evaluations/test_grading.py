"""答え合わせ on hand-built bar series: each horizon, pending windows, the entry zone, stop vs
target order, a split inside the window, excess over the equal-weight universe; the aggregates
and the calibration table on a small set."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest

from kabu_trade.evaluations.grading import BENCHMARK_NAME, grade_frame, policy_sessions
from kabu_trade.evaluations.grading_summary import calibration, group_figures

SESSIONS = [d.date() for d in pd.bdate_range("2024-01-04", periods=90)]
NAN = float("nan")


def _bars(
    code: str, closes: Sequence[float], *, spread: float = 1.0, factors: dict[int, float] | None = None
) -> pd.DataFrame:
    closes = np.asarray(closes, dtype=float)
    factor = np.ones(len(closes))
    for i, f in (factors or {}).items():
        factor[i] = f
    return pd.DataFrame(
        {
            "code": code,
            "date": SESSIONS[: len(closes)],
            "high": closes + spread,
            "low": closes - spread,
            "close": closes,
            "adj_factor": factor,
        }
    )


def _evaluation(
    id_: int,
    code: str,
    *,
    at: int = 0,
    entry_high: float = NAN,
    target: float = NAN,
    stop: float = NAN,
    policy: int | None = None,
) -> dict[str, Any]:
    return {
        "id": id_,
        "code": code,
        "as_of": SESSIONS[at],
        "entry_high": entry_high,
        "target": target,
        "stop": stop,
        "policy_sessions": float(policy) if policy else NAN,
    }


def _grade(
    evaluations: list[dict[str, Any]],
    bars: pd.DataFrame,
    *,
    last: int = 89,
    universe: pd.DataFrame | None = None,
) -> pd.DataFrame:
    everything = bars if universe is None else pd.concat([bars, universe])
    splits = everything.loc[everything["adj_factor"] != 1.0, ["code", "date", "adj_factor"]].rename(
        columns={"adj_factor": "factor"}
    )

    def closes_on(days: Sequence[date]) -> pd.DataFrame:
        return everything.loc[everything["date"].isin(days), ["code", "date", "close"]]

    return grade_frame(pd.DataFrame(evaluations), SESSIONS, SESSIONS[last], bars, closes_on, splits)


def _at(grades: pd.DataFrame, id_: int, horizon: str) -> dict[str, Any]:
    rows = grades[(grades["id"] == id_) & (grades["horizon"] == horizon)]
    assert len(rows) == 1, grades
    return dict(rows.iloc[0])


RISING = 100.0 + np.arange(90)  # +1 a session


def test_forward_return_at_each_horizon_and_the_policy_horizon() -> None:
    grades = _grade([_evaluation(1, "1111", at=2, policy=20)], _bars("1111", RISING))
    for horizon, sessions in [("5", 5), ("20", 20), ("60", 60), ("policy", 20)]:
        grade = _at(grades, 1, horizon)
        assert grade["status"] == "graded" and grade["sessions"] == sessions
        assert grade["end_date"] == SESSIONS[2 + sessions]
        assert grade["forward_return_pct"] == pytest.approx(((102 + sessions) / 102 - 1) * 100)
    # Alone in its universe: the benchmark is the stock itself, nothing in excess.
    assert _at(grades, 1, "20")["excess_return_pct"] == pytest.approx(0.0)
    assert policy_sessions({"horizon": "short"}) == 20 and policy_sessions({"horizon": "long"}) == 500
    assert policy_sessions(None) is None


def test_no_policy_no_policy_horizon() -> None:
    grades = _grade([_evaluation(1, "1111")], _bars("1111", RISING))
    assert set(grades["horizon"]) == {"5", "20", "60"}


def test_a_window_the_data_has_not_reached_is_pending_with_no_figure() -> None:
    grades = _grade(
        [_evaluation(1, "1111", at=10, target=200, stop=50, entry_high=120)],
        _bars("1111", RISING[:40]),
        last=39,
    )
    assert _at(grades, 1, "20")["status"] == "graded"
    pending = _at(grades, 1, "60")
    assert pending["status"] == "pending" and pending["end_date"] == SESSIONS[70]
    assert np.isnan(pending["forward_return_pct"]) and np.isnan(pending["excess_return_pct"])
    assert pending["entry_reached"] is None and pending["first_hit"] is None
    # The last session with data ends a window exactly: graded, not pending.
    assert (
        _at(_grade([_evaluation(2, "1111", at=19)], _bars("1111", RISING[:40]), last=39), 2, "20")["status"]
        == "graded"
    )


def test_entry_zone_reached_by_a_low_within_the_window_only() -> None:
    closes = np.full(90, 100.0)
    closes[8] = 94.0  # low 93 on session 8: outside the +5 window from session 0, inside +20
    grades = _grade(
        [_evaluation(1, "1111", entry_high=95.0), _evaluation(2, "1111", entry_high=99.0)],
        _bars("1111", closes),
    )
    assert _at(grades, 1, "5")["entry_reached"] is False
    assert _at(grades, 1, "20")["entry_reached"] is True
    assert _at(grades, 2, "5")["entry_reached"] is True  # low 99 every day
    assert _at(_grade([_evaluation(3, "1111")], _bars("1111", closes)), 3, "5")["entry_reached"] is None


def test_stop_or_target_first_and_the_same_bar_counts_as_the_stop() -> None:
    closes = np.full(90, 100.0)
    closes[3], closes[7] = 111.0, 89.0  # target hit on session 3, stop on 7
    first_target = _bars("1111", closes)
    closes_b = np.full(90, 100.0)
    closes_b[4] = 89.0  # stop first
    closes_b[9] = 111.0
    wide = np.full(90, 100.0)
    # One bar (session 5) spans both the stop (≤ 90) and the target (≥ 110).
    both = _bars("3333", wide)
    both.loc[5, ["high", "low"]] = [115.0, 85.0]
    bars = pd.concat([first_target, _bars("2222", closes_b), both], ignore_index=True)
    levels = {"target": 110.0, "stop": 90.0}
    grades = _grade(
        [
            _evaluation(1, "1111", **levels),
            _evaluation(2, "2222", **levels),
            _evaluation(3, "3333", **levels),
        ],
        bars,
    )
    assert _at(grades, 1, "5")["first_hit"] == "target"
    assert _at(grades, 2, "20")["first_hit"] == "stop_loss"
    assert _at(grades, 3, "20")["first_hit"] == "stop_loss"
    assert _at(grades, 3, "5")["first_hit"] == "stop_loss"  # session 5 closes the +5 window
    assert _at(grades, 2, "5")["first_hit"] == "stop_loss"
    quiet = _grade([_evaluation(4, "4444", **levels)], _bars("4444", np.full(90, 100.0)))
    assert _at(quiet, 4, "60")["first_hit"] == "neither"
    assert (
        _at(_grade([_evaluation(5, "4444")], _bars("4444", np.full(90, 100.0))), 5, "5")["first_hit"] is None
    )


def test_a_split_inside_the_window_changes_nothing_once_adjusted() -> None:
    adjusted = RISING.copy()
    raw = adjusted.copy()
    raw[10:] = raw[10:] / 2  # 1:2 split effective on session 10
    levels = {"target": 115.0, "stop": 90.0, "entry_high": 101.0}
    plain = _grade([_evaluation(1, "1111", **levels)], _bars("1111", adjusted))
    split = _grade([_evaluation(1, "1111", **levels)], _bars("1111", raw, spread=0.5, factors={10: 0.5}))
    for horizon in ("5", "20", "60"):
        assert _at(split, 1, horizon)["forward_return_pct"] == pytest.approx(
            _at(plain, 1, horizon)["forward_return_pct"]
        )
    # Target 115 (on the prices of as_of) is reached on session 14 (high 114 + 1 … on raw, 57.5 ≥ 57.5).
    assert _at(split, 1, "20")["first_hit"] == "target"
    assert _at(split, 1, "5")["first_hit"] == "neither"
    assert _at(split, 1, "20")["excess_return_pct"] == pytest.approx(0.0)


def test_excess_over_the_equal_weight_universe() -> None:
    stock = _bars("1111", RISING)
    flat = _bars("2222", np.full(90, 50.0))
    falling_raw = 200.0 - np.arange(90)
    falling_raw[30:] = falling_raw[30:] / 2  # a split in the universe, inside the +60 window
    falling = _bars("3333", falling_raw, factors={30: 0.5})
    grades = _grade([_evaluation(1, "1111")], stock, universe=pd.concat([flat, falling]))
    for horizon, h in [("5", 5), ("20", 20), ("60", 60)]:
        grade = _at(grades, 1, horizon)
        own = (100 + h) / 100 - 1
        expected = (own + 0.0 + ((200 - h) / 200 - 1)) / 3
        assert grade["benchmark_return_pct"] == pytest.approx(expected * 100)
        assert grade["excess_return_pct"] == pytest.approx((own - expected) * 100)
    assert BENCHMARK_NAME == "equal_weight_universe_mean_forward_return"


def test_no_bar_on_as_of_or_before_is_no_data() -> None:
    grades = _grade([{**_evaluation(1, "1111"), "as_of": date(2023, 12, 1)}], _bars("1111", RISING))
    assert set(grades["status"]) == {"no_data"}


def test_thousands_of_evaluations_grade_quickly() -> None:
    import time

    rng = np.random.default_rng(7)
    codes = [f"{1000 + k}" for k in range(200)]
    bars = pd.concat(
        [_bars(code, 100 * np.exp(np.cumsum(rng.normal(0, 0.02, 90)))) for code in codes], ignore_index=True
    )
    evaluations = [
        _evaluation(k, codes[k % 200], at=int(k % 80), target=120.0, stop=80.0, entry_high=99.0, policy=60)
        for k in range(5000)
    ]
    started = time.perf_counter()
    grades = _grade(evaluations, bars)
    assert time.perf_counter() - started < 10
    assert len(grades) == 5000 * 4 and {"graded", "pending"} <= set(grades["status"])


# --- aggregates --------------------------------------------------------------------------------


def _rows(records: list[tuple[int, str, str, float, float, str | None, float | None, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "id": i,
                "horizon": horizon,
                "status": status,
                "forward_return_pct": forward,
                "excess_return_pct": excess,
                "entry_reached": True,
                "first_hit": first,
                "policy_id": 7,
                "policy_version": 2,
                "recommendation": "buy" if i % 2 else "neutral",
                "match_score": match,
                "buy_score": score,
            }
            for i, horizon, status, forward, excess, first, match, score in records
        ]
    )


def test_aggregates_per_version_and_recommendation() -> None:
    rows = _rows(
        [
            (1, "20", "graded", 4.0, 1.0, "target", 85.0, 50.0),
            (2, "20", "graded", -2.0, -3.0, "stop_loss", 35.0, 50.0),
            (3, "20", "graded", 6.0, -1.0, "neither", 88.0, 50.0),
            (4, "20", "pending", NAN, NAN, None, 40.0, 50.0),
        ]
    )
    groups = group_figures(rows, ("20",))
    everything = next(g for g in groups if g["recommendation"] is None)
    assert (
        everything["policy_id"] == 7 and everything["policy_version"] == 2 and everything["evaluations"] == 4
    )
    figures = everything["horizons"][0]
    assert figures["graded"] == 3 and figures["pending"] == 1
    assert figures["hit_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert figures["excess_hit_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert (
        figures["mean_return_pct"] == pytest.approx(8 / 3, abs=1e-3) and figures["median_return_pct"] == 4.0
    )
    assert figures["mean_excess_pct"] == pytest.approx(-1.0) and figures["median_excess_pct"] == -1.0
    assert figures["target_first_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert figures["stop_first_rate"] == pytest.approx(1 / 3, abs=1e-4)
    buys = next(g for g in groups if g["recommendation"] == "buy")["horizons"][0]  # ids 1 and 3
    assert buys["graded"] == 2 and buys["hit_rate"] == 1.0 and buys["mean_return_pct"] == 5.0


def test_calibration_bands_by_match_score_else_buy_score() -> None:
    rows = _rows(
        [
            (1, "20", "graded", 4.0, 1.0, None, 85.0, 10.0),
            (2, "20", "graded", -2.0, -3.0, None, 88.0, 10.0),
            (3, "20", "graded", 6.0, 2.0, None, None, 33.0),  # no match score: its buy score
            (4, "20", "pending", NAN, NAN, None, 81.0, 10.0),
            (5, "60", "graded", 9.0, 9.0, None, 85.0, 10.0),  # another horizon
            (6, "20", "graded", 1.0, 0.5, None, 100.0, 10.0),  # 100 belongs to the top band
        ]
    )
    table = calibration(rows, "20")
    assert [r["band"] for r in table] == list(range(1, 11))
    top, eighty, thirty = table[9], table[8], table[3]
    assert eighty["count"] == 2 and eighty["mean_return_pct"] == 1.0 and eighty["hit_rate"] == 0.5
    assert thirty["count"] == 1 and thirty["mean_return_pct"] == 6.0
    assert top["count"] == 1 and top["score_from"] == 90
    assert sum(r["count"] for r in table) == 4 and table[0]["mean_return_pct"] is None
