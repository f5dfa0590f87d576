"""Build the configured provider. Imports are lazy: a laptop on the demo never loads yfinance.

The environment (``KABU_JQUANTS_API_KEY``, ``KABU_UNIVERSE`` …) is the default; a caller holding
other configuration (the data page's stored settings, resolved in ``jobs.kinds``) passes it in
``jquants_api_key``, ``jquants_plan`` and ``universe``, which win over the environment.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kabu_trade.core.config import Settings
from kabu_trade.core.errors import InvalidInput
from kabu_trade.market.providers.base import MarketDataProvider


def create_provider(
    settings: Settings,
    name: str | None = None,
    *,
    csv_bars: Path | None = None,
    csv_fundamentals: Path | None = None,
    csv_stocks: Path | None = None,
    jquants_api_key: str | None = None,
    jquants_plan: str | None = None,
    universe: list[str] | None = None,
) -> MarketDataProvider:
    source = name or settings.data_source
    if source == "demo":
        from kabu_trade.market.providers.demo import DemoProvider

        return DemoProvider(symbols=settings.demo_symbols, start=settings.demo_start, end=settings.demo_end)
    if source == "csv":
        from kabu_trade.market.providers.csv_files import CsvProvider

        if csv_bars is None:
            raise InvalidInput("The csv source needs a bars file (--bars FILE).", field="bars")
        return CsvProvider(csv_bars, fundamentals=csv_fundamentals, stocks=csv_stocks)
    if source == "jquants":
        from kabu_trade.market.providers.jquants import JQuantsProvider

        key = jquants_api_key
        if key is None:
            key = settings.jquants_api_key.get_secret_value() if settings.jquants_api_key else ""
        return JQuantsProvider(
            api_key=key,
            plan=jquants_plan or settings.jquants_plan,
            base_url=settings.jquants_base_url,
            fins_per_minute=settings.jquants_fins_per_minute,
        )
    if source == "yfinance":
        from kabu_trade.market.providers.yfinance_source import YFinanceProvider

        return YFinanceProvider(universe if universe else settings.universe)
    raise InvalidInput(f"Unknown data source {source!r}: use demo, csv, jquants or yfinance.", field="source")


def provider_end(provider: MarketDataProvider, today: date) -> date:
    """The last date a provider can serve: the demo generator stops at its own end date."""
    end = getattr(provider, "end", None)
    return min(end, today) if isinstance(end, date) else today
