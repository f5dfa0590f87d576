from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kabu_trade.core.db import Base, JSONDoc, UTCDateTime, utcnow


class Evaluation(Base):
    """One judgement of one stock (optionally under one policy version) on the data of ``as_of``.

    ``inputs`` keeps everything the judgement was computed from (metric values, the policy
    snapshot, the data source), so it can be reproduced and later graded against what happened.
    Messages are stored as keys with parameters and rendered in the reader's language.
    """

    __tablename__ = "evaluations"
    __table_args__ = (
        Index("ix_evaluations_owner_stock_created", "owner_id", "stock_code", "created_at"),
        Index("ix_evaluations_owner_created", "owner_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    stock_code: Mapped[str] = mapped_column(String(8), ForeignKey("stocks.code", ondelete="CASCADE"))
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("policies.id", ondelete="SET NULL"), index=True)
    policy_version: Mapped[int | None] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    trigger: Mapped[str] = mapped_column(String(20), default="manual")  # manual, watchlist, cli
    buy_score: Mapped[float] = mapped_column(Float)
    sell_score: Mapped[float] = mapped_column(Float)
    match_score: Mapped[float | None] = mapped_column(Float)
    confidence: Mapped[float] = mapped_column(Float)
    recommendation: Mapped[str] = mapped_column(String(12))
    result: Mapped[dict[str, Any]] = mapped_column(JSONDoc)  # signals, rules, key points, levels
    inputs: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
