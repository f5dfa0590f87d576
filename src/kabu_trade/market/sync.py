"""Market sync: fetch only what is missing, write it set-based, one trading-day chunk at a time.

- Incremental: each stock continues from its own last stored bar; disclosures from the last one.
- Idempotent: rows are upserted on their natural keys, so running twice changes nothing.
- Resumable: each chunk of days is one transaction (never half a day), so an interrupted sync keeps
  the chunks it finished and the next run starts after them. A failed chunk leaves the data as it
  was before that chunk.
- One at a time: a lease in the database keeps two processes from syncing at once. A heartbeat
  renews it while the sync runs, so a killed sync frees it within a minute; every write checks
  the lease inside its own transaction, so a sync that lost it stops instead of writing beside
  the next holder. The run a dead sync left "running" is recorded as failed, with why.
- Demo and real data never mix: a real source refuses to write into a database holding demo data
  unless told to remove the demo data first (and vice versa).
- Only market data: what follows a sync that changed something (metrics, caches, watchlists) is
  composed by ``kabu_trade.jobs.pipeline``, above this package.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from kabu_trade.core.clock import tokyo_today
from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope, utcnow
from kabu_trade.core.errors import AppError, Conflict, SourceError
from kabu_trade.core.locks import Heartbeat, LeaseLock
from kabu_trade.market import repository
from kabu_trade.market.calendar import last_completed_session, sessions_between
from kabu_trade.market.models import SyncRun
from kabu_trade.market.providers.base import MarketDataProvider
from kabu_trade.market.providers.factory import provider_end
from kabu_trade.market.sync_runs import (
    SYNC_LOCK,
    dead_run_reason,
    fail_runs,
    read_sync_lease,
    running_run_ids,
    stale_fields,
)

log = structlog.get_logger(__name__)
__all__ = ["SYNC_LOCK", "MarketSync", "SyncReport", "recent_runs"]
FUNDAMENTALS_LEAD = timedelta(days=400)
# J-Quants publishes a day's disclosures around 18:00 and again around 24:30 JST (continuously on
# Premium), after the 16:30 prices a sync waits for: a disclosure can appear after its day was
# synced. Every sync therefore asks again for the last few sessions (an upsert: unchanged rows
# are not counted as changes).
FUNDAMENTALS_REFETCH_SESSIONS = 3
# Sessions of disclosures a by-date source fetches and writes at a time (20 s at J-Quants' /fins
# limit of 60 requests a minute).
FUNDAMENTALS_SESSIONS_PER_CHUNK = 20
Progress = Callable[[int, int, str], None]


@dataclass
class SyncReport:
    run_id: int
    source: str
    status: str = "running"
    from_date: date | None = None
    to_date: date | None = None
    stocks: int = 0
    bars: int = 0
    fundamentals: int = 0
    index_bars: int = 0
    steps_done: int = 0
    steps_total: int = 0
    error: str | None = None
    messages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def changed(self) -> bool:
        """Whether any stored market data changed (chunks a failed run finished count too)."""
        return bool(self.stocks or self.bars or self.fundamentals or self.index_bars)


class MarketSync:
    def __init__(
        self,
        context: AppContext,
        provider: MarketDataProvider,
        *,
        progress: Progress | None = None,
        days_per_chunk: int | None = None,
        lock: LeaseLock | None = None,
        heartbeat_every: float | None = None,
    ) -> None:
        self.context = context
        self.provider = provider
        self.progress = progress or (lambda done, total, label: None)
        # By-date sources answer one day per call anyway; the others fetch a month per call.
        self.days_per_chunk = days_per_chunk or (5 if provider.fetches_by_date else 40)
        self.lock = lock or LeaseLock(context.sessions, SYNC_LOCK, context.settings.sync_lock_seconds)
        # A third of the lease: two beats may fail (a database hiccup) before it runs out.
        self.heartbeat_every = heartbeat_every or self.lock.seconds / 3
        self.heartbeat: Heartbeat | None = None

    # -- public ---------------------------------------------------------------------------------

    def run(
        self, *, until: date | None = None, purge_other: bool = False, triggered_by: int | None = None
    ) -> SyncReport:
        """Sync; raise the failure (after recording it) if any step failed."""
        report, failure = self.attempt(until=until, purge_other=purge_other, triggered_by=triggered_by)
        if failure is not None:
            raise failure
        return report

    def attempt(
        self, *, until: date | None = None, purge_other: bool = False, triggered_by: int | None = None
    ) -> tuple[SyncReport, AppError | None]:
        """Sync and return the report with the failure, if any: the chunks a failed run finished
        are committed, and what follows a sync must know about them (``report.changed``)."""
        if not self.lock.acquire():
            holder = self.lock.current_holder()
            since = holder.acquired_at.isoformat(timespec="seconds") if holder else "?"
            raise Conflict(f"Another sync is running ({holder.holder if holder else '?'}, since {since}).")
        self.heartbeat = Heartbeat(self.lock, self.heartbeat_every).start()
        try:
            report, failure = self._run_holding_lease(until, purge_other, triggered_by)
        finally:
            self.heartbeat.stop()
            self.lock.release()
        log.info("sync_finished", **{k: v for k, v in report.as_dict().items() if k != "messages"})
        return report, failure

    def _run_holding_lease(
        self, until: date | None, purge_other: bool, triggered_by: int | None
    ) -> tuple[SyncReport, AppError | None]:
        # Holding the lease, this is the only sync: any run still "running" was left by a dead one.
        dead = fail_runs(self.context.sessions, running_run_ids(self.context.sessions), self._dead_reason())
        if dead:
            log.warning("sync_dead_runs_failed", runs=dead, reason=self._dead_reason())
        report = self._start_run(triggered_by)
        failure: AppError | None = None
        try:
            self._check_sources(purge_other)
            end = min(until or last_completed_session(), provider_end(self.provider, tokyo_today()))
            report.stocks = self._sync_stocks(purge_other)
            self._sync_bars(report, end)
            report.index_bars = self._sync_index(end)
            if self.provider.names_from_prices:
                self._sync_stocks(purge_other=False)
            report.fundamentals = self._sync_fundamentals(end)
            report.status = "succeeded"
        except AppError as exc:
            failure = exc
        except Exception as exc:  # an outside library failed in a way we did not foresee
            log.exception("sync_failed", source=self.provider.name)
            failure = SourceError(f"Sync from {self.provider.name} failed: {type(exc).__name__}: {exc}")
        except BaseException:  # Ctrl-C or shutdown: keep finished chunks, free the lock, stop
            report.status, report.error = "failed", "interrupted"
            self._finish_run(report)
            raise
        if failure is not None:
            report.status, report.error = "failed", failure.detail
        self._finish_run(report)
        return report, failure

    def _dead_reason(self) -> str:
        return dead_run_reason(self.lock.taken_over)

    def _check_lease(self) -> None:
        """Stop at the next step once the heartbeat found the lease lost (before a long fetch)."""
        if self.heartbeat is not None:
            self.heartbeat.check()

    # -- steps ----------------------------------------------------------------------------------

    def _check_sources(self, purge_other: bool) -> None:
        with session_scope(self.context.sessions) as session:
            present = set(repository.data_sources(session))
        others = present - {"demo"} if self.provider.is_demo else present & {"demo"}
        if others and not purge_other:
            kind = "real" if self.provider.is_demo else "demo"
            raise Conflict(
                f"The database holds {kind} data ({', '.join(sorted(others))}); demo and real data are "
                f"never mixed. Re-run with --replace to delete it first."
            )

    def _sync_stocks(self, purge_other: bool) -> int:
        self._check_lease()
        listing = self.provider.list_stocks()
        with session_scope(self.context.sessions) as session:
            self.lock.fence(session)
            if purge_other:
                for source in repository.data_sources(session):
                    if (source == "demo") != self.provider.is_demo:
                        removed = repository.delete_source(session, source)
                        log.info("sync_purged_source", source=source, stocks=removed)
            return repository.upsert_stocks(session, listing, self.provider.name)

    def _missing_ranges(self, end: date) -> dict[date, list[str]]:
        """Group the universe by the first date each stock is missing."""
        history_start = self._history_start()
        with session_scope(self.context.sessions) as session:
            codes = repository.stock_codes(session, self.provider.name)
            last = repository.latest_bar_dates(session)
        groups: dict[date, list[str]] = defaultdict(list)
        for code in codes:
            first_missing = last[code] + timedelta(days=1) if code in last else history_start
            if first_missing <= end:
                groups[first_missing].append(code)
        return dict(sorted(groups.items()))

    def _history_start(self) -> date:
        start = getattr(self.provider, "start", None)
        return start if isinstance(start, date) else self.context.settings.effective_history_start

    def _sync_bars(self, report: SyncReport, end: date) -> None:
        plan: list[tuple[list[date], list[str] | None]] = []
        with session_scope(self.context.sessions) as session:
            universe_size = len(repository.stock_codes(session, self.provider.name))
        for first, codes in self._missing_ranges(end).items():
            days = sessions_between(first, end)
            # The whole universe behind by the same days: ask without a code filter.
            scope = None if len(codes) == universe_size else codes
            for i in range(0, len(days), self.days_per_chunk):
                plan.append((days[i : i + self.days_per_chunk], scope))
        report.steps_total = len(plan)
        if plan:
            report.from_date = min(chunk[0] for chunk, _ in plan)
            report.to_date = max(chunk[-1] for chunk, _ in plan)
        self._save_progress(report)
        for step, (chunk, scope) in enumerate(plan, start=1):
            self._check_lease()
            frame = self.provider.fetch_daily_bars(chunk[0], chunk[-1], scope)
            with session_scope(self.context.sessions) as session:
                self.lock.fence(session)
                known = set(repository.stock_codes(session))
                frame = frame[frame["code"].isin(known)]
                report.bars += repository.upsert_bars(session, frame)
                report.steps_done = step
                self._save_progress(report, session)
            self.progress(step, len(plan), f"{chunk[0]}…{chunk[-1]}")

    def _sync_index(self, end: date) -> int:
        """The source's market index (TOPIX …) from the session after its last stored bar: one
        range, one fetch (a few thousand rows at most). A source without an index answers nothing
        and nothing is written; an unchanged bar is not counted, so a sync with nothing new stays
        one that changed nothing."""
        with session_scope(self.context.sessions) as session:
            last = repository.latest_index_date(session, self.provider.name)
        start = last + timedelta(days=1) if last else self._history_start()
        if not sessions_between(start, end):
            return 0
        self._check_lease()
        frame = self.provider.fetch_index_bars(start, end)
        with session_scope(self.context.sessions) as session:
            self.lock.fence(session)
            return repository.upsert_index_bars(session, frame, self.provider.name)

    def _sync_fundamentals(self, end: date) -> int:
        with session_scope(self.context.sessions) as session:
            last = repository.latest_disclosure_date(session)
        # On the first sync, reach a year further back than the prices: a ratio on the first day
        # needs the last full-year figures, disclosed up to a year earlier.
        start = last + timedelta(days=1) if last else self._history_start() - FUNDAMENTALS_LEAD
        recent = sessions_between(end - timedelta(days=14), end)[-FUNDAMENTALS_REFETCH_SESSIONS:]
        if recent:
            start = min(start, recent[0])
        if start > end:
            return 0
        # A by-date source asks once per session (J-Quants: a first sync wants over a year of them,
        # at 60 a minute): fetched and written a few weeks at a time, with progress, so that the
        # job's time left covers those minutes and an interrupted sync keeps what it wrote.
        days = sessions_between(start, end) if self.provider.fetches_by_date else []
        step = FUNDAMENTALS_SESSIONS_PER_CHUNK
        ranges = [(days[i], days[min(i + step, len(days)) - 1]) for i in range(0, len(days), step)]
        ranges = ranges or [(start, end)]
        written = 0
        for done, (first, last) in enumerate(ranges, start=1):
            self._check_lease()
            frame = self.provider.fetch_fundamentals(first, last)
            with session_scope(self.context.sessions) as session:
                self.lock.fence(session)
                known = set(repository.stock_codes(session))
                written += repository.upsert_fundamentals(session, frame[frame["code"].isin(known)])
            if len(ranges) > 1:
                self.progress(done, len(ranges), f"disclosures {first}…{last}")
        return written

    # -- run bookkeeping ------------------------------------------------------------------------

    def _start_run(self, triggered_by: int | None) -> SyncReport:
        with session_scope(self.context.sessions) as session:
            run = SyncRun(source=self.provider.name, status="running", triggered_by=triggered_by)
            session.add(run)
            session.flush()
            return SyncReport(run_id=run.id, source=self.provider.name)

    def _save_progress(self, report: SyncReport, session: Session | None = None) -> None:
        def write(s: Session) -> None:
            run = s.get(SyncRun, report.run_id)
            if run is None:
                return
            run.steps_total, run.steps_done = report.steps_total, report.steps_done
            run.from_date, run.to_date = report.from_date, report.to_date
            run.bars_written = report.bars

        if session is not None:
            write(session)
            return
        with session_scope(self.context.sessions) as own:
            write(own)

    def _finish_run(self, report: SyncReport) -> None:
        with session_scope(self.context.sessions) as session:
            run = session.get(SyncRun, report.run_id)
            if run is None:
                return
            # Failed already, e.g. by an administrator's unlock: the first reason says why.
            keep = run.status == "failed" and report.status == "failed" and run.error
            run.status, run.finished_at = report.status, utcnow()
            run.error = run.error if keep else report.error
            run.stocks_written, run.bars_written = report.stocks, report.bars
            run.fundamentals_written = report.fundamentals
            run.steps_total, run.steps_done = report.steps_total, report.steps_done
            run.from_date, run.to_date = report.from_date, report.to_date


def recent_runs(context: AppContext, limit: int = 20) -> list[dict[str, object]]:
    """The newest runs, a run whose process died reported as failed (see ``sync_runs``)."""
    with session_scope(context.sessions) as session:
        runs = session.scalars(select(SyncRun).order_by(SyncRun.id.desc()).limit(limit)).all()
        lease = read_sync_lease(session)
    now = utcnow()
    return [{**_columns(run), **stale_fields(run, lease, now)} for run in runs]


def _columns(run: SyncRun) -> dict[str, object]:
    return {column.key: getattr(run, column.key) for column in SyncRun.__table__.columns}
