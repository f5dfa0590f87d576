"""``create_app()``: the FastAPI application for the API (and, embedded, the web app)."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread
import structlog
from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from kabu_trade import __version__
from kabu_trade.auth import service as auth_service
from kabu_trade.auth.deps import admin_user, current_user
from kabu_trade.auth.language import account_language
from kabu_trade.auth.router import auth_router, users_router
from kabu_trade.core import migrate
from kabu_trade.core.config import Settings, get_settings
from kabu_trade.core.context import AppContext, build_context
from kabu_trade.core.db import session_scope
from kabu_trade.core.early_answers import EarlyAnswerMiddleware
from kabu_trade.core.errors import install_error_handlers
from kabu_trade.core.http import DOCS_PATHS, BodyLimitMiddleware, SecurityHeadersMiddleware, close_docs
from kabu_trade.core.logging import RequestContextMiddleware, configure_logging
from kabu_trade.core.metrics import METRICS_PATH, EmfAggregator, RequestMetrics, metrics_endpoint
from kabu_trade.core.openapi import install_error_documentation
from kabu_trade.core.ratelimit import RATE_LIMIT_HEADERS, RateLimitMiddleware
from kabu_trade.core.web import mount_web_app
from kabu_trade.datasource.router import router as data_source_router
from kabu_trade.evaluations.router import router as evaluations_router
from kabu_trade.jobs.backtests_router import router as backtests_router
from kabu_trade.jobs.data_source_router import router as data_source_jobs_router
from kabu_trade.jobs.health import live_router
from kabu_trade.jobs.health import router as health_router
from kabu_trade.jobs.router import router as jobs_router
from kabu_trade.jobs.router import sync_start_router
from kabu_trade.jobs.service import ensure_first_load
from kabu_trade.jobs.worker import WorkerThread
from kabu_trade.market.router import market_router
from kabu_trade.market.router import router as stocks_router
from kabu_trade.market.sync_router import router as sync_router
from kabu_trade.policies.router import router as policies_router
from kabu_trade.screener.router import router as screener_router
from kabu_trade.watchlists.router import router as watchlists_router

log = structlog.get_logger(__name__)
API_PREFIX = "/api/v1"


class SchemaNotReady(RuntimeError):
    pass


def prepare_database(context: AppContext) -> None:
    """Embedded SQLite migrates itself; a server database must be migrated by the operator
    (``kabu-trade db upgrade``, a deploy step) so that two processes never migrate at once."""
    if context.settings.is_embedded_database:
        migrate.upgrade(context.engine)
    elif not migrate.is_up_to_date(context.engine):
        raise SchemaNotReady(
            f"The database schema is at {migrate.current_revision(context.engine)!r}, the code needs "
            f"{migrate.head_revision()!r}: run `kabu-trade db upgrade` first."
        )


def announce_setup_token(context: AppContext) -> None:
    with session_scope(context.sessions) as session:
        token = auth_service.issue_setup_token(session)
    if token:
        log.warning(
            "setup_token",
            message="No account exists yet. Create the first one in the web app or with "
            "POST /api/v1/auth/setup using this one-time token (valid 24 h).",
            setup_token=token,
        )


def create_app(
    settings: Settings | None = None, context: AppContext | None = None, *, served: bool = False
) -> FastAPI:
    """``served``: the app is the whole life of this process (``app_factory``), not one of a test's."""
    settings = settings or (context.settings if context else get_settings())
    emf = EmfAggregator(settings.metrics_emf_interval_seconds) if settings.metrics_emf else None
    metrics = RequestMetrics(emf)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_context = context is None
        ctx = context or build_context(settings)
        app.state.context = ctx
        # The thread pool that runs sync endpoints, sized with the database pool (core/capacity.py).
        anyio.to_thread.current_default_thread_limiter().total_tokens = ctx.settings.threads
        prepare_database(ctx)
        # The signing key (made on first start when none is configured): a bad key file stops
        # the start here rather than failing every sign-in later.
        ctx.settings.signing_key()
        announce_setup_token(ctx)
        # Jobs never run before the API listens: an empty demo install queues its first load, and a
        # worker (this process's thread when embedded, `kabu-trade worker` otherwise) runs it.
        ensure_first_load(ctx)
        worker = WorkerThread(ctx).start() if ctx.settings.runs_jobs_in_process else None
        log.info(
            "startup",
            version=__version__,
            database=ctx.engine.dialect.name,
            cache=ctx.cache.backend,
            jobs="in process" if worker else "kabu-trade worker",
            source=settings.data_source,
            threads=ctx.settings.threads,
            db_pool=ctx.engine.pool.size() if hasattr(ctx.engine.pool, "size") else None,
        )
        if served:
            # What start-up made lives as long as the served process: out of the collector's
            # sight, so that its full collections (a busy API runs them every few seconds) don't
            # walk it again. Not in tests, which build many apps in one process and drop them.
            gc.collect()
            gc.freeze()
        try:
            async with anyio.create_task_group() as tasks:
                if emf is not None:
                    tasks.start_soon(emf.run)
                try:
                    yield
                finally:
                    tasks.cancel_scope.cancel()
        finally:
            if emf is not None:
                emf.flush()  # the last, partial interval
            if worker:
                await anyio.to_thread.run_sync(worker.stop)
            if own_context:
                ctx.close()
            log.info("shutdown")

    docs = settings.env != "production"
    app = FastAPI(
        title="kabu-trade API",
        version=__version__,
        summary="Policy-driven, explainable research on Japanese equities.",
        lifespan=lifespan,
        # The API's documentation maps the attack surface: not served in production.
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url=f"{API_PREFIX}/openapi.json" if docs else None,
        # Our telemetry is /metrics and the EMF log stream (core/metrics.py), not OpenTelemetry.
        # FastAPI's native OpenTelemetry support, left on, asks the global providers (reading the
        # environment) on every request: a tenth of a cached read's CPU for nothing.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    install_error_documentation(app, signed_in=current_user, admin=admin_user)
    if not docs:
        close_docs(app, DOCS_PATHS)
    if context is not None:
        app.state.context = context
    install_error_handlers(app, account_language)
    # Cached reads answered before routing, once counted and checked by everything outside it.
    app.add_middleware(EarlyAnswerMiddleware)
    # Inside the others: a 429 still gets the request id, CORS and the other headers.
    app.add_middleware(RateLimitMiddleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["x-request-id", *RATE_LIMIT_HEADERS],
        )
    # Before routing, so before authentication: a too-large body is refused unread.
    # CSV uploads of the data page have their own, larger limit.
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        path_limits={f"{API_PREFIX}/data-source/csv/": settings.max_upload_bytes},
    )
    # Outside the others, so every answer carries the headers, a 413 or a 429 included.
    app.add_middleware(SecurityHeadersMiddleware, trusted_proxies=settings.trusted_proxies)
    app.add_middleware(RequestContextMiddleware, metrics=metrics)
    app.state.metrics = metrics
    # Outside /api/v1 (no rate limit, no sign-in) and out of the OpenAPI document; who may read
    # it is decided in the endpoint (core/metrics.py).
    app.add_route(
        METRICS_PATH,
        metrics_endpoint(metrics, settings.metrics_token),
        methods=["GET"],
        include_in_schema=False,
    )

    api = APIRouter(prefix=API_PREFIX)
    for router in (
        live_router,
        # Routes are matched router by router in this order: the hot cached reads first.
        stocks_router,
        market_router,
        health_router,
        auth_router,
        users_router,
        sync_router,
        sync_start_router,
        jobs_router,
        data_source_router,
        data_source_jobs_router,
        policies_router,
        evaluations_router,
        watchlists_router,
        screener_router,
        backtests_router,
    ):
        api.include_router(router)
    app.include_router(api)
    # Last, so that every API route wins over the web app's catch-all.
    mount_web_app(app, settings.web_dir)
    return app


def app_factory() -> FastAPI:
    """Entry point for ``uvicorn --factory kabu_trade.main:app_factory``."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    return create_app(settings, served=True)
