"""The cost option of a backtest as people write it: ``zero``, ``sbi``, ``rakuten`` or
``pct:0.1,min:100`` (0.1 % of each order, at least ¥100)."""

from __future__ import annotations

from kabu_trade.core.errors import InvalidInput
from kabu_trade.engine.backtest import CostModel, EngineInputError, preset

# Short names for the engine's broker plans.
PLANS = {"zero": "zero", "sbi": "sbi_standard", "rakuten": "rakuten_chowari"}
# What the option looks like (the API documents it); the ranges are checked by the engine.
COST_PATTERN = r"^(zero|sbi|rakuten|pct:[0-9]+(\.[0-9]+)?(,min:[0-9]+(\.[0-9]+)?)?)$"
COST_HELP = "zero, sbi, rakuten or pct:RATE%[,min:YEN] (pct:0.1,min:100 = 0.1 % of each order, at least ¥100)"


def cost_model(spec: str, slippage_bps: float = 0.0, *, field: str = "cost") -> CostModel:
    """The engine's :class:`CostModel` for ``spec``; InvalidInput naming ``field`` otherwise."""
    text = spec.strip().lower()
    try:
        if text in PLANS:
            return preset(PLANS[text], slippage_bps=slippage_bps)
        if text.startswith("pct:"):
            rate, minimum = _percentage(text, field)
            return CostModel(rate=rate / 100.0, minimum_yen=minimum, slippage_bps=slippage_bps, name=text)
    except EngineInputError as exc:
        where = "slippage_bps" if exc.field == "costs.slippage_bps" else field
        raise InvalidInput(f"{where}: {exc.message}", field=where) from None
    raise InvalidInput(f"{field}: unknown cost {spec!r}; use {COST_HELP}", field=field)


def _percentage(text: str, field: str) -> tuple[float, float]:
    rate: float | None = None
    minimum = 0.0
    for part in text.split(","):
        key, _, value = part.partition(":")
        try:
            number = float(value)
        except ValueError:
            raise InvalidInput(f"{field}: {part!r} needs a number; use {COST_HELP}", field=field) from None
        if key.strip() == "pct":
            rate = number
        elif key.strip() == "min":
            minimum = number
        else:
            raise InvalidInput(f"{field}: unknown part {key!r}; use {COST_HELP}", field=field)
    if rate is None:
        raise InvalidInput(f"{field}: pct:RATE is missing; use {COST_HELP}", field=field)
    return rate, minimum
