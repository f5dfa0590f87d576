"""J-Quants API V2 (JPX's official data) through the official client, ``jquantsapi.ClientV2``.

What the official client does, and what this module adds:

- **Auth**: ClientV2 sends the API key in the ``x-api-key`` header. We always pass the key
  explicitly (it would otherwise also read ``JQUANTS_API_KEY`` and ``~/.jquants-api/*.toml``).
- **Paging**: ClientV2 follows ``pagination_key`` until a page comes without one, for the master,
  daily bars, fins/summary and TOPIX alike, and returns one DataFrame. We rely on it.
- **Retries**: ClientV2 mounts urllib3 ``Retry(total=3)`` on 429/500/502/503/504 with
  ``backoff_factor=0``: three immediate retries, sleeping only if a Retry-After header comes. J-Quants
  asks clients to wait before retrying a 429 and blocks a key for about five minutes if it keeps
  going, and those sleeps could not be injected in tests. So ClientV2 gets a plain session without
  retries, and every HTTP request it makes (each page included) passes through ``RequestGate``: the
  plan's rate limit first (and ``/fins/*``'s own 60 a minute), then our own, bounded, exponential
  backoff.
- **Range helpers** (``get_eq_bars_daily_range`` …) call every *calendar* day from five threads,
  ignoring the rate limit: not used. We walk trading days (``market.calendar``) one call at a time.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd
import requests
import structlog
from jquantsapi import ClientV2

from kabu_trade.core.clock import tokyo_today
from kabu_trade.core.errors import InvalidInput, SourceError
from kabu_trade.market.calendar import sessions_between
from kabu_trade.market.providers.base import (
    BAR_COLUMNS,
    FUNDAMENTAL_COLUMNS,
    INDEX_BAR_COLUMNS,
    MarketDataProvider,
    empty_frame,
)
from kabu_trade.market.providers.jquants_mapping import (
    bars_from_daily,
    filter_codes,
    fundamentals_from_summary,
    index_bars_from_topix,
    stocks_from_master,
    to_api_code,
)

if TYPE_CHECKING:
    from kabu_trade.core.config import Settings

log = structlog.get_logger(__name__)
T = TypeVar("T")

# Requests per minute by plan (https://jpx-jquants.com/en/spec/rate-limits).
RATE_LIMITS: dict[str, int] = {"free": 5, "light": 60, "standard": 120, "premium": 500}
RATE_WINDOW_SECONDS = 60.0
# /fins/summary and /fins/details have their own limit on every plan, on top of the plan's: without
# a limiter of their own, Standard (120) and Premium (500) would send faster and live on 429s.
FINS_RATE_LIMIT = 60
FINS_PATH_PREFIX = "/fins/"
# Years of history each plan serves; Premium serves everything (from 2008-05-07).
PLAN_HISTORY_YEARS: dict[str, int | None] = {"free": 2, "light": 5, "standard": 10, "premium": None}
FREE_PLAN_DELAY = timedelta(weeks=12)
DEFAULT_BASE_URL = ClientV2.JQUANTS_API_BASE
# Failures on the way that may pass: no connection, no answer in time, a body cut off mid-way.
_TRANSIENT_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait before retrying a request that failed in a way that may pass."""

    rate_limit_retries: int = 5
    # 5, 10, 20, 40, 80 s: together longer than the one-minute window the limit counts over.
    rate_limit_backoff: float = 5.0
    transient_retries: int = 3  # 5xx and connection errors: 1, 2, 4 s
    transient_backoff: float = 1.0
    max_delay: float = 300.0  # J-Quants' own block lasts about five minutes

    def delay(self, base: float, attempt: int) -> float:
        return float(min(base * 2**attempt, self.max_delay))


class SlidingWindowLimiter:
    """At most ``max_calls`` calls in any ``period`` seconds; ``acquire`` sleeps until one is allowed.

    A sliding log rather than a token bucket: a bucket of N tokens refilled at N per minute lets up
    to 2N requests into one 60-second span (the full bucket, then the refill), which a per-minute
    limit on the server side may count as over.
    """

    def __init__(
        self,
        max_calls: int,
        period: float = RATE_WINDOW_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_calls < 1:
            raise ValueError("max_calls must be at least 1")
        self.max_calls = max_calls
        self.period = period
        self._clock = clock
        self._sleep = sleep
        self._stamps: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            now = self._evict(self._clock())
            while len(self._stamps) >= self.max_calls:
                wait = self._stamps[0] + self.period - now
                log.debug("jquants_rate_limit_wait", seconds=round(wait, 3), limit=self.max_calls)
                self._sleep(wait)
                now = self._evict(self._clock())
            self._stamps.append(now)

    def _evict(self, now: float) -> float:
        while self._stamps and self._stamps[0] + self.period <= now:
            self._stamps.popleft()
        return now


@dataclass
class _Attempts:
    """Retries used so far on one request, counted apart because each kind has its own budget."""

    rate_limited: int = 0
    transient: int = 0

    @property
    def made(self) -> int:
        return self.rate_limited + self.transient + 1


class RequestGate:
    """Sends one HTTP request: waits for the rate limiter, retries what may pass, explains the rest."""

    def __init__(
        self,
        limiter: SlidingWindowLimiter,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], None],
        plan: str,
    ) -> None:
        self._limiter = limiter
        self._policy = policy
        self._sleep = sleep
        self._plan = plan

    def send(
        self,
        request: Callable[[], requests.Response],
        what: str,
        endpoint_limiter: SlidingWindowLimiter | None = None,
    ) -> requests.Response:
        """``endpoint_limiter``: the endpoint's own limit, if it has one, waited for as well."""
        attempts = _Attempts()
        while True:
            self._limiter.acquire()  # retries count against the plan's limit like any request
            if endpoint_limiter is not None:
                endpoint_limiter.acquire()
            try:
                return request()
            except requests.RequestException as exc:
                delay = self._retry_delay(exc, attempts)
                if delay is None:
                    raise self._failure(exc, what, attempts) from exc
            log.warning("jquants_retry", what=what, delay=delay, attempt=attempts.made)
            self._sleep(delay)

    def _retry_delay(self, exc: requests.RequestException, attempts: _Attempts) -> float | None:
        """Seconds to wait before the next try, or ``None`` when this failure is final."""
        policy, status = self._policy, _status(exc)
        if status == 429:
            if attempts.rate_limited >= policy.rate_limit_retries:
                return None
            attempts.rate_limited += 1
            backoff = policy.delay(policy.rate_limit_backoff, attempts.rate_limited - 1)
            return _retry_after(exc.response) or backoff
        if (status is not None and status >= 500) or isinstance(exc, _TRANSIENT_ERRORS):
            if attempts.transient >= policy.transient_retries:
                return None
            attempts.transient += 1
            return policy.delay(policy.transient_backoff, attempts.transient - 1)
        return None  # 401/403 (bad key, plan), 400 (bad or out-of-plan dates) …: retrying won't help

    def _failure(self, exc: requests.RequestException, what: str, attempts: _Attempts) -> SourceError:
        status, tries = _status(exc), attempts.made
        after = f" after {tries} attempts" if tries > 1 else ""
        if status is None:
            return SourceError(f"J-Quants could not be reached for {what}{after}: {exc}")
        message = _api_message(exc.response)
        if status == 429:
            fins = f", /fins/* {FINS_RATE_LIMIT}" if what.startswith(FINS_PATH_PREFIX) else ""
            return SourceError(
                f"J-Quants rate limit exceeded for {what}: still HTTP 429{after} "
                f"(the {self._plan} plan allows {RATE_LIMITS[self._plan]} requests per minute{fins}). "
                f"{message}"
            )
        if status in (401, 403):
            return JQuantsRefused(
                f"J-Quants refused {what} (HTTP {status}: {message}). Check the API key (the data "
                f"page's, else KABU_JQUANTS_API_KEY) and that the {self._plan} plan includes this data.",
                status=status,
            )
        return SourceError(f"J-Quants answered HTTP {status} for {what}{after}: {message}")


class JQuantsRefused(SourceError):
    """J-Quants answered 401 or 403: the key is wrong, or the plan does not include the data."""

    def __init__(self, detail: str, *, status: int) -> None:
        super().__init__(detail)
        self.status = status


class _GatedClientV2(ClientV2):  # type: ignore[misc]  # jquantsapi ships no type information
    """ClientV2 whose every request goes through a ``RequestGate`` on a session without urllib3 retries."""

    def __init__(
        self,
        api_key: str,
        session: requests.Session,
        gate: RequestGate,
        fins_limiter: SlidingWindowLimiter,
        base_url: str = DEFAULT_BASE_URL,
    ) -> None:
        super().__init__(api_key=api_key)
        # The client builds every URL from this attribute: an instance value redirects them all.
        self.JQUANTS_API_BASE = base_url.rstrip("/")
        self._session = session
        self._gate = gate
        self._fins_limiter = fins_limiter

    def _request_session(self, *args: Any, **kwargs: Any) -> requests.Session:
        # Never the client's own retrying session: retries are RequestGate's job.
        return self._session

    def _get(self, url: str, params: dict[str, Any] | None = None) -> requests.Response:
        parent_get = super()._get
        path = url.removeprefix(self.JQUANTS_API_BASE)
        what = f"{path} {params}" if params else path
        own_limit = self._fins_limiter if path.startswith(FINS_PATH_PREFIX) else None
        response: requests.Response = self._gate.send(lambda: parent_get(url, params), what, own_limit)
        return response


class JQuantsProvider(MarketDataProvider):
    """Listed issues, daily bars and financial summaries from J-Quants API V2.

    ``fetches_by_date``: one call per trading day returns every stock. When fewer codes than days
    are asked for, it asks per code instead (one call per code for the whole range), whichever
    needs fewer requests under the plan's rate limit.
    """

    name = "jquants"
    is_demo = False
    fetches_by_date = True

    def __init__(
        self,
        api_key: str | None,
        plan: str = "free",
        *,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        today: Callable[[], date] | None = None,
        retry: RetryPolicy | None = None,
        base_url: str = DEFAULT_BASE_URL,
        fins_per_minute: int = FINS_RATE_LIMIT,
    ) -> None:
        key = (api_key or "").strip()
        if not key:
            raise InvalidInput(
                "The J-Quants provider needs an API key: save one on the web app's data page, or set "
                "KABU_JQUANTS_API_KEY (issued on the J-Quants dashboard).",
                field="jquants_api_key",
            )
        if plan not in RATE_LIMITS:
            raise InvalidInput(
                f"Unknown J-Quants plan {plan!r} in KABU_JQUANTS_PLAN: use one of {', '.join(RATE_LIMITS)}.",
                field="jquants_plan",
            )
        self.plan = plan
        self._today = today or tokyo_today
        self._session = session or requests.Session()
        limiter = SlidingWindowLimiter(RATE_LIMITS[plan], clock=clock, sleep=sleep)
        gate = RequestGate(limiter, retry or RetryPolicy(), sleep=sleep, plan=plan)
        fins_limiter = SlidingWindowLimiter(fins_per_minute, clock=clock, sleep=sleep)
        self._client = _GatedClientV2(key, self._session, gate, fins_limiter, base_url)

    @classmethod
    def from_settings(cls, settings: Settings) -> JQuantsProvider:
        key = settings.jquants_api_key.get_secret_value() if settings.jquants_api_key else None
        return cls(
            key,
            settings.jquants_plan,
            base_url=settings.jquants_base_url,
            fins_per_minute=settings.jquants_fins_per_minute,
        )

    def coverage(self) -> tuple[date | None, date]:
        """First and last date the plan serves today (``None``: no lower bound)."""
        return plan_coverage(self.plan, self._today())

    def list_stocks(self) -> pd.DataFrame:
        raw: pd.DataFrame = self._call("/equities/master", lambda: self._client.get_eq_master())
        return stocks_from_master(raw)

    def fetch_daily_bars(self, start: date, end: date, codes: Sequence[str] | None = None) -> pd.DataFrame:
        window = self._window(start, end, "daily bars")
        days = sessions_between(*window) if window else []
        if not days or codes == []:
            return empty_frame(BAR_COLUMNS)
        if codes is not None and len(codes := _unique(codes)) < len(days):
            frames = [self._bars_of_code(code, days[0], days[-1]) for code in codes]
        else:
            frames = [self._bars_of_day(day) for day in days]
        return filter_codes(bars_from_daily(_concat(frames)), codes)

    def fetch_fundamentals(self, start: date, end: date, codes: Sequence[str] | None = None) -> pd.DataFrame:
        # Disclosures go out through TDnet, which publishes on exchange business days only.
        window = self._window(start, end, "financial summaries")
        days = sessions_between(*window) if window else []
        if not days or codes == []:
            return empty_frame(FUNDAMENTAL_COLUMNS)
        if codes is not None and len(codes := _unique(codes)) < len(days):
            # By code the API returns the whole disclosure history: cut it to the window below.
            frames = [self._summaries(code=to_api_code(code)) for code in codes]
        else:
            frames = [self._summaries(day=day.isoformat()) for day in days]
        frame = fundamentals_from_summary(_concat(frames))
        in_window = frame["disclosed_date"].map(lambda d: days[0] <= d <= days[-1]).astype(bool)
        return filter_codes(frame[in_window], codes)

    def fetch_index_bars(self, start: date, end: date) -> pd.DataFrame:
        """TOPIX (``/indices/bars/daily/topix``): one request for the whole range, its pages
        followed by the client, each through the gate like every other call. A plan that does not
        serve it (HTTP 401/403 here, after the stock calls went through) leaves the benchmark to
        the equal-weight universe instead of failing the sync."""
        window = self._window(start, end, "TOPIX")
        if window is None or not sessions_between(*window):
            return empty_frame(INDEX_BAR_COLUMNS)
        first, last = window
        try:
            raw: pd.DataFrame = self._call(
                "/indices/bars/daily/topix",
                lambda: self._client.get_idx_bars_daily_topix(
                    from_yyyymmdd=first.isoformat(), to_yyyymmdd=last.isoformat()
                ),
            )
        except JQuantsRefused as exc:
            log.warning("jquants_topix_refused", plan=self.plan, status=exc.status, detail=exc.detail)
            return empty_frame(INDEX_BAR_COLUMNS)
        frame = index_bars_from_topix(raw)
        return frame[(frame["date"] >= first) & (frame["date"] <= last)].reset_index(drop=True)

    def close(self) -> None:
        self._session.close()

    def _bars_of_day(self, day: date) -> pd.DataFrame:
        what = f"/equities/bars/daily date={day.isoformat()}"
        frame: pd.DataFrame = self._call(
            what, lambda: self._client.get_eq_bars_daily(date_yyyymmdd=day.isoformat())
        )
        return frame

    def _bars_of_code(self, code: str, first: date, last: date) -> pd.DataFrame:
        api_code = to_api_code(code)
        frame: pd.DataFrame = self._call(
            f"/equities/bars/daily code={api_code}",
            lambda: self._client.get_eq_bars_daily(
                code=api_code, from_yyyymmdd=first.isoformat(), to_yyyymmdd=last.isoformat()
            ),
        )
        return frame

    def _summaries(self, *, code: str = "", day: str = "") -> pd.DataFrame:
        # get_fin_summary is deprecated in favour of the cursor variant; the cursor (Premium-only
        # incremental fetch) is not used.
        frame: pd.DataFrame
        frame, _cursor = self._call(
            f"/fins/summary {'code=' + code if code else 'date=' + day}",
            lambda: self._client.get_fin_summary_cursor(code=code, date_yyyymmdd=day),
        )
        return frame

    def _window(self, start: date, end: date, what: str) -> tuple[date, date] | None:
        """[start, end] cut to what the plan serves, so a plan limit is not reported as an error."""
        if start > end:
            raise InvalidInput(f"start {start} is after end {end}", field="start")
        first, last = self.coverage()
        clipped = (max(start, first) if first else start, min(end, last))
        if clipped != (start, end):
            log.warning(
                "jquants_plan_window",
                what=what,
                plan=self.plan,
                asked=[start.isoformat(), end.isoformat()],
                served=[first.isoformat() if first else None, last.isoformat()],
            )
        return clipped if clipped[0] <= clipped[1] else None

    def _call(self, what: str, fetch: Callable[[], T]) -> T:
        """Run one client call; anything but a SourceError means the payload was not what we expect."""
        try:
            return fetch()
        except SourceError:
            raise
        except (KeyError, ValueError) as exc:
            # invalid JSON (a maintenance page …), or a field the client's column list expects missing
            raise SourceError(f"J-Quants returned an unexpected payload for {what}: {exc!r}") from exc


def plan_coverage(plan: str, today: date) -> tuple[date | None, date]:
    """First and last date ``plan`` serves on ``today`` (``None``: no lower bound)."""
    last = today - FREE_PLAN_DELAY if plan == "free" else today
    years = PLAN_HISTORY_YEARS[plan]
    return (_years_before(today, years) if years else None), last


def _status(exc: requests.RequestException) -> int | None:
    """The HTTP status of a failed request; ``None`` when no answer came (connection, timeout)."""
    if not isinstance(exc, requests.HTTPError) or exc.response is None:
        return None
    status: int = exc.response.status_code
    return status


def _api_message(response: requests.Response | None) -> str:
    """J-Quants explains errors as ``{"message": "..."}``; fall back to the start of the body."""
    if response is None:
        return "no response"
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])
    return response.text[:200] or response.reason or "no message"


def _retry_after(response: requests.Response | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), if the server sent one."""
    value = response.headers.get("Retry-After") if response is not None else None
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return max((moment - datetime.now(UTC)).total_seconds(), 0.0)


def _unique(codes: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(code.strip().upper() for code in codes))


def _concat(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    non_empty = [f for f in frames if not f.empty]
    return pd.concat(non_empty, ignore_index=True) if non_empty else pd.DataFrame()


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
