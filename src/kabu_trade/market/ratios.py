"""Valuation and quality ratios of each disclosure at a price (PER, PBR, ROE, yield …).

Shown on a stock's page (its latest ratios and their history); the metrics of ``analysis`` use
the same definitions. They live with the market data, below ``analysis``, because they derive
from one disclosure and one price, as split adjustments do (``adjustments.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["FORECAST_COLUMNS", "fundamental_ratios", "is_results"]

FORECAST_COLUMNS = ["forecast_eps", "forecast_dps"]


def is_results(disclosures: pd.DataFrame) -> pd.Series:
    """Rows that report a period's results: any figure besides the forecasts. A forecast revision
    (J-Quants ``EarnForecastRevision``, ``DividendForecastRevision``) has only a forecast, filed
    under the fiscal year it forecasts: it says nothing of the latest period."""
    actuals = [c for c in disclosures.columns[4:] if c not in FORECAST_COLUMNS]
    return disclosures[actuals].notna().any(axis=1)


def _ratio(numerator: pd.Series, denominator: pd.Series, scale: float = 1.0) -> pd.Series:
    result = numerator / denominator.where(denominator > 0) * scale
    return result.replace([np.inf, -np.inf], np.nan)


def fundamental_ratios(disclosures: pd.DataFrame, prices: pd.Series) -> pd.DataFrame:
    """Valuation and quality ratios for each disclosure, as known on its disclosure date.

    ``disclosures`` holds FUNDAMENTAL_COLUMNS in disclosure order; ``prices`` the raw close for each
    row (same index), on the same share basis as the row's per-share figures.

    - ``per``: price / the latest full-year EPS known then (quarterly EPS is cumulative-to-date, so
      it would overstate PER); null when that EPS is ≤ 0 (a loss has no meaningful PER).
    - ``forward_per``: price / the forecast full-year EPS. Each forecast comes from the latest row
      that has it: a forecast revision revises one and leaves the other blank.
    - ``equity_ratio`` and the balance sheet: from the latest row that has one (a revision has none).
    - ``pbr``: price / BPS. ``roe``: full-year net income / equity, in %.
    - ``dividend_yield``: forecast annual DPS (else the last full-year DPS) / price, in %.
    - ``equity_ratio``: equity / total assets, in %. ``payout_ratio``: DPS / EPS of the full year, in %.
    """
    frame = disclosures.reset_index(drop=True).copy()
    is_fy = frame["period_type"] == "FY"
    annual_eps = frame["eps"].where(is_fy).ffill()
    annual_income = frame["net_income"].where(is_fy).ffill()
    annual_dps = frame["dps"].where(is_fy).ffill()
    bps = frame["bps"].ffill()
    price = pd.Series(np.asarray(prices, dtype=float), index=frame.index)
    forecast_eps = frame["forecast_eps"].ffill()
    dps_basis = frame["forecast_dps"].ffill().fillna(annual_dps)
    balance = frame["equity"].notna() & frame["total_assets"].notna()
    out = pd.DataFrame(index=frame.index)
    out["price"] = price
    out["per"] = _ratio(price, annual_eps)
    out["forward_per"] = _ratio(price, forecast_eps)
    out["pbr"] = _ratio(price, bps)
    out["roe"] = _ratio(annual_income, frame["equity"].ffill(), 100.0)
    out["dividend_yield"] = _ratio(dps_basis, price, 100.0)
    out["equity_ratio"] = _ratio(
        frame["equity"].where(balance).ffill(), frame["total_assets"].where(balance).ffill(), 100.0
    )
    out["payout_ratio"] = _ratio(annual_dps, annual_eps, 100.0)
    return out.round(4)
