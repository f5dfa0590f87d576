"""What each kind of job does: a function from (context, params, progress) to a result document.

A job's params are JSON (they travel through the job table); each kind validates its own here,
so that a bad row fails that job with a message instead of crashing the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from kabu_trade.backtests import service as backtests
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.core.errors import AppError, InvalidInput
from kabu_trade.datasource import service as datasource
from kabu_trade.jobs.models import BACKTEST
from kabu_trade.jobs.pipeline import Progress, after_market_change, refresh_metrics
from kabu_trade.market.providers.base import MarketDataProvider
from kabu_trade.market.providers.factory import create_provider
from kabu_trade.market.sync import MarketSync

Result = dict[str, Any]
Handler = Callable[[AppContext, dict[str, Any], Progress, int | None], Result]
SYNC, REFRESH = "sync", "refresh"
_CSV_PARAMS = ("csv_bars", "csv_fundamentals", "csv_stocks")


class JobFailed(AppError):
    """The job failed after doing part of its work: ``result`` says what it did."""

    def __init__(self, failure: AppError, result: Result) -> None:
        super().__init__(failure.detail, field=failure.field)
        self.failure = failure
        self.result = result


def run_sync(
    context: AppContext, params: dict[str, Any], progress: Progress, requested_by: int | None
) -> Result:
    """Sync market data, then (only if data changed) metrics, caches and watchlists."""
    source = params.get("source")
    if source is not None and not isinstance(source, str):
        raise InvalidInput("source must be a data source name", field="source")
    until = _date_param(params, "until")
    # The data page's stored settings (source, key, plan, codes) over the environment's.
    with session_scope(context.sessions) as session:
        config = datasource.provider_config(session, context.settings, source)
    files = {name: params.get(name) or config.csv_files.get(name) for name in _CSV_PARAMS}
    csv_files = {name: Path(str(path)) for name, path in files.items() if path}
    provider = create_provider(
        context.settings,
        config.source,
        **csv_files,  # type: ignore[arg-type]
        **config.provider_kwargs(),
    )
    try:
        return sync_then_follow(
            context,
            provider,
            until=until,
            purge_other=bool(params.get("replace")),
            triggered_by=requested_by,
            progress=progress,
        )
    finally:
        provider.close()


def sync_then_follow(
    context: AppContext,
    provider: MarketDataProvider,
    *,
    until: date | None = None,
    purge_other: bool = False,
    triggered_by: int | None = None,
    progress: Progress | None = None,
) -> Result:
    """A sync from ``provider``, then what follows a change of market data (``pipeline``).
    Raises ``JobFailed`` (with what was done) when the sync failed part-way."""
    sync = MarketSync(context, provider, progress=progress)
    report, failure = sync.attempt(until=until, purge_other=purge_other, triggered_by=triggered_by)
    # Chunks a failed sync finished are stored: what depends on them follows all the same.
    follow = after_market_change(context, report.changed, progress)
    result: Result = {**report.as_dict(), **follow.as_dict()}
    result.pop("messages", None)
    if failure is not None:
        raise JobFailed(failure, result)
    return result


def run_refresh(
    context: AppContext, params: dict[str, Any], progress: Progress, requested_by: int | None
) -> Result:
    """Recompute the latest metrics of the universe (after a change of the scoring, say)."""
    return {"metrics": refresh_metrics(context, progress)}


def run_backtest(
    context: AppContext, params: dict[str, Any], progress: Progress, requested_by: int | None
) -> Result:
    """Run a stored policy backtest (``backtests``); its result is kept with it, not in the job."""
    backtest_id = params.get("backtest_id")
    if not isinstance(backtest_id, int) or isinstance(backtest_id, bool):
        raise InvalidInput("backtest_id must be a backtest's id", field="backtest_id")
    steps = 100

    def report(fraction: float, message: str) -> None:
        progress(round(fraction * steps), steps, message)

    return backtests.run_stored(context, backtest_id, report)


def _date_param(params: dict[str, Any], name: str) -> date | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{name} must be a date (YYYY-MM-DD), got {value!r}", field=name) from None


HANDLERS: dict[str, Handler] = {SYNC: run_sync, REFRESH: run_refresh, BACKTEST: run_backtest}
