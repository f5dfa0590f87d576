"""Market data tables: stocks, daily bars, market index bars, point-in-time fundamentals, sync
runs and the sync lock.

Market data is shared by all users; what a user owns (policies, watchlists, evaluations) carries
its owner's id in its own table.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kabu_trade.core.db import Base, UTCDateTime, utcnow


class Stock(Base):
    __tablename__ = "stocks"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_kana: Mapped[str | None] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    sector_code: Mapped[str | None] = mapped_column(String(8), index=True)
    sector_name: Mapped[str | None] = mapped_column(String(100))
    market: Mapped[str | None] = mapped_column(String(20), index=True)
    lot_size: Mapped[int] = mapped_column(Integer, default=100)
    source: Mapped[str] = mapped_column(String(20), index=True)
    listed: Mapped[bool] = mapped_column(Boolean, default=True)
    # NFKC-normalised, case-folded code + names + kana (katakana folded to hiragana) for search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DailyBar(Base):
    """One trading day of one stock, as traded (raw), plus J-Quants' adjustment factor.

    ``adj_factor`` is the factor that takes effect on this date (0.5 on the ex-date of a 1:2 split,
    1.0 otherwise). A split-adjusted price is the raw price times the product of the factors of all
    *later* dates, computed when read so that a new split never rewrites history.
    """

    __tablename__ = "daily_bars"

    code: Mapped[str] = mapped_column(
        String(8), ForeignKey("stocks.code", ondelete="CASCADE"), primary_key=True
    )
    date: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    open: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    low: Mapped[float | None] = mapped_column(Float)
    close: Mapped[float | None] = mapped_column(Float)
    volume: Mapped[float | None] = mapped_column(Float)
    turnover: Mapped[float | None] = mapped_column(Float)
    adj_factor: Mapped[float] = mapped_column(Float, default=1.0)

    __table_args__ = (
        # Split events are a few hundred rows among millions: a partial index finds them without
        # scanning every bar (metrics refresh reads all of them, evaluations those of one stock).
        Index(
            "ix_daily_bars_splits",
            "code",
            "date",
            postgresql_where=text("adj_factor <> 1.0"),
            sqlite_where=text("adj_factor <> 1.0"),
        ),
    )


class IndexBar(Base):
    """One session of a market index, in index points: TOPIX from J-Quants, or the demo universe's
    own index. ``source`` is the provider that wrote it, so removing a source's data (demo ↔ real)
    removes its index too."""

    __tablename__ = "index_bars"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    open: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    low: Mapped[float | None] = mapped_column(Float)
    close: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20), index=True)


class Fundamental(Base):
    """A financial summary as disclosed on ``disclosed_date`` (point in time: never earlier).

    Amounts are in yen, per-share figures in yen per share as reported at the time, share counts
    in shares.
    """

    __tablename__ = "fundamentals"
    __table_args__ = (
        UniqueConstraint("code", "disclosed_date", "period_type", "period_end", name="uq_fundamentals_key"),
        Index("ix_fundamentals_code_disclosed", "code", "disclosed_date"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), ForeignKey("stocks.code", ondelete="CASCADE"))
    disclosed_date: Mapped[date] = mapped_column(Date)
    period_type: Mapped[str] = mapped_column(String(8))  # FY, 1Q, 2Q, 3Q
    period_end: Mapped[date] = mapped_column(Date)
    sales: Mapped[float | None] = mapped_column(Float)
    operating_profit: Mapped[float | None] = mapped_column(Float)
    net_income: Mapped[float | None] = mapped_column(Float)
    eps: Mapped[float | None] = mapped_column(Float)
    forecast_eps: Mapped[float | None] = mapped_column(Float)
    bps: Mapped[float | None] = mapped_column(Float)
    dps: Mapped[float | None] = mapped_column(Float)
    forecast_dps: Mapped[float | None] = mapped_column(Float)
    equity: Mapped[float | None] = mapped_column(Float)
    total_assets: Mapped[float | None] = mapped_column(Float)
    shares_outstanding: Mapped[float | None] = mapped_column(Float)


class SyncRun(Base):
    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)  # running, succeeded, failed
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    from_date: Mapped[date | None] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)
    steps_total: Mapped[int] = mapped_column(Integer, default=0)
    steps_done: Mapped[int] = mapped_column(Integer, default=0)
    stocks_written: Mapped[int] = mapped_column(Integer, default=0)
    bars_written: Mapped[int] = mapped_column(Integer, default=0)
    fundamentals_written: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    # Who started it: null for the scheduler; a user id for a manual sync.
    triggered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
