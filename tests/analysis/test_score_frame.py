"""score_frame (a whole frame of metrics at once) equals score() of each row, value for value: on
random rows built around the signals' thresholds, on every real metric row of the demo market over
two years, and on the roundings' ties."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kabu_trade.analysis.catalog import METRICS, SCORE_PARTS
from kabu_trade.analysis.scoring import _round, recommend, recommend_array, score, score_frame
from kabu_trade.analysis.universe import compute_universe_metrics
from tests.analysis.conftest import DemoMarket
from tests.analysis.test_scoring_scenarios import CRASH, UPTREND, VALUE_POOR_MOMENTUM

NAMES = sorted(METRICS)
# Values the signals compare against (thresholds, full-grade points, signs), and their neighbours.
EDGES = [0.0, -0.0, 0.5, 1.0, 1.5, 3.0, 5.0, 8.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 60.0]
EDGES += [70.0, 80.0, 85.0, 150.0, 5e6, 5e7, -5.0, -10.0, -15.0, -20.0, -30.0, -0.25, 1.25, 4.0]
NEAR_EDGES = [x + d for x in EDGES for d in (-1e-9, 1e-9, -0.01, 0.01)]


def stored(row: dict[str, Any]) -> dict[str, float | None]:
    """A frame row as the refresh stores it: NaN → None."""
    return {k: None if v is None or (isinstance(v, float) and math.isnan(v)) else v for k, v in row.items()}


def assert_frame_scores_equal_score(frame: pd.DataFrame) -> int:
    """Every row's frame scores equal score() of that row; returns how many rows were compared."""
    scored = score_frame(frame)
    parts = scored.parts()
    for i, row in enumerate(frame.to_dict("records")):
        expected = score(stored(row))
        got = {
            "buy": scored.buy[i],
            "sell": scored.sell[i],
            "confidence": scored.confidence[i],
            "recommendation": str(scored.recommendation[i]),
            "parts": parts[i],
        }
        want = {
            "buy": expected.buy_score,
            "sell": expected.sell_score,
            "confidence": expected.confidence,
            "recommendation": expected.recommendation,
            "parts": expected.parts,
        }
        assert got == want, (i, row)
    return len(frame)


@st.composite
def metric_rows(draw: st.DrawFn) -> dict[str, float | None]:
    """A row of catalog metrics: some missing, many near a threshold, prices related to their
    averages and levels by ratios near the signals' distances."""
    row: dict[str, float | None] = {}
    for name in draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=len(NAMES))):
        if METRICS[name].unit == "days":
            row[name] = draw(st.one_of(st.none(), st.integers(-2, 70).map(float)))
        else:
            row[name] = draw(
                st.one_of(
                    st.none(),
                    st.sampled_from(EDGES + NEAR_EDGES),
                    st.floats(-1e6, 1e9, allow_nan=False),
                    st.sampled_from([math.nan, math.inf, -math.inf]),
                )
            )
    base = draw(st.floats(1.0, 1e5))
    for name in ("sma_25", "sma_75", "sma_200", "support_1", "resistance_1"):
        if name in row and draw(st.booleans()):
            percent = draw(st.sampled_from([0.0, 3.0, -3.0, 5.0, -5.0, 10.0, -10.0, 20.0, -20.0]))
            row[name] = base / (1 + (percent + draw(st.sampled_from([0.0, 1e-12, -1e-12, 0.5]))) / 100)
    if "close" in row and draw(st.booleans()):
        row["close"] = base
    return row


@settings(max_examples=300, deadline=None)
@given(st.lists(metric_rows(), min_size=1, max_size=25))
@example([UPTREND, CRASH, VALUE_POOR_MOMENTUM, {}, dict.fromkeys(METRICS, 1.0)])
def test_frame_scores_equal_per_row_scores(rows: list[dict[str, float | None]]) -> None:
    frame = pd.DataFrame.from_records(rows).astype(float)  # a metric in no row: no column
    assert_frame_scores_equal_score(frame)


def test_random_rows_including_ties_of_the_rounding() -> None:
    """Thousands of plausible rows: enough that some buy/sell sums sit on a tie of the 2-decimal
    rounding (…x50 in 1/10,000 points), which score_frame settles the scalar way."""
    rng = np.random.default_rng(20261201)
    n = 3000
    data = {}
    for name in NAMES:
        unit = METRICS[name].unit
        if unit == "days":
            column = rng.integers(0, 70, n).astype(float)
        elif unit == "index":
            column = rng.uniform(0, 100, n)
        elif unit == "yen":
            column = rng.lognormal(7, 1.5, n) * rng.choice([1, 1, 1, 1, -1, 0], n)
        else:
            column = rng.normal(0, 30, n).round(rng.integers(0, 4))
        column[rng.random(n) < 0.1] = np.nan
        data[name] = column
    frame = pd.DataFrame(data)
    frame["close"] = frame["sma_25"] * rng.choice([1.0, 1.05, 0.95, 1.1, 0.9, 1.0499], n)
    assert assert_frame_scores_equal_score(frame) == n

    ties = 0
    for row in frame.head(1000).to_dict("records"):
        result = score(stored(row))
        units = round(sum(s.contribution for s in result.signals if s.side == "buy") * 10_000)
        ties += units % 100 == 50
    assert ties > 0  # the tie path was exercised


def test_every_real_row_of_the_demo_market(demo_market: DemoMarket) -> None:
    """The demo universe's metrics at an as-of date every 20 sessions over two years."""
    days = sorted(demo_market.bars["date"].unique())
    frames = [
        compute_universe_metrics(demo_market.bars, demo_market.disclosures, as_of) for as_of in days[60::20]
    ]
    metrics = pd.concat(frames, ignore_index=True)[list(METRICS)]
    assert len(metrics) >= 800
    assert assert_frame_scores_equal_score(metrics) == len(metrics)


def test_shapes_and_refusals() -> None:
    empty = score_frame(pd.DataFrame({"close": pd.Series([], dtype=float)}))
    assert empty.buy.shape == (0,) and empty.part_buy.shape == (0, len(SCORE_PARTS))
    assert empty.parts() == []
    nothing = score_frame(pd.DataFrame(index=range(3)))  # no metric at all: nothing judged
    assert nothing.confidence.tolist() == [0.0, 0.0, 0.0]
    assert nothing.recommendation.tolist() == ["neutral"] * 3
    with pytest.raises(ValueError, match="rsi_14"):
        score_frame(pd.DataFrame({"rsi_14": ["high"]}))
    with pytest.raises(ValueError, match="DataFrame"):
        score_frame({"rsi_14": [20.0]})  # type: ignore[arg-type]


@pytest.mark.parametrize("digits", [2, 3, 4])
def test_round_is_pythons_round(digits: int) -> None:
    rng = np.random.default_rng(digits)
    halves = (np.arange(-500, 500) + 0.5) / 10**digits  # exact decimal halves, as close as floats get
    values = np.concatenate(
        [
            rng.uniform(-100, 100, 20_000),
            halves,
            np.nextafter(halves, np.inf),
            np.nextafter(halves, -np.inf),
            [0.03125, 2.675, 1.00005, 0.5, -0.0, 1e17, 5e-324, np.inf, -np.inf, np.nan],
        ]
    )
    got = _round(values, digits)
    want = np.array([round(float(v), digits) for v in values])
    np.testing.assert_array_equal(got, want)


def test_recommend_array_divides_as_recommend_does() -> None:
    """Every confidence the default scores can have (judged points / 200) and every 2-decimal
    score: dividing (not multiplying by 1/c) keeps a score on a threshold on it (33.0 at 0.55 is
    60.000000000000001 → buy, not strong_buy)."""
    scores = np.round(np.arange(0, 100.005, 0.25), 2)
    for judged in range(1, 201):
        confidence = round(judged / 200, 3)
        buy = np.concatenate([scores, np.zeros_like(scores)])
        sell = np.concatenate([np.zeros_like(scores), scores])
        expected = [recommend(b, s, confidence) for b, s in zip(buy.tolist(), sell.tolist(), strict=True)]
        assert recommend_array(buy, sell, np.full(len(buy), confidence)).tolist() == expected


def test_a_stored_as_of_is_irrelevant_to_scores() -> None:
    """Extra columns (code, as_of, bars) are ignored."""
    frame = pd.DataFrame([{"code": "7203", "as_of": date(2024, 1, 4), "bars": 300, **UPTREND}])
    assert score_frame(frame).buy.tolist() == [score(UPTREND).buy_score]
