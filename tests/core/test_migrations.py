from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kabu_trade.core import migrate
from kabu_trade.core.context import AppContext
from kabu_trade.models import Base

ContextFactory = Callable[..., AppContext]
TABLES = {
    "users",
    "setup_tokens",
    "refresh_tokens",
    "stocks",
    "daily_bars",
    "index_bars",
    "fundamentals",
    "sync_runs",
    "job_locks",
    "jobs",
    "data_source_settings",
    "stock_metrics",
    "policies",
    "policy_versions",
    "evaluations",
    "watchlists",
    "watchlist_items",
    "backtests",
}


def _tables(context: AppContext) -> set[str]:
    return set(sa.inspect(context.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend)  # already upgraded to head
    assert _tables(context) == TABLES
    assert migrate.is_up_to_date(context.engine)
    migrate.downgrade(context.engine, "base")
    assert _tables(context) == set()
    assert migrate.current_revision(context.engine) is None
    migrate.upgrade(context.engine)
    assert _tables(context) == TABLES


def test_migrations_match_the_models(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend)
    with context.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_every_user_owned_table_has_an_owner_column() -> None:
    # Tables a user owns carry their owner; market data is shared on purpose.
    shared = {"stocks", "daily_bars", "fundamentals", "job_locks", "setup_tokens", "users", "stock_metrics"}
    shared |= {"index_bars"}  # market data too
    # watchlist items belong to their watchlist, which has the owner
    shared |= {"watchlist_items"}
    # the install's one row of data source settings, kept by administrators (updated_by says who)
    shared |= {"data_source_settings"}
    for table in Base.metadata.sorted_tables:
        if table.name not in shared:
            owner_columns = {"user_id", "owner_id", "triggered_by", "requested_by"} & set(
                table.columns.keys()
            )
            assert owner_columns, f"{table.name} has no owner column"
