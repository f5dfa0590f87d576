"""Every table, imported in one place so that Alembic and tests see the whole metadata."""

from kabu_trade.auth.models import SetupToken, User
from kabu_trade.core.db import Base
from kabu_trade.core.locks import JobLock
from kabu_trade.market.models import DailyBar, Fundamental, Stock, SyncRun

__all__ = ["Base", "DailyBar", "Fundamental", "JobLock", "SetupToken", "Stock", "SyncRun", "User"]
