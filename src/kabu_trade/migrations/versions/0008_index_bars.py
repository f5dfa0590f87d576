"""market index bars (TOPIX from J-Quants, the demo universe's own index)

Revision ID: 0008_index_bars
Revises: 0007_backtests
Create Date: 2026-12-01 17:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_index_bars"
down_revision: str | None = "0007_backtests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "index_bars",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("open", sa.Float(), nullable=True),
        sa.Column("high", sa.Float(), nullable=True),
        sa.Column("low", sa.Float(), nullable=True),
        sa.Column("close", sa.Float(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("code", "date", name=op.f("pk_index_bars")),
    )
    op.create_index(op.f("ix_index_bars_source"), "index_bars", ["source"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_index_bars_source"), table_name="index_bars")
    op.drop_table("index_bars")
