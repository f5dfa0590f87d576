"""Alembic environment. Run through ``kabu_trade.core.migrate`` (``kabu-trade db upgrade``),
which hands over a connection; plain ``alembic`` is not needed."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from kabu_trade.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through kabu_trade.core.migrate (kabu-trade db upgrade)")
_run(connection)
