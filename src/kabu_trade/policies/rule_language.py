"""The rule language of investment policies: what a rule says, how it is validated and written down.

A rule is a JSON object discriminated by ``type`` (the contract of the web app's rule builder)::

    {"type": "compare", "metric": "per", "op": "<=", "value": 15, "weight": 2}
    {"type": "range", "metric": "rsi_14", "min": 30, "max": 70}
    {"type": "compare_metrics", "metric": "close", "op": ">", "other": "sma_200"}
    {"type": "cross", "fast": "sma_25", "slow": "sma_75", "direction": "above", "within_days": 5}

Every rule also has ``weight`` (0 < w ≤ 10, default 1), ``required`` (a hard filter, default false)
and an optional ``label``. Metric names are those of :mod:`kabu_trade.analysis.catalog`. A rule
without ``type`` is accepted when its keys say which type it is (``metric``+``op``+``value`` is a
comparison), and is stored with its type, so stored rules are always explicit.

Errors name the rule by its position: a bad metric in the third rule is reported at
``rules.2.metric`` (pydantic would put the union tag in the path, ``rules.2.compare.metric``; we
take it out so the web app can point at the field the user typed).
"""

from __future__ import annotations

import difflib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from kabu_trade.analysis.catalog import CROSS_LOOKBACK_DAYS, CROSS_PAIRS, METRICS, cross_metric

Op = Literal["<", "<=", ">", ">=", "==", "!="]
OPS: tuple[Op, ...] = get_args(Op)
RuleType = Literal["compare", "range", "compare_metrics", "cross"]
RULE_TYPES: tuple[RuleType, ...] = get_args(RuleType)
MAX_RULES = 50

# Names other tools use for our metrics. difflib alone suggests 'payout_ratio' for 'pe_ratio'.
_ALIASES = {
    "pe": "per",
    "pe_ratio": "per",
    "p/e": "per",
    "price_earnings": "per",
    "trailing_pe": "per",
    "forward_pe": "forward_per",
    "pb": "pbr",
    "pb_ratio": "pbr",
    "p/b": "pbr",
    "price_book": "pbr",
    "price": "close",
    "yield": "dividend_yield",
    "payout": "payout_ratio",
    "rsi": "rsi_14",
    "atr": "atr_14",
    "adx": "adx_14",
}


def suggest_metric(name: str) -> str | None:
    """The catalog metric the user most likely meant by ``name``, or None."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key in METRICS:
        return key
    if key in _ALIASES:
        return _ALIASES[key]
    close = difflib.get_close_matches(key, list(METRICS), n=1, cutoff=0.6)
    return close[0] if close else None


def _known_metric(name: str) -> str:
    if name in METRICS:
        return name
    hint = suggest_metric(name)
    if hint:
        raise PydanticCustomError(
            "unknown_metric",
            "unknown metric '{metric}'; did you mean '{hint}'?",
            {"metric": name, "hint": hint},
        )
    raise PydanticCustomError(
        "unknown_metric",
        "unknown metric '{metric}'; metric names are listed by GET /api/v1/policies/vocabulary",
        {"metric": name},
    )


MetricName = Annotated[str, AfterValidator(_known_metric)]
Number = Annotated[float, Field(allow_inf_nan=False)]


def format_number(value: float) -> str:
    """15.0 → '15', 0.05 → '0.05', -25 → '-25': rule texts read like what the user typed."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _type_is_required(schema: dict[str, Any]) -> None:
    # ``type`` has a default so Python code can write CompareRule(metric=..., ...), but clients must
    # send it: marking it required makes generated TypeScript types a proper tagged union.
    schema["required"] = ["type", *[name for name in schema.get("required", []) if name != "type"]]


class _RuleBase(BaseModel, ABC):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_type_is_required)

    type: str
    weight: float = Field(1.0, gt=0, le=10, description="importance in the match score (0 < w ≤ 10)")
    required: bool = Field(False, description="a hard filter: the stock qualifies only if it holds")
    label: str | None = Field(None, max_length=200, description="the investor's own words for the rule")

    @abstractmethod
    def text(self) -> str:
        """The rule as a person reads it, e.g. ``per <= 15``."""

    @abstractmethod
    def metrics(self) -> tuple[str, ...]:
        """The catalog metrics this rule reads."""


class CompareRule(_RuleBase):
    """``metric op value``, e.g. ``per <= 15``."""

    type: Literal["compare"] = "compare"
    metric: MetricName
    op: Op
    value: Number

    def text(self) -> str:
        return f"{self.metric} {self.op} {format_number(self.value)}"

    def metrics(self) -> tuple[str, ...]:
        return (self.metric,)


class RangeRule(_RuleBase):
    """``min <= metric <= max``; either bound may be left out (not both)."""

    type: Literal["range"] = "range"
    metric: MetricName
    min: Number | None = None
    max: Number | None = None

    @model_validator(mode="after")
    def _bounds(self) -> RangeRule:
        if self.min is None and self.max is None:
            raise PydanticCustomError("range_bounds", "a range needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise PydanticCustomError(
                "range_bounds",
                "min ({min}) must not be greater than max ({max})",
                {"min": format_number(self.min), "max": format_number(self.max)},
            )
        return self

    def text(self) -> str:
        if self.min is not None and self.max is not None:
            return f"{format_number(self.min)} <= {self.metric} <= {format_number(self.max)}"
        if self.min is not None:
            return f"{self.metric} >= {format_number(self.min)}"
        # bandit B101: the validator guarantees one bound; the assert only narrows the type for mypy.
        assert self.max is not None  # nosec B101
        return f"{self.metric} <= {format_number(self.max)}"

    def metrics(self) -> tuple[str, ...]:
        return (self.metric,)


class CompareMetricsRule(_RuleBase):
    """Two metrics compared, e.g. ``close > sma_200``. Both must be in the same unit."""

    type: Literal["compare_metrics"] = "compare_metrics"
    metric: MetricName
    op: Op
    other: MetricName

    @model_validator(mode="after")
    def _comparable(self) -> CompareMetricsRule:
        if self.metric == self.other:
            raise PydanticCustomError(
                "same_metric", "compares '{metric}' with itself", {"metric": self.metric}
            )
        unit, other_unit = METRICS[self.metric].unit, METRICS[self.other].unit
        if unit != other_unit:
            raise PydanticCustomError(
                "unit_mismatch",
                "cannot compare {metric} ({unit}) with {other} ({other_unit}): "
                "pick two metrics in the same unit",
                {"metric": self.metric, "unit": unit, "other": self.other, "other_unit": other_unit},
            )
        return self

    def text(self) -> str:
        return f"{self.metric} {self.op} {self.other}"

    def metrics(self) -> tuple[str, ...]:
        return (self.metric, self.other)


class CrossRule(_RuleBase):
    """``fast`` crossed ``direction`` ``slow`` within the last ``within_days`` trading days (0 = on
    the as-of day). It reads the catalog metric ``cross_{direction}__{fast}__{slow}`` (days since the
    last such cross), so it says nothing about where the lines stand today: add a
    ``compare_metrics`` rule for that."""

    type: Literal["cross"] = "cross"
    fast: str
    slow: str
    direction: Literal["above", "below"] = "above"
    within_days: int = Field(5, ge=0, le=CROSS_LOOKBACK_DAYS)

    @model_validator(mode="after")
    def _tracked_pair(self) -> CrossRule:
        if (self.fast, self.slow) in CROSS_PAIRS:
            return self
        supported = ", ".join(f"({fast}, {slow})" for fast, slow in CROSS_PAIRS)
        if (self.slow, self.fast) in CROSS_PAIRS:
            raise PydanticCustomError(
                "unsupported_cross_pair",
                "unsupported cross pair ({fast}, {slow}): put the faster line first, as in ({slow}, {fast})",
                {"fast": self.fast, "slow": self.slow},
            )
        raise PydanticCustomError(
            "unsupported_cross_pair",
            "unsupported cross pair ({fast}, {slow}); supported pairs (fast, slow): {supported}",
            {"fast": self.fast, "slow": self.slow, "supported": supported},
        )

    @property
    def metric(self) -> str:
        return cross_metric(self.direction, self.fast, self.slow)

    def text(self) -> str:
        if self.within_days == 0:
            when = "today"
        else:
            when = f"within {self.within_days} day{'s' if self.within_days != 1 else ''}"
        return f"{self.fast} crossed {self.direction} {self.slow} {when}"

    def metrics(self) -> tuple[str, ...]:
        return (self.metric, self.fast, self.slow)


AnyRule = CompareRule | RangeRule | CompareMetricsRule | CrossRule


def _infer_type(value: Any) -> Any:
    """Give a rule written without ``type`` the type its keys imply (the issue's bare example)."""
    if not isinstance(value, Mapping) or "type" in value:
        return value
    keys = set(value)
    if {"fast", "slow"} <= keys:
        kind = "cross"
    elif {"metric", "op", "other"} <= keys:
        kind = "compare_metrics"
    elif {"metric", "op", "value"} <= keys:
        kind = "compare"
    elif "metric" in keys and keys & {"min", "max"}:
        kind = "range"
    else:
        return value
    return {"type": kind, **value}


Rule = Annotated[AnyRule, Field(discriminator="type"), BeforeValidator(_infer_type)]
_TYPE_LIST = ", ".join(RULE_TYPES)


def _relocated(exc: ValidationError) -> ValidationError:
    """The same errors with the union tag taken out of each path and clearer type messages."""
    details: list[InitErrorDetails] = []
    for error in exc.errors(include_url=False):
        loc = list(error["loc"])
        if len(loc) >= 2 and isinstance(loc[0], int) and loc[1] in RULE_TYPES:
            del loc[1]
        message = error["msg"]
        if error["type"] == "union_tag_not_found":
            message = f"the rule has no 'type'; use one of {_TYPE_LIST}"
        elif error["type"] == "union_tag_invalid":
            given = error["input"].get("type") if isinstance(error["input"], Mapping) else None
            message = f"unknown rule type {given!r}; use one of {_TYPE_LIST}"
        details.append(
            {"type": PydanticCustomError(error["type"], message), "loc": tuple(loc), "input": error["input"]}
        )
    return ValidationError.from_exception_data(exc.title, details)


def _clean_errors(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError as exc:
        raise _relocated(exc) from None


RuleList = Annotated[
    list[Rule],
    Field(max_length=MAX_RULES, description=f"at most {MAX_RULES} rules"),
    WrapValidator(_clean_errors),
]
_RULES = TypeAdapter(RuleList)


def parse_rules(raw: Iterable[Mapping[str, Any]] | None) -> list[AnyRule]:
    """Rules as stored (``policy.rules``) → rule objects. Raises ``ValidationError`` if invalid."""
    return _RULES.validate_python(list(raw or []))


def dump_rules(rules: Iterable[AnyRule]) -> list[dict[str, Any]]:
    """Rule objects → the JSON stored with a policy (every field explicit, ``type`` included)."""
    return [rule.model_dump(mode="json") for rule in rules]


def rule_metrics(rules: Iterable[AnyRule]) -> list[str]:
    """Every metric the rules read, once, in order: what an evaluation must load."""
    return list(dict.fromkeys(name for rule in rules for name in rule.metrics()))
