"""Sign-in throttling that counts before it verifies and that strangers cannot turn into a lock-out.

Two rules, both kept in the cache (Redis in production, so every API process sees the same counts):

* **Per account + address pair, with exponential back-off.** The first ``max_failures`` failures
  of a pair are free; after that the pair waits ``backoff_seconds``, doubling per failure up to
  ``backoff_max_seconds``. Keying by the pair means a stranger failing against someone's account
  from *their* address only slows themselves: the owner, from their own address, still signs in.
* **Per address, a looser cap** over all accounts (``address_max_failures`` per window), against one
  address spraying guesses across many accounts.

Counting is atomic: every attempt takes its number with one ``incr`` *before* the password is
checked, so parallel attempts cannot all see "no failures yet" and slip through. Attempts past the
free ones must also win the pair's *gate* (another ``incr`` whose first caller wins and whose
expiry is the back-off), so racers after the free attempts get at most one verification per wait.
A success clears the pair; it never clears the address count (a valid account must not let an
address reset its own cap), it only offsets it.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kabu_trade.core.cache import Cache
from kabu_trade.core.config import Settings
from kabu_trade.core.errors import TooManyRequests
from kabu_trade.core.i18n import Text

_WHO_JA = {"this account from this address": "この接続元からのこのアカウント", "this address": "この接続元"}


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt that was let through to the password check."""

    pair: str
    address: str
    number: int


@dataclass(frozen=True)
class LoginThrottle:
    cache: Cache
    max_failures: int
    window_seconds: int
    backoff_seconds: int
    backoff_max_seconds: int
    address_max_failures: int
    clock: Callable[[], float] = field(default=time.time)

    @classmethod
    def from_settings(cls, cache: Cache, settings: Settings) -> LoginThrottle:
        return cls(
            cache=cache,
            max_failures=settings.login_max_failures,
            window_seconds=settings.login_window_seconds,
            backoff_seconds=settings.login_backoff_seconds,
            backoff_max_seconds=settings.login_backoff_max_seconds,
            address_max_failures=settings.login_address_max_failures,
        )

    def delay_after(self, failures: int) -> int:
        """Seconds a pair waits after its ``failures``-th failure (0 while failures are free)."""
        beyond = failures - self.max_failures
        if beyond < 0:
            return 0
        # The exponent is capped so that a pair with thousands of failures costs no big integers.
        return int(min(self.backoff_max_seconds, self.backoff_seconds * 2 ** min(beyond, 40)))

    def begin(self, username: str, client: str) -> Attempt:
        """Count this attempt, or refuse it with 429 and ``Retry-After``."""
        # Names are hashed: a key's length does not depend on what a client typed.
        who = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
        pair, address = f"login:pair:{who}:{client}", f"login:addr:{client}"
        # Cheap refusals first, without counting: waiting attempts do not lengthen the wait.
        self._refuse_while_waiting(pair)
        self._check_address(address)
        number = self.cache.incr(f"{pair}:n", ttl=self.window_seconds)
        if number >= self.max_failures:
            # The last free attempt and every later one need the gate: one verification per wait.
            gate_ttl = max(self.delay_after(number), self.backoff_seconds)
            if self.cache.incr(f"{pair}:gate", ttl=gate_ttl) != 1:
                self._refuse(self._seconds_left(pair) or gate_ttl, "this account from this address")
        return Attempt(pair, address, number)

    def failed(self, attempt: Attempt) -> None:
        """The password was wrong: the attempt stays counted; past the free ones, start the wait."""
        delay = self.delay_after(attempt.number)
        if delay:
            until = self.clock() + delay
            self.cache.set(f"{attempt.pair}:until", f"{until:.3f}", ttl=delay)
            self.cache.set(f"{attempt.pair}:gate", "1", ttl=delay)

    def succeeded(self, attempt: Attempt) -> None:
        for suffix in (":n", ":gate", ":until"):
            self.cache.delete(attempt.pair + suffix)
        self.cache.incr(f"{attempt.address}:ok", ttl=self.window_seconds)

    # --- refusals --------------------------------------------------------------------------------

    def _seconds_left(self, pair: str) -> int:
        until = self.cache.get(f"{pair}:until")
        if until is None:
            return 0
        try:
            return max(0, math.ceil(float(until) - self.clock()))
        except ValueError:
            return 0

    def _refuse_while_waiting(self, pair: str) -> None:
        left = self._seconds_left(pair)
        if left > 0:
            self._refuse(left, "this account from this address")

    def _check_address(self, address: str) -> None:
        key = f"{address}:n"

        def failures(attempts: int) -> int:
            return attempts - int(self.cache.get(f"{address}:ok") or 0)

        # A look first, so that an address over its cap is refused without counting further.
        if failures(int(self.cache.get(key) or 0)) >= self.address_max_failures:
            self._refuse(self.window_seconds, "this address")
        if failures(self.cache.incr(key, ttl=self.window_seconds)) > self.address_max_failures:
            self._refuse(self.window_seconds, "this address")

    def _refuse(self, seconds: int, what: str) -> None:
        minutes = max(1, math.ceil(seconds / 60))
        wait = f"{seconds} seconds" if seconds < 120 else f"{minutes} minutes"
        wait_ja = f"{seconds}秒" if seconds < 120 else f"{minutes}分"
        what_ja = _WHO_JA.get(what, what)
        raise TooManyRequests(
            Text(
                f"Too many failed sign-ins for {what}; try again in {wait}.",
                f"{what_ja}のサインイン失敗が多すぎます。{wait_ja}後にもう一度お試しください。",
            ),
            headers={"Retry-After": str(max(1, seconds))},
        )
