"""partial index on the split events of daily bars

Revision ID: 0004_market_indexes
Revises: 0003_auth_tokens
Create Date: 2026-12-01 09:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_market_indexes"
down_revision: str | None = "0003_auth_tokens"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Split events (adj_factor ≠ 1) are a few hundred rows among millions of bars.
    op.create_index(
        "ix_daily_bars_splits",
        "daily_bars",
        ["code", "date"],
        unique=False,
        postgresql_where=sa.text("adj_factor <> 1.0"),
        sqlite_where=sa.text("adj_factor <> 1.0"),
    )


def downgrade() -> None:
    op.drop_index("ix_daily_bars_splits", table_name="daily_bars")
