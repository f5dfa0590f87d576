"""What a trade costs: a commission per order and slippage on the fill price.

Three commission forms, one per ``CostModel``:

- **zero** (``CostModel()``): the 0-yen plans most Japanese online brokers now offer;
- **a percentage with a minimum**: ``fee = max(minimum_yen, rate × value)`` for a traded value > 0
  (``rate=0.001`` is 0.1 %); with ``minimum_yen=0`` it is the proportional commission of
  backtesting.py's ``commission=rate``, which parity mode relies on;
- **a tier table**: the fee of the first tier whose upper bound the order's value does not exceed
  (brokers' per-order plans, e.g. :data:`SBI_STANDARD` below).

Slippage moves every fill against the trader by ``slippage_bps`` basis points of the price: a buy
fills at ``price × (1 + bps/10,000)``, a sell at ``price × (1 − bps/10,000)``; the commission is
charged on the slipped value. Fees are in yen and not rounded (a broker rounds its own fee to the
yen; the tables below are already whole yen), so a proportional model reproduces other tools exactly.
Taxes (20.315 % on gains in a taxable account, none in NISA) are not a cost here.
"""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass, field

from kabu_trade.engine.backtest.errors import EngineInputError

MAX_RATE = 0.1  # 10 % per order: anything above is a typo (0.1 meant as 0.1 %), not a broker
MAX_MINIMUM_YEN = 100_000.0
MAX_SLIPPAGE_BPS = 1_000.0  # 10 % of the price


@dataclass(frozen=True)
class CostModel:
    """Commission and slippage for every fill. Validated on construction (``costs.<field>``)."""

    rate: float = 0.0
    minimum_yen: float = 0.0
    # (upper bound of the order's value in yen, fee in yen), ascending; the last bound may be inf.
    tiers: tuple[tuple[float, float], ...] = ()
    slippage_bps: float = 0.0
    name: str = "custom"
    _bounds: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_range("costs.rate", self.rate, 0.0, MAX_RATE, upper_open=True)
        _check_range("costs.minimum_yen", self.minimum_yen, 0.0, MAX_MINIMUM_YEN)
        _check_range("costs.slippage_bps", self.slippage_bps, 0.0, MAX_SLIPPAGE_BPS)
        if self.tiers and (self.rate or self.minimum_yen):
            raise EngineInputError("costs.tiers", "give a tier table or a rate with a minimum, not both")
        bounds = tuple(float(bound) for bound, _ in self.tiers)
        for position, (bound, fee) in enumerate(self.tiers):
            where = f"costs.tiers.{position}"
            if math.isnan(bound) or bound <= 0:
                raise EngineInputError(where, f"the upper bound must be a positive amount, not {bound}")
            _check_range(where, fee, 0.0, MAX_MINIMUM_YEN)
        if any(later <= earlier for earlier, later in itertools.pairwise(bounds)):
            raise EngineInputError("costs.tiers", "the upper bounds must increase")
        if bounds and not math.isinf(bounds[-1]):
            raise EngineInputError("costs.tiers", "the last tier must have no upper bound (inf)")
        object.__setattr__(self, "_bounds", bounds)

    def fee(self, value: float) -> float:
        """The commission in yen on one order of ``value`` yen (0 for no order)."""
        if value <= 0:
            return 0.0
        if self.tiers:
            return self.tiers[bisect.bisect_left(self._bounds, value)][1]
        return max(self.minimum_yen, value * self.rate)

    @property
    def worst_sale_shortfall(self) -> float:
        """The most a sale can take from the cash: a fee larger than the sale's value (a
        minimum, or the first tier's 55 yen, on a position worth next to nothing). The simulation
        keeps this much in reserve per open position, so that no sale overdraws the account."""
        shortfall = self.minimum_yen
        lower = 0.0
        for bound, fee in self.tiers:
            shortfall = max(shortfall, fee - lower)
            lower = bound
        return shortfall

    def buy_price(self, price: float) -> float:
        return price * (1.0 + self.slippage_bps / 10_000.0) if self.slippage_bps else price

    def sell_price(self, price: float) -> float:
        return price * (1.0 - self.slippage_bps / 10_000.0) if self.slippage_bps else price

    def with_slippage(self, slippage_bps: float) -> CostModel:
        return CostModel(self.rate, self.minimum_yen, self.tiers, slippage_bps, self.name)


def _check_range(name: str, value: float, low: float, high: float, *, upper_open: bool = False) -> None:
    if not isinstance(value, int | float) or math.isnan(value) or math.isinf(value):
        raise EngineInputError(name, f"must be a finite number, not {value!r}")
    too_high = value >= high if upper_open else value > high
    if value < low or too_high:
        bracket = ")" if upper_open else "]"
        raise EngineInputError(name, f"must lie in [{low:g}, {high:g}{bracket}, not {value:g}")


ZERO = CostModel(name="zero")

# Per-order plans of the two largest online brokers, tax included, as published before both made
# domestic online trading free (SBI証券 ゼロ革命, 楽天証券 ゼロコース, 2023-10): still what an
# account without those conditions pays, and a realistic cost to test a policy against.
SBI_STANDARD = CostModel(
    tiers=(
        (50_000, 55),
        (100_000, 99),
        (200_000, 115),
        (500_000, 275),
        (1_000_000, 535),
        (1_500_000, 640),
        (30_000_000, 1_013),
        (math.inf, 1_070),
    ),
    name="sbi_standard",
)
RAKUTEN_CHOWARI = CostModel(tiers=SBI_STANDARD.tiers, name="rakuten_chowari")

PRESETS: dict[str, CostModel] = {model.name: model for model in (ZERO, SBI_STANDARD, RAKUTEN_CHOWARI)}


def preset(name: str, *, slippage_bps: float = 0.0) -> CostModel:
    """A named broker plan (``zero``, ``sbi_standard``, ``rakuten_chowari``) with optional slippage."""
    try:
        model = PRESETS[name]
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        raise EngineInputError("costs.preset", f"unknown plan {name!r} (known: {known})") from None
    return model.with_slippage(slippage_bps)
