"""stored policy backtests, and backtest jobs exempt from the one-active-job-per-kind index

Revision ID: 0007_backtests
Revises: 0006_data_source
Create Date: 2026-12-01 17:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007_backtests"
down_revision: str | None = "0006_data_source"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_ACTIVE = sa.text("status IN ('queued', 'running')")
_ACTIVE_NOT_BACKTEST = sa.text("status IN ('queued', 'running') AND kind <> 'backtest'")


def _active_index(where: sa.TextClause) -> None:
    op.drop_index("uq_jobs_active_kind", table_name="jobs")
    op.create_index(
        "uq_jobs_active_kind", "jobs", ["kind"], unique=True, postgresql_where=where, sqlite_where=where
    )


def upgrade() -> None:
    op.create_table(
        "backtests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("params", _JSON, nullable=False),
        sa.Column("params_hash", sa.String(length=64), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("result", _JSON, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_backtests_owner_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"], ["policies.id"], name=op.f("fk_backtests_policy_id_policies"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_backtests_job_id_jobs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backtests")),
    )
    op.create_index(op.f("ix_backtests_owner_id"), "backtests", ["owner_id"], unique=False)
    op.create_index(op.f("ix_backtests_policy_id"), "backtests", ["policy_id"], unique=False)
    op.create_index("uq_backtests_owner_params", "backtests", ["owner_id", "params_hash"], unique=True)
    _active_index(_ACTIVE_NOT_BACKTEST)


def downgrade() -> None:
    op.execute("DELETE FROM jobs WHERE kind = 'backtest'")
    _active_index(_ACTIVE)
    op.drop_index("uq_backtests_owner_params", table_name="backtests")
    op.drop_index(op.f("ix_backtests_policy_id"), table_name="backtests")
    op.drop_index(op.f("ix_backtests_owner_id"), table_name="backtests")
    op.drop_table("backtests")
