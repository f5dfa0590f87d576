"""the data page's settings (active source, encrypted J-Quants key, yfinance codes) and the job
table's attempt and phase progress (a sync resumed after its worker died; its remaining time)

Revision ID: 0006_data_source
Revises: 0005_jobs
Create Date: 2026-12-01 16:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006_data_source"
down_revision: str | None = "0005_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "data_source_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("active_source", sa.String(length=20), nullable=True),
        sa.Column("jquants_plan", sa.String(length=20), nullable=True),
        sa.Column("jquants_key_encrypted", sa.Text(), nullable=True),
        sa.Column("jquants_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("yfinance_codes", _JSON, nullable=False),
        sa.Column("csv_files", _JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["users.id"],
            name=op.f("fk_data_source_settings_updated_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_source_settings")),
    )
    # Plain ADD COLUMN (no table copy on SQLite, which would have to rebuild the partial index).
    op.add_column("jobs", sa.Column("progress_since", sa.DateTime(timezone=True), nullable=True))
    op.add_column("jobs", sa.Column("progress_base", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("jobs", sa.Column("attempt", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    op.drop_column("jobs", "attempt")
    op.drop_column("jobs", "progress_base")
    op.drop_column("jobs", "progress_since")
    op.drop_table("data_source_settings")
