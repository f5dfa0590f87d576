"""Every table, imported in one place so that Alembic and tests see the whole metadata."""

from kabu_trade.analysis.models import StockMetrics
from kabu_trade.auth.models import SetupToken, User
from kabu_trade.backtests.models import Backtest
from kabu_trade.core.db import Base
from kabu_trade.core.locks import JobLock
from kabu_trade.datasource.models import DataSourceSettings
from kabu_trade.evaluations.models import Evaluation
from kabu_trade.jobs.models import Job
from kabu_trade.market.models import DailyBar, Fundamental, Stock, SyncRun
from kabu_trade.policies.models import Policy, PolicyVersion
from kabu_trade.watchlists.models import Watchlist, WatchlistItem

__all__ = [
    "Backtest",
    "Base",
    "DailyBar",
    "DataSourceSettings",
    "Evaluation",
    "Fundamental",
    "Job",
    "JobLock",
    "Policy",
    "PolicyVersion",
    "SetupToken",
    "Stock",
    "StockMetrics",
    "SyncRun",
    "User",
    "Watchlist",
    "WatchlistItem",
]
