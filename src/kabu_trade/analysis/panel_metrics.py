"""The analysis domain's metrics for the backtest panel (``kabu_trade.engine.panel``).

The engine may not import a domain (import-linter), so the domain hands it its code: this
``MetricSource`` runs the same functions as the stock page and the screener — ``technical_series``
(TA-Lib series, crosses) and ``fundamental_panel`` (point-in-time disclosures) — so a panel row is
the metrics those pages would have shown on that day.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kabu_trade.analysis.catalog import METRICS
from kabu_trade.analysis.fundamentals import fundamental_panel
from kabu_trade.analysis.indicators import technical_series

Floats = NDArray[np.float64]

# Yen per share: they change with the share basis. Turnover and market cap are yen amounts (price
# × shares), the same on any basis.
PRICE_METRICS = frozenset(
    name for name, m in METRICS.items() if m.unit == "yen" and name not in ("turnover_avg_20", "market_cap")
)
SHARE_METRICS = frozenset(name for name, m in METRICS.items() if m.unit == "shares")


class AnalysisMetrics:
    """Technical and fundamental metrics of a universe; ``disclosures``: its financial summaries
    (``FUNDAMENTAL_COLUMNS``); ``earlier_splits`` (code, date, factor): splits before the panel's
    first session, which still convert older disclosures' per-share figures (last year's EPS)."""

    price_metrics = PRICE_METRICS
    share_metrics = SHARE_METRICS

    def __init__(self, disclosures: pd.DataFrame, earlier_splits: pd.DataFrame | None = None) -> None:
        self._disclosures = disclosures
        self._earlier = earlier_splits

    def technical(
        self, high: Floats, low: Floats, close: Floats, volume: Floats, turnover: Floats
    ) -> Mapping[str, Floats]:
        return technical_series(high, low, close, volume, turnover)

    def fundamental(
        self,
        symbols: tuple[str, ...],
        sessions: NDArray[np.datetime64],
        closes: Floats,
        known_by: NDArray[np.datetime64],
        splits: pd.DataFrame,
    ) -> Mapping[str, Floats]:
        if self._earlier is not None and len(self._earlier):
            splits = pd.concat([self._earlier[["code", "date", "factor"]], splits], ignore_index=True)
        return fundamental_panel(self._disclosures, symbols, sessions, closes, known_by, splits)
