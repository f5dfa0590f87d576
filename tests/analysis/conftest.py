"""The demo universe as plain frames (no database) for the analysis tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import pytest

from kabu_trade.market.adjustments import adjust_bars
from kabu_trade.market.providers.demo import DemoProvider
from tests.conftest import DEMO_END, DEMO_START, DEMO_SYMBOLS


@dataclass(frozen=True)
class DemoMarket:
    bars: pd.DataFrame  # raw, BAR_COLUMNS
    disclosures: pd.DataFrame
    split_codes: list[str]

    def raw(self, code: str) -> pd.DataFrame:
        return self.bars[self.bars["code"] == code].reset_index(drop=True)

    def events(self, code: str) -> list[tuple[date, float]]:
        raw = self.raw(code)
        split = raw[raw["adj_factor"] != 1.0]
        return list(zip(split["date"], split["adj_factor"].astype(float), strict=True))

    def adjusted(self, code: str) -> pd.DataFrame:
        return adjust_bars(self.raw(code), self.events(code))

    def disclosures_of(self, code: str) -> pd.DataFrame:
        return self.disclosures[self.disclosures["code"] == code].reset_index(drop=True)


@pytest.fixture(scope="session")
def demo_market() -> DemoMarket:
    provider = DemoProvider(symbols=DEMO_SYMBOLS, start=DEMO_START, end=DEMO_END)
    bars = provider.fetch_daily_bars(DEMO_START, DEMO_END)
    disclosures = provider.fetch_fundamentals(date(2000, 1, 1), DEMO_END)
    return DemoMarket(bars, disclosures, sorted({s.code for s in provider.splits()}))
