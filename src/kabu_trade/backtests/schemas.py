"""The backtests API's bodies and answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from kabu_trade.backtests.costs import COST_HELP, COST_PATTERN, cost_model
from kabu_trade.backtests.service import BacktestParams
from kabu_trade.core.errors import InvalidInput
from kabu_trade.core.params import MAX_ID, MAX_VERSION, IsoDate


class BacktestCreate(BaseModel):
    """A policy backtest: the period, the account and the costs."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    policy_id: int = Field(ge=1, le=MAX_ID)
    version: int | None = Field(
        None, ge=1, le=MAX_VERSION, description="the policy as it was then; none: as now"
    )
    from_: IsoDate = Field(alias="from", description="first session, YYYY-MM-DD")
    to: IsoDate = Field(description="last session, YYYY-MM-DD (not before from)")
    cash: float = Field(10_000_000.0, gt=0, le=1e12, allow_inf_nan=False, description="starting cash, yen")
    cost: str = Field("zero", max_length=60, pattern=COST_PATTERN, description=COST_HELP)
    slippage_bps: float = Field(0.0, ge=0, le=1000, allow_inf_nan=False)
    max_positions: int = Field(10, ge=1, le=1000)
    sizing: Literal["equal", "risk"] = "equal"
    min_match_score: float = Field(60.0, ge=0, le=100, allow_inf_nan=False)
    min_recommendation: Literal["strong_buy", "buy", "neutral"] = "buy"
    lang: Literal["ja", "en"] = Field("ja", description="the language of the exit reasons")
    check_lookahead: bool = Field(
        False,
        description="also rerun the backtest on data cut at several sessions and started later; the "
        "result's lookahead part lists every signal, decision or trade that differs (none: no look-ahead)",
    )

    @field_validator("to")
    @classmethod
    def _not_before_from(cls, value: date, info: ValidationInfo) -> date:
        start = info.data.get("from_")
        if isinstance(start, date) and value < start:
            raise ValueError(f"must not be before from ({start})")
        return value

    @field_validator("cost")
    @classmethod
    def _known_cost(cls, value: str) -> str:
        try:
            cost_model(value)
        except InvalidInput as exc:
            raise ValueError(exc.detail.removeprefix("cost: ")) from None
        return value

    def params(self) -> BacktestParams:
        return BacktestParams(
            policy_id=self.policy_id,
            start=self.from_,
            end=self.to,
            version=self.version,
            cash=self.cash,
            cost=self.cost,
            slippage_bps=self.slippage_bps,
            max_positions=self.max_positions,
            sizing=self.sizing,
            min_match_score=self.min_match_score,
            min_recommendation=self.min_recommendation,
            check_lookahead=self.check_lookahead,
        )


class BacktestJob(BaseModel):
    """The job that runs a backtest: its state and progress."""

    id: int
    status: Literal["queued", "running", "succeeded", "failed"]
    progress_done: int
    progress_total: int
    progress_label: str
    error: str | None = Field(description="why it failed")
    eta_seconds: float | None


class BacktestRead(BaseModel):
    id: int
    policy_id: int
    policy_version: int
    status: Literal["queued", "running", "succeeded", "failed"] = Field(
        description="the job's, or succeeded once a result is stored"
    )
    params: dict[str, Any]
    created_at: datetime
    finished_at: datetime | None
    job: BacktestJob | None
    summary: dict[str, Any] | None = Field(description="the figures, once it succeeded")
    result: dict[str, Any] | None = Field(
        None,
        description="one backtest only: summary, equity curve with the benchmark and drawdown, every trade "
        "with its reason, monthly returns",
    )


class BacktestList(BaseModel):
    items: list[BacktestRead]
    total: int
