"""The thread pool, the database pool and the processes are one calculation (core/capacity.py)."""

from __future__ import annotations

from collections.abc import Callable

import anyio.to_thread

from kabu_trade.core import capacity
from kabu_trade.core.context import AppContext
from kabu_trade.main import create_app


def test_the_pool_covers_every_thread_and_the_jobs() -> None:
    assert capacity.pool_size(12) == 12 + capacity.JOB_CONNECTIONS


def test_budget_per_tier() -> None:
    # Personal tier: one process on a t3.micro against db.t3.micro (max_connections 87 on RDS).
    personal = capacity.budget(processes=1, threads=12, max_connections=87)
    assert personal.fits and personal.needed == 15
    # Standard tier: 2 Fargate tasks × 2 workers.
    standard = capacity.budget(processes=4, threads=12, max_connections=87)
    assert standard.fits and standard.needed == 60
    crowded = capacity.budget(processes=8, threads=12, max_connections=87)
    assert not crowded.fits
    assert "8 process(es) × 15 connections = 120" in crowded.explain()


async def test_the_api_sizes_its_thread_pool_and_database_pool(
    context_factory: Callable[..., AppContext], backend: str
) -> None:
    context = context_factory(backend, threads=7)
    assert context.engine.pool.size() == 7 + capacity.JOB_CONNECTIONS  # type: ignore[attr-defined]
    assert context.engine.pool._max_overflow == 0  # type: ignore[attr-defined]
    app = create_app(context=context)
    async with app.router.lifespan_context(app):
        assert anyio.to_thread.current_default_thread_limiter().total_tokens == 7
