"""A circuit breaker: stop calling a service that keeps failing, try it again after a cool-down.

closed ──(N consecutive failures)──▶ open ──(cool-down elapsed)──▶ half-open: ONE trial call
   ▲                                   ▲                                   │
   └────────── trial succeeded ────────┼───────────────────────────────────┤
                                       └────────── trial failed ───────────┘

A call asks ``acquire()`` first and reports its outcome with the token it was given, so a slow
call admitted while closed that finishes after the breaker opened cannot close it again: only the
trial call of a half-open breaker can (it is the one that proves the service is back). The clock is
injectable so tests can move time instead of sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import StrEnum

import structlog

log = structlog.get_logger("kabu_trade.circuit_breaker")


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int = 3,
        cooldown_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1 or cooldown_seconds <= 0:
            raise ValueError("a circuit breaker needs failure_threshold ≥ 1 and cooldown_seconds > 0")
        self.name = name
        self.failure_threshold = failure_threshold
        self.cooldown_seconds = cooldown_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._outage_started = 0.0
        # Counters for health and for tests that prove an open breaker makes no calls at all.
        self.admitted = 0
        self.rejected = 0
        self.openings = 0

    @property
    def state(self) -> BreakerState:
        return self._state

    def acquire(self) -> BreakerState | None:
        """May a call go to the service? CLOSED: yes; HALF_OPEN: yes, and it is the one trial call;
        None: no (open and cooling down, or another caller's trial is in flight)."""
        with self._lock:
            if self._state is BreakerState.OPEN and self.clock() - self._opened_at >= self.cooldown_seconds:
                self._state = BreakerState.HALF_OPEN
                self.admitted += 1
                return BreakerState.HALF_OPEN
            if self._state is BreakerState.CLOSED:
                self.admitted += 1
                return BreakerState.CLOSED
            self.rejected += 1
            return None

    def success(self, token: BreakerState) -> bool:
        """Report a call that worked; True when it closed the breaker (the service is back)."""
        with self._lock:
            if token is BreakerState.HALF_OPEN and self._state is BreakerState.HALF_OPEN:
                self._state = BreakerState.CLOSED
                self._failures = 0
                outage = self.clock() - self._outage_started
            else:
                if self._state is BreakerState.CLOSED:
                    self._failures = 0
                return False
        log.info("circuit_breaker.closed", breaker=self.name, outage_seconds=round(outage, 3))
        return True

    def failure(self, token: BreakerState, error: BaseException) -> None:
        """Report a call that failed. Opening is logged once per outage, not once per call."""
        with self._lock:
            now = self.clock()
            if token is BreakerState.HALF_OPEN and self._state is BreakerState.HALF_OPEN:
                # Still down: cool down again, quietly (the outage was logged when it began).
                self._state, self._opened_at = BreakerState.OPEN, now
                return
            if self._state is not BreakerState.CLOSED:
                return
            self._failures += 1
            if self._failures < self.failure_threshold:
                return
            self._state, self._opened_at, self._outage_started = BreakerState.OPEN, now, now
            self.openings += 1
            failures = self._failures
        log.warning(
            "circuit_breaker.open",
            breaker=self.name,
            failures=failures,
            error=f"{type(error).__name__}: {error}",
            cooldown_seconds=self.cooldown_seconds,
        )
