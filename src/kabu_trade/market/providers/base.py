"""The one interface every market data provider implements (demo, CSV, J-Quants, yfinance).

Every provider returns the same pandas frames, so sync, evaluation and backtests never know which
one is behind:

- ``list_stocks()`` → STOCK_COLUMNS, one row per listed stock.
- ``fetch_daily_bars(start, end, codes)`` → BAR_COLUMNS, raw (as traded) OHLCV of every trading
  day in [start, end], plus ``adj_factor`` (J-Quants semantics: the split factor that takes effect
  on that date, 0.5 on the ex-date of a 1:2 split, otherwise 1.0).
- ``fetch_fundamentals(start, end, codes)`` → FUNDAMENTAL_COLUMNS, every financial summary
  *disclosed* in [start, end] (point in time).
- ``fetch_index_bars(start, end)`` → INDEX_BAR_COLUMNS, the daily bars (in index points) of the
  market index the source publishes, if any: J-Quants' TOPIX, the demo universe's own index. A
  source without one (CSV, yfinance) answers an empty frame, and the market overview then falls
  back to the equal-weight universe.

``codes=None`` means the provider's whole universe. Codes are 4 characters (``7203``, ``130A``).
A provider that cannot answer raises ``SourceError`` with a message that says what failed; it never
returns made-up data instead.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import date

import pandas as pd

STOCK_COLUMNS = [
    "code",
    "name",
    "name_kana",
    "name_en",
    "sector_code",
    "sector_name",
    "market",
    "lot_size",
]
BAR_COLUMNS = ["code", "date", "open", "high", "low", "close", "volume", "turnover", "adj_factor"]
FUNDAMENTAL_COLUMNS = [
    "code",
    "disclosed_date",
    "period_type",
    "period_end",
    "sales",
    "operating_profit",
    "net_income",
    "eps",
    "forecast_eps",
    "bps",
    "dps",
    "forecast_dps",
    "equity",
    "total_assets",
    "shares_outstanding",
]
INDEX_BAR_COLUMNS = ["code", "date", "open", "high", "low", "close"]
# Index codes as stored in ``index_bars.code`` and the names answers show for them. The demo's index
# is fictional like the rest of the demo data, so it has its own code and never passes for TOPIX.
TOPIX = "TOPIX"
DEMO_INDEX = "TOPIX_DEMO"
INDEX_NAMES = {TOPIX: "TOPIX", DEMO_INDEX: "TOPIX (demo)"}
# Market segments as stored: lower-case English names of the TSE segments.
MARKETS = ("prime", "standard", "growth", "other")
PERIOD_TYPES = ("1Q", "2Q", "3Q", "FY")


class MarketDataProvider(ABC):
    #: provider name as stored in ``stocks.source`` and shown in answers
    name: str
    #: True only for the offline demo generator: its data is fictional and never mixed with real
    is_demo: bool = False
    #: True when one call returns all stocks of a date (J-Quants): sync then walks dates
    fetches_by_date: bool = False
    #: True when names are only learnt while fetching prices (yfinance): sync lists stocks again after
    names_from_prices: bool = False

    @abstractmethod
    def list_stocks(self) -> pd.DataFrame: ...

    @abstractmethod
    def fetch_daily_bars(
        self, start: date, end: date, codes: Sequence[str] | None = None
    ) -> pd.DataFrame: ...

    @abstractmethod
    def fetch_fundamentals(
        self, start: date, end: date, codes: Sequence[str] | None = None
    ) -> pd.DataFrame: ...

    def fetch_index_bars(self, start: date, end: date) -> pd.DataFrame:
        """The source's market index bars in [start, end]; none unless the source has an index."""
        return empty_frame(INDEX_BAR_COLUMNS)

    def close(self) -> None:  # noqa: B027 - optional hook, most providers hold nothing
        """Release connections; the default holds nothing."""


def empty_frame(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def conform(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Return ``frame`` with exactly ``columns`` in order; absent optional columns become NaN/None."""
    out = frame.copy()
    for column in columns:
        if column not in out.columns:
            out[column] = None
    return out[list(columns)].reset_index(drop=True)
