from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kabu_trade.core.db import Base, JSONDoc, UTCDateTime, utcnow


class StockMetrics(Base):
    """The latest metrics of one stock (names from ``analysis.catalog``), recomputed for the whole
    universe after every sync so that reads, evaluations and screening never recompute."""

    __tablename__ = "stock_metrics"

    code: Mapped[str] = mapped_column(
        String(8), ForeignKey("stocks.code", ondelete="CASCADE"), primary_key=True
    )
    as_of: Mapped[date] = mapped_column(Date, index=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    bars: Mapped[int] = mapped_column(default=0)  # how many bars were available (confidence)
    values: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    # Policy-free scores with the default part weights, per part, so that screening can re-weight
    # the parts for a policy in one vectorised step: {"buy", "sell", "confidence", "parts": {...}}.
    scores: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
