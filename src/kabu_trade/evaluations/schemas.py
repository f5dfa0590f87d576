from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from kabu_trade.core.params import MAX_ID

Recommendation = Literal["strong_buy", "buy", "neutral", "sell", "strong_sell"]


class EvaluationCreate(BaseModel):
    stock_code: str = Field(pattern=r"^[0-9A-Za-z]{4,5}$", description="4-character TSE code")
    policy_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="judge against this policy (optional)"
    )


class SignalRead(BaseModel):
    name: str
    part: str
    side: Literal["buy", "sell"]
    metric: str | None
    value: float | None
    contribution: float = Field(description="points added to buy_score or sell_score")
    missing: bool = False
    reason: str


class RuleRead(BaseModel):
    rule: str
    metric: str | None = None
    value: float | None
    passed: bool | None = Field(description="null when the data to judge it is missing")
    distance: float | None = Field(description="how far from passing, in the metric's unit; 0 when passed")
    weight: float | None = None
    required: bool | None = None
    label: str | None = Field(default=None, description="the investor's own note on the rule")
    rule_text: str | None = Field(
        default=None,
        description="the rule in the reader's words: 'PER（実績）12倍以下' / 'PER (trailing) ≤ 12x'",
    )
    text: str | None = Field(
        default=None,
        description="the rule and its verdict in words: 'PER（実績）12倍以下 → 16.9倍で不合格（4.9倍超過）'",
    )


class KeyPointRead(BaseModel):
    type: Literal["buy", "sell", "caution"]
    priority: Literal["high", "medium", "low"]
    message: str


class LevelBasis(BaseModel):
    level: str
    message: str


class LevelsRead(BaseModel):
    entry_low: float | None
    entry_high: float | None
    target_price: float | None
    stop_loss_price: float | None
    trailing_stop_price: float | None = None
    risk_reward: float | None = None
    basis: list[LevelBasis] = []


class OutcomeRead(BaseModel):
    """What the price did after the evaluation (split-adjusted), to grade past calls."""

    days: int = Field(description="trading days since as_of")
    close_at_evaluation: float | None
    last_close: float | None
    last_date: dt.date | None
    return_pct: float | None
    max_high: float | None
    min_low: float | None
    hit_target: bool | None
    hit_stop_loss: bool | None
    first_hit: Literal["target", "stop_loss"] | None


GradeHorizon = Literal["5", "20", "60", "policy"]


class GradeRead(BaseModel):
    """答え合わせ at one horizon (split-adjusted, close to close from as_of)."""

    horizon: GradeHorizon = Field(description="+5, +20 or +60 sessions, or the policy's horizon")
    sessions: int = Field(description="sessions after as_of that the window spans")
    status: Literal["graded", "pending", "no_data"] = Field(
        description="pending: the window has not ended in the data yet (no partial figure is given)"
    )
    end_date: dt.date | None = Field(description="the window's last session (when it will end, if pending)")
    forward_return_pct: float | None
    benchmark_return_pct: float | None = Field(
        description="equal-weight universe's mean forward return over the same sessions"
    )
    excess_return_pct: float | None = Field(description="forward return minus the benchmark's")
    entry_reached: bool | None = Field(
        description="a low within the window reached the entry zone's upper bound"
    )
    first_hit: Literal["target", "stop_loss", "neither"] | None = Field(
        description="which level was hit first within the window (same bar: the stop); null without levels"
    )


class EvaluationSummary(BaseModel):
    id: int
    stock_code: str
    stock_name: str | None
    stock_name_en: str | None = Field(default=None, description="English company name where the data has one")
    policy_id: int | None
    policy_version: int | None
    policy_name: str | None = None
    as_of: dt.date = Field(description="date of the data the evaluation used")
    created_at: dt.datetime
    trigger: str
    buy_score: float
    sell_score: float
    match_score: float | None
    confidence: float
    recommendation: Recommendation


class EvaluationRead(EvaluationSummary):
    qualifies: bool | None = Field(
        description="all of the policy's required rules hold (null without policy)"
    )
    signals: list[SignalRead]
    rules: list[RuleRead]
    key_points: list[KeyPointRead]
    levels: LevelsRead
    parts: dict[str, dict[str, float | bool | None]]
    missing: list[str]
    technical: dict[str, float | None]
    fundamental: dict[str, float | None]
    demo: bool
    outcome: OutcomeRead | None = None
    grades: list[GradeRead] = Field(
        default=[], description="答え合わせ at +5, +20, +60 sessions and the policy's horizon"
    )


class EvaluationList(BaseModel):
    items: list[EvaluationSummary]
    total: int
    limit: int
    offset: int


class TimelinePoint(BaseModel):
    id: int
    as_of: dt.date
    created_at: dt.datetime
    policy_id: int | None
    policy_version: int | None
    buy_score: float
    sell_score: float
    match_score: float | None
    recommendation: Recommendation


class Timeline(BaseModel):
    stock_code: str
    policy_id: int | None
    points: list[TimelinePoint]


class HorizonFigures(BaseModel):
    horizon: GradeHorizon
    graded: int
    pending: int
    hit_rate: float | None = Field(description="share of graded calls with a forward return > 0")
    excess_hit_rate: float | None = Field(description="share with an excess return > 0")
    mean_return_pct: float | None
    median_return_pct: float | None
    mean_excess_pct: float | None
    median_excess_pct: float | None
    entry_reached_rate: float | None
    target_first_rate: float | None
    stop_first_rate: float | None


class GradingGroup(BaseModel):
    policy_id: int | None
    policy_version: int | None
    recommendation: Recommendation | None = Field(description="null: every recommendation of the version")
    evaluations: int
    horizons: list[HorizonFigures]


class CalibrationRow(BaseModel):
    band: int = Field(description="1 (score 0–10) … 10 (score 90–100)")
    score_from: float
    score_to: float
    count: int
    mean_return_pct: float | None
    hit_rate: float | None
    mean_excess_pct: float | None


class GradingReport(BaseModel):
    policy_id: int | None
    policy_name: str | None
    version: int | None
    horizon: GradeHorizon = Field(description="the horizon of the calibration table")
    benchmark: str
    evaluations: int
    groups: list[GradingGroup]
    calibration: list[CalibrationRow] = Field(
        description="match score (buy score without a policy) band → forward return and hit rate"
    )
