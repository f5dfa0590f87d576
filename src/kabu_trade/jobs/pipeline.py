"""The one place that composes what follows a change of market data.

A sync only writes market data (``market/sync.py``). When it changed something — new bars, new
disclosures, a changed listing, also the chunks a sync finished before it failed — the steps that
depend on that data run here, in this order:

1. metrics: the latest metrics and default scores of the universe (``analysis``);
2. caches: every cached market read is dropped at once by a new market generation;
3. watchlists: every watchlist evaluated on the new scores (``watchlists``).

When nothing changed, nothing runs: no recompute, no cache flush, no watchlist evaluation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import structlog

from kabu_trade.analysis.service import refresh_all_metrics
from kabu_trade.core.cache import bump_market_generation
from kabu_trade.core.context import AppContext
from kabu_trade.screener.service import publish_snapshot
from kabu_trade.watchlists.service import evaluate_all_watchlists

log = structlog.get_logger(__name__)
Progress = Callable[[int, int, str], None]


@dataclass
class FollowUp:
    ran: bool = False
    metrics: int = 0
    watchlist_evaluations: int = 0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def refresh_metrics(context: AppContext, progress: Progress | None = None) -> int:
    """Recompute the stored metrics of the universe and drop the cached reads built on them."""
    report = progress or (lambda done, total, label: None)
    report(0, 1, "metrics")
    # Chunk by chunk, each committed: memory bounded by the chunk, progress as stocks are done.
    count = refresh_all_metrics(context.sessions, progress=lambda done, total: report(done, total, "metrics"))
    bump_market_generation(context.cache)
    publish_snapshot(context)  # the screener's snapshot, built once here: no user waits for it
    report(max(count, 1), max(count, 1), "metrics")
    return count


def after_market_change(context: AppContext, changed: bool, progress: Progress | None = None) -> FollowUp:
    """Run the follow-up steps when ``changed``; otherwise do nothing and say so."""
    if not changed:
        log.info("follow_up_skipped", reason="no market data changed")
        return FollowUp()
    follow = FollowUp(ran=True)
    follow.metrics = refresh_metrics(context, progress)
    if follow.metrics:
        # Fresh scores waiting for the investor: every watchlist, evaluated on the new data.
        follow.watchlist_evaluations = evaluate_all_watchlists(context.sessions)["evaluated"]
    log.info("follow_up_finished", **follow.as_dict())
    return follow
