"""Every query of the data source settings (one row)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kabu_trade.core.db import utcnow
from kabu_trade.datasource.models import SETTINGS_ID, DataSourceSettings
from kabu_trade.market.models import DailyBar, Stock


def get(session: Session) -> DataSourceSettings | None:
    return session.get(DataSourceSettings, SETTINGS_ID)


def for_update(session: Session, user_id: int | None) -> DataSourceSettings:
    """The row, locked for this transaction (made when there is none yet), stamped as changed."""
    row = session.scalar(
        select(DataSourceSettings).where(DataSourceSettings.id == SETTINGS_ID).with_for_update()
    )
    if row is None:
        row = DataSourceSettings(id=SETTINGS_ID, yfinance_codes=[], csv_files={})
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:  # another request made it a moment ago: take theirs
            row = session.scalars(
                select(DataSourceSettings).where(DataSourceSettings.id == SETTINGS_ID).with_for_update()
            ).one()
    row.updated_at, row.updated_by = utcnow(), user_id
    return row


def stored_summary(session: Session) -> tuple[int, date | None, date | None]:
    """How many stocks the database holds, and its first and last bar date."""
    stocks = session.scalar(select(func.count()).select_from(Stock)) or 0
    first, last = session.execute(select(func.min(DailyBar.date), func.max(DailyBar.date))).one()
    return int(stocks), first, last
