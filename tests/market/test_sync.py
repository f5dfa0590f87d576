from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa

from kabu_trade.core.context import AppContext
from kabu_trade.core.db import session_scope
from kabu_trade.core.errors import Conflict, SourceError
from kabu_trade.core.locks import LeaseLock
from kabu_trade.market import repository
from kabu_trade.market.calendar import sessions_between
from kabu_trade.market.models import DailyBar, Fundamental, IndexBar, Stock, SyncRun
from kabu_trade.market.providers.base import DEMO_INDEX, FUNDAMENTAL_COLUMNS, MarketDataProvider
from kabu_trade.market.providers.demo import DemoProvider
from kabu_trade.market.sync import SYNC_LOCK, MarketSync

START, MIDDLE, END = date(2024, 1, 4), date(2024, 6, 28), date(2024, 9, 30)
ContextFactory = Callable[..., AppContext]


def _demo(symbols: int = 12) -> DemoProvider:
    return DemoProvider(symbols=symbols, start=START, end=END)


class FlakyProvider(MarketDataProvider):
    """The demo data from a source that breaks on its n-th bars call (a network failure mid-sync)."""

    name = "demo"
    is_demo = True

    def __init__(self, inner: DemoProvider, fail_on_call: int) -> None:
        self.inner, self.fail_on_call, self.calls = inner, fail_on_call, 0
        self.start, self.end = inner.start, inner.end

    def list_stocks(self) -> pd.DataFrame:
        return self.inner.list_stocks()

    def fetch_daily_bars(self, start: date, end: date, codes: Sequence[str] | None = None) -> pd.DataFrame:
        self.calls += 1
        if self.calls == self.fail_on_call:
            raise ConnectionError("connection reset by peer")
        return self.inner.fetch_daily_bars(start, end, codes)

    def fetch_fundamentals(self, start: date, end: date, codes: Sequence[str] | None = None) -> pd.DataFrame:
        return self.inner.fetch_fundamentals(start, end, codes)


class RealLookingProvider(FlakyProvider):
    name = "csv"
    is_demo = False

    def __init__(self, inner: DemoProvider) -> None:
        super().__init__(inner, fail_on_call=-1)


def _counts(context: AppContext) -> tuple[int, int, int]:
    with session_scope(context.sessions) as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(sa.select(sa.func.count()).select_from(t)) or 0)
            for t in (Stock, DailyBar, Fundamental)
        )


def _bars(context: AppContext) -> pd.DataFrame:
    with session_scope(context.sessions) as session:
        rows = session.execute(sa.select(DailyBar).order_by(DailyBar.code, DailyBar.date)).scalars().all()
        return pd.DataFrame([(r.code, r.date, r.close, r.adj_factor) for r in rows])


def test_full_then_incremental_then_idempotent(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend)
    provider = _demo()
    first = MarketSync(context, provider, days_per_chunk=30).run(until=MIDDLE)
    sessions = sessions_between(START, MIDDLE)
    assert first.status == "succeeded" and first.stocks == 12
    assert first.bars == 12 * len(sessions) and first.steps_total == -(-len(sessions) // 30)
    second = MarketSync(context, provider, days_per_chunk=30).run(until=END)
    assert second.from_date == sessions_between(MIDDLE + timedelta(days=1), END)[0]
    assert second.bars == 12 * len(sessions_between(MIDDLE + timedelta(days=1), END))
    again = MarketSync(context, provider).run(until=END)
    assert again.bars == 0 and again.steps_total == 0
    one_shot = context_factory(backend)
    MarketSync(one_shot, _demo()).run(until=END)
    assert _counts(context) == _counts(one_shot)
    pd.testing.assert_frame_equal(_bars(context), _bars(one_shot))
    with session_scope(context.sessions) as session:
        runs = session.scalars(sa.select(SyncRun).order_by(SyncRun.id)).all()
        assert [r.status for r in runs] == ["succeeded"] * 3
        assert runs[0].bars_written == first.bars and runs[0].finished_at is not None


def test_interrupted_sync_keeps_whole_chunks_and_resumes(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend)
    flaky = FlakyProvider(_demo(), fail_on_call=3)
    with pytest.raises(SourceError, match="connection reset"):
        MarketSync(context, flaky, days_per_chunk=20).run(until=END)
    with session_scope(context.sessions) as session:
        run = session.scalar(sa.select(SyncRun))
        assert run is not None and run.status == "failed" and "connection reset" in (run.error or "")
        per_day = session.execute(sa.select(DailyBar.date, sa.func.count()).group_by(DailyBar.date)).all()
    # Two whole chunks, and every stored day is complete (never half a day).
    assert len(per_day) == 40 and {n for _, n in per_day} == {12}
    assert LeaseLock(context.sessions, SYNC_LOCK, 60).current_holder() is None  # lock released
    resumed = MarketSync(context, _demo(), days_per_chunk=20).run(until=END)
    assert resumed.from_date == sessions_between(START, END)[40]
    reference = context_factory(backend)
    MarketSync(reference, _demo()).run(until=END)
    pd.testing.assert_frame_equal(_bars(context), _bars(reference))


def test_a_second_sync_is_refused_while_one_holds_the_lock(context_factory: ContextFactory) -> None:
    context = context_factory("sqlite")
    other = LeaseLock(context.sessions, SYNC_LOCK, 600, holder="other-host:1")
    assert other.acquire()
    with pytest.raises(Conflict, match="other-host:1"):
        MarketSync(context, _demo()).run(until=MIDDLE)
    assert _counts(context) == (0, 0, 0)
    other.release()
    assert MarketSync(context, _demo()).run(until=MIDDLE).status == "succeeded"


def test_an_expired_lease_is_taken_over(context_factory: ContextFactory) -> None:
    context = context_factory("sqlite")
    crashed = LeaseLock(context.sessions, SYNC_LOCK, 60, holder="crashed:1")
    assert crashed.acquire()
    with session_scope(context.sessions) as session:
        session.execute(sa.text("UPDATE job_locks SET expires_at = '2000-01-01 00:00:00'"))
    assert LeaseLock(context.sessions, SYNC_LOCK, 60).acquire()


def test_demo_and_real_data_never_mix(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend)
    MarketSync(context, _demo()).run(until=MIDDLE)
    before = _counts(context)
    with pytest.raises(Conflict, match="never mixed"):
        MarketSync(context, RealLookingProvider(_demo(10))).run(until=MIDDLE)
    assert _counts(context) == before
    MarketSync(context, RealLookingProvider(_demo(10))).run(until=MIDDLE, purge_other=True)
    with session_scope(context.sessions) as session:
        assert repository.data_sources(session) == ["csv"]
    assert _counts(context)[0] == 10


def test_fundamentals_are_point_in_time_and_incremental(context_factory: ContextFactory) -> None:
    context = context_factory("sqlite")
    MarketSync(context, _demo()).run(until=MIDDLE)
    with session_scope(context.sessions) as session:
        latest = session.scalar(sa.select(sa.func.max(Fundamental.disclosed_date)))
    assert latest is not None and latest <= MIDDLE
    report = MarketSync(context, _demo()).run(until=END)
    assert report.fundamentals > 0
    with session_scope(context.sessions) as session:
        assert session.scalar(sa.select(sa.func.max(Fundamental.disclosed_date))) <= END  # type: ignore[operator]


class ByDateProvider(RealLookingProvider):
    """The demo data from a source that answers one session per call (as J-Quants does)."""

    name = "demo"
    is_demo = True
    fetches_by_date = True

    def __init__(self, inner: DemoProvider) -> None:
        super().__init__(inner)
        self.fundamental_ranges: list[tuple[date, date]] = []

    def fetch_fundamentals(self, start: date, end: date, codes: Sequence[str] | None = None) -> pd.DataFrame:
        self.fundamental_ranges.append((start, end))
        return super().fetch_fundamentals(start, end, codes)


def _disclosures(context: AppContext) -> list[tuple[str, date]]:
    with session_scope(context.sessions) as session:
        rows = session.execute(
            sa.select(Fundamental.code, Fundamental.disclosed_date).order_by(
                Fundamental.code, Fundamental.disclosed_date
            )
        )
        return [(code, day) for code, day in rows]


def test_a_by_date_source_gets_its_disclosures_a_few_weeks_at_a_time_with_progress(
    context_factory: ContextFactory,
) -> None:
    from kabu_trade.market.sync import FUNDAMENTALS_SESSIONS_PER_CHUNK

    context, reference = context_factory("sqlite"), context_factory("sqlite")
    steps: list[tuple[int, int, str]] = []
    provider = ByDateProvider(_demo())
    report = MarketSync(context, provider, progress=lambda *step: steps.append(step)).run(until=END)
    # Every call covers at most a chunk of sessions, the chunks follow one another, and each is
    # reported as a step of its own phase (the job's time left counts these minutes too).
    assert len(provider.fundamental_ranges) > 1
    for first, last in provider.fundamental_ranges:
        assert len(sessions_between(first, last)) <= FUNDAMENTALS_SESSIONS_PER_CHUNK
    disclosure_steps = [s for s in steps if s[2].startswith("disclosures ")]
    assert [s[0] for s in disclosure_steps] == list(range(1, len(provider.fundamental_ranges) + 1))
    assert {s[1] for s in disclosure_steps} == {len(provider.fundamental_ranges)}
    assert disclosure_steps[-1][2] == "disclosures {}…{}".format(*provider.fundamental_ranges[-1])
    # What is stored is what one call for the whole range stores.
    MarketSync(reference, _demo()).run(until=END)
    assert report.fundamentals > 0 and _disclosures(context) == _disclosures(reference)


def _index(context: AppContext) -> pd.DataFrame:
    with session_scope(context.sessions) as session:
        rows = session.scalars(sa.select(IndexBar).order_by(IndexBar.code, IndexBar.date)).all()
        return pd.DataFrame([(r.code, r.date, r.open, r.high, r.low, r.close, r.source) for r in rows])


def test_the_index_is_synced_incrementally_and_a_rerun_writes_nothing(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend)
    first = MarketSync(context, _demo()).run(until=MIDDLE)
    assert first.index_bars == len(sessions_between(START, MIDDLE))
    second = MarketSync(context, _demo()).run(until=END)
    assert second.index_bars == len(sessions_between(MIDDLE + timedelta(days=1), END))
    again = MarketSync(context, _demo()).run(until=END)
    assert again.index_bars == 0 and not again.changed  # a no-op sync stays a no-op
    stored = _index(context)
    assert set(stored[0]) == {DEMO_INDEX} and set(stored[6]) == {"demo"}
    assert list(stored[1]) == sessions_between(START, END)
    # In two steps or one, the same series (the demo index only appends).
    one_shot = context_factory(backend)
    MarketSync(one_shot, _demo()).run(until=END)
    pd.testing.assert_frame_equal(stored, _index(one_shot))
    with session_scope(context.sessions) as session:
        closes = repository.index_closes(session, DEMO_INDEX, MIDDLE, END)
        assert repository.index_closes(session, "TOPIX").empty
    assert list(closes.index) == sessions_between(MIDDLE, END)
    assert closes.to_list() == stored[stored[1] >= MIDDLE][5].to_list()


def test_a_changed_index_bar_is_rewritten_and_counted(context_factory: ContextFactory) -> None:
    context = context_factory("sqlite")
    MarketSync(context, _demo()).run(until=END)
    with session_scope(context.sessions) as session:
        bar = session.get(IndexBar, (DEMO_INDEX, END))
        assert bar is not None
        bar.close = 1.0
        session.execute(sa.delete(IndexBar).where(IndexBar.date > MIDDLE, IndexBar.date < END))
    # The sync continues after the last stored bar: the hole before it stays (bars behave alike),
    # and an upsert of the range rewrites what differs.
    assert MarketSync(context, _demo()).run(until=END).index_bars == 0
    with session_scope(context.sessions) as session:
        written = repository.upsert_index_bars(session, _demo().fetch_index_bars(MIDDLE, END), "demo")
    assert written == len(sessions_between(MIDDLE + timedelta(days=1), END))


def test_removing_the_demo_data_removes_its_index(context_factory: ContextFactory) -> None:
    context = context_factory("sqlite")
    MarketSync(context, _demo()).run(until=MIDDLE)
    assert not _index(context).empty
    report = MarketSync(context, RealLookingProvider(_demo(10))).run(until=MIDDLE, purge_other=True)
    assert report.index_bars == 0  # a CSV source has no index
    assert _index(context).empty


def test_bulk_writes_are_set_based(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend)
    statements: list[str] = []
    sa.event.listen(
        context.engine,
        "before_cursor_execute",
        lambda conn, cursor, statement, *args: statements.append(statement),
    )
    report = MarketSync(context, _demo(), days_per_chunk=500).run(until=END)
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO DAILY_BARS")]
    assert report.bars > 2000
    assert 1 <= len(inserts) <= 5, f"{len(inserts)} INSERT statements for {report.bars} bars"


async def test_sync_api_lists_runs_and_only_admins_start_one(context_factory: ContextFactory) -> None:
    import httpx

    from kabu_trade.main import create_app
    from tests.conftest import create_user_in, sign_in

    context = context_factory("sqlite")
    create_user_in(context, "boss", admin=True)
    create_user_in(context, "member")
    MarketSync(context, _demo()).run(until=MIDDLE)
    transport = httpx.ASGITransport(app=create_app(context=context))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        member = await sign_in(client, "member")
        runs = (await client.get("/api/v1/sync/runs", headers=member)).json()
        assert runs[0]["status"] == "succeeded" and runs[0]["steps_done"] == runs[0]["steps_total"]
        assert (await client.post("/api/v1/sync", headers=member)).status_code == 403
        boss = await sign_in(client, "boss")
        queued = await client.post("/api/v1/sync", headers=boss)
        assert queued.status_code == 202 and queued.json()["status"] == "queued"
        busy = await client.post("/api/v1/sync", headers=boss)
        assert busy.status_code == 409 and f"#{queued.json()['id']}" in busy.json()["detail"]


def test_first_sync_fetches_a_year_of_disclosures_before_the_first_price(
    context_factory: ContextFactory,
) -> None:
    context = context_factory("sqlite")
    MarketSync(context, _demo()).run(until=MIDDLE)
    with session_scope(context.sessions) as session:
        first = session.scalar(sa.select(sa.func.min(Fundamental.disclosed_date)))
    assert first is not None and first < START - timedelta(days=200)


class LateDisclosureProvider(RealLookingProvider):
    """A source that publishes one more disclosure for an already-synced day later, as J-Quants does
    (financial data lands around 18:00 and again around 24:30 JST, after the 16:30 prices)."""

    def __init__(self, inner: DemoProvider, late: pd.DataFrame | None = None) -> None:
        super().__init__(inner)
        self.late = late

    def fetch_fundamentals(self, start: date, end: date, codes: Sequence[str] | None = None) -> pd.DataFrame:
        frame = super().fetch_fundamentals(start, end, codes)
        if self.late is None:
            return frame
        days = self.late["disclosed_date"]
        return pd.concat([frame, self.late[(days >= start) & (days <= end)]], ignore_index=True)


def _disclosure(code: str, day: date, forecast_eps: float) -> dict[str, object]:
    return {
        **dict.fromkeys(FUNDAMENTAL_COLUMNS, float("nan")),
        "code": code,
        "disclosed_date": day,
        "period_type": "FY",
        "period_end": date(2099, 3, 31),  # a key no demo disclosure has
        "forecast_eps": forecast_eps,
    }


def test_a_disclosure_published_later_on_a_synced_day_is_fetched_by_the_next_sync(
    context_factory: ContextFactory,
) -> None:
    context = context_factory("sqlite")
    early_code, late_code = _demo().list_stocks()["code"][:2]
    # The evening sync of MIDDLE stores the disclosures published by then ...
    early = pd.DataFrame([_disclosure(early_code, MIDDLE, 100.0)], columns=FUNDAMENTAL_COLUMNS)
    MarketSync(context, LateDisclosureProvider(_demo(), early)).run(until=MIDDLE)
    with session_scope(context.sessions) as session:
        assert repository.latest_disclosure_date(session) == MIDDLE
    # ... and J-Quants publishes another one for MIDDLE around 24:30.
    both = pd.DataFrame(
        [_disclosure(early_code, MIDDLE, 100.0), _disclosure(late_code, MIDDLE, 123.0)],
        columns=FUNDAMENTAL_COLUMNS,
    )

    # A re-run the same night (no new session) and the next day's sync alike fetch it.
    for until in (MIDDLE, sessions_between(MIDDLE + timedelta(days=1), END)[0]):
        MarketSync(context, LateDisclosureProvider(_demo(), both)).run(until=until)
        with session_scope(context.sessions) as session:
            stored = session.scalars(
                sa.select(Fundamental.forecast_eps).where(
                    Fundamental.code == late_code, Fundamental.period_end == date(2099, 3, 31)
                )
            ).all()
        assert stored == [123.0], until
