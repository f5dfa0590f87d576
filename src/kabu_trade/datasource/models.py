"""The data page's settings: one row saying which source the syncs use and how to reach it.

Absent (no row, or a column left null), the environment decides as before (``KABU_DATA_SOURCE``,
``KABU_JQUANTS_API_KEY`` …): an install configured by environment keeps working untouched.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kabu_trade.core.db import Base, JSONDoc, UTCDateTime, utcnow

#: The one row's id: the settings are the install's, not a user's.
SETTINGS_ID = 1


class DataSourceSettings(Base):
    __tablename__ = "data_source_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # demo | jquants | csv | yfinance; null: KABU_DATA_SOURCE
    active_source: Mapped[str | None] = mapped_column(String(20), nullable=True)
    jquants_plan: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # Fernet token of the key (datasource/crypto.py), never the key itself.
    jquants_key_encrypted: Mapped[str | None] = mapped_column(Text, nullable=True)
    jquants_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    yfinance_codes: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    # The last imported CSV files (kind → path under the data dir), which a csv sync reads again.
    csv_files: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
