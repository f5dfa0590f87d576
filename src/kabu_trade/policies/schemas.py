from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from kabu_trade.analysis.catalog import SCORE_PARTS, Kind
from kabu_trade.core.params import MAX_VERSION
from kabu_trade.policies.rule_language import Op, RuleList, RuleType

Style = Literal["value", "growth", "dividend", "momentum", "contrarian", "swing"]
STYLES: tuple[Style, ...] = get_args(Style)
Horizon = Literal["short", "medium", "long"]
HORIZONS: tuple[Horizon, ...] = get_args(Horizon)
Language = Literal["ja", "en"]

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
PartWeight = Annotated[float, Field(ge=0, le=5, allow_inf_nan=False)]
DEFAULT_PART_WEIGHT = 1.0


def _unknown_part(name: str) -> InitErrorDetails:
    parts = ", ".join(SCORE_PARTS)
    close = difflib.get_close_matches(str(name).lower(), SCORE_PARTS, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    error = PydanticCustomError(
        "unknown_score_part",
        "unknown score part '{part}'; {hint}the parts are {parts}",
        {"part": name, "hint": hint, "parts": parts},
    )
    return {"type": error, "loc": (name,), "input": name}


def _known_parts(weights: Any) -> Any:
    if not isinstance(weights, Mapping):
        return weights  # the dict validator reports it
    unknown = [name for name in weights if name not in SCORE_PARTS]
    if unknown:
        # A ValidationError raised here keeps its paths, so the error points at weights.<name>.
        raise ValidationError.from_exception_data("weights", [_unknown_part(name) for name in unknown])
    return weights


def _complete_weights(weights: dict[str, float]) -> dict[str, float]:
    """Every score part with its multiplier (missing → 1.0), so a stored policy is explicit and
    an evaluation can be reproduced even if the defaults change."""
    return {part: float(weights.get(part, DEFAULT_PART_WEIGHT)) for part in SCORE_PARTS}


class PolicyCreate(BaseModel):
    """An investment policy (投資方針) as the investor writes it."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    description: Description | None = None
    style: Style
    horizon: Horizon
    risk_tolerance: int = Field(ge=1, le=5, description="1 (cautious) … 5 (bold)")
    target_return_pct: float = Field(gt=0, le=500, description="target gain, % (15 = +15 %)")
    stop_loss_pct: float = Field(gt=0, lt=100, description="loss that ends a position, % (8 = −8 %)")
    trailing_stop_pct: float | None = Field(
        None, gt=0, lt=100, description="fall from the highest close since entry that ends a position, %"
    )
    weights: dict[str, PartWeight] = Field(
        default_factory=dict,
        description="score part → multiplier 0–5 (missing parts 1.0); parts: " + ", ".join(SCORE_PARTS),
    )
    rules: RuleList = Field(default_factory=list)

    @field_validator("weights", mode="before")
    @classmethod
    def _weight_names(cls, weights: Any) -> Any:
        return _known_parts(weights)

    @field_validator("weights")
    @classmethod
    def _weights(cls, weights: dict[str, float]) -> dict[str, float]:
        return _complete_weights(weights)


class PolicyUpdate(PolicyCreate):
    """The whole policy again (PUT replaces it). ``expected_version`` guards against overwriting
    a change made elsewhere (another tab): a mismatch is a 409."""

    expected_version: int | None = Field(None, ge=1, le=MAX_VERSION)


class PolicyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str | None
    style: Style
    horizon: Horizon
    risk_tolerance: int
    target_return_pct: float
    stop_loss_pct: float
    trailing_stop_pct: float | None
    weights: dict[str, float]
    rules: RuleList
    version: int
    created_at: datetime
    updated_at: datetime


class PolicyList(BaseModel):
    items: list[PolicyRead]
    total: int


class PolicySnapshot(BaseModel):
    """A policy exactly as it was at one version. Rules are returned as stored (the shape of
    ``PolicyRead.rules``) and are not re-validated, so old versions stay readable."""

    model_config = ConfigDict(extra="allow")

    policy_id: int
    version: int
    name: str
    description: str | None
    style: str
    horizon: str
    risk_tolerance: int
    target_return_pct: float
    stop_loss_pct: float
    trailing_stop_pct: float | None
    weights: dict[str, float]
    rules: list[dict[str, Any]]


class PolicyVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    policy_id: int
    version: int
    created_at: datetime
    snapshot: PolicySnapshot


class PolicyVersionList(BaseModel):
    items: list[PolicyVersionRead] = Field(description="newest first")
    total: int


class PresetRead(BaseModel):
    style: Style
    name_ja: str
    name_en: str
    description_ja: str
    description_en: str
    policy: PolicyCreate = Field(description="ready to POST to /policies (name in the reader's language)")


class PresetApply(BaseModel):
    """Optional overrides when creating a policy from a preset."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    description: Description | None = None


class MetricInfo(BaseModel):
    name: str
    kind: Kind
    unit: str
    label_en: str
    label_ja: str


class CrossPair(BaseModel):
    fast: str
    slow: str


class RuleVocabulary(BaseModel):
    """Everything the rule builder offers: metrics, operators, cross pairs, score parts."""

    rule_types: list[RuleType]
    ops: list[Op]
    metrics: list[MetricInfo]
    cross_pairs: list[CrossPair]
    cross_lookback_days: int
    max_rules: int
    score_parts: list[str]
    styles: list[Style]
    horizons: list[Horizon]
