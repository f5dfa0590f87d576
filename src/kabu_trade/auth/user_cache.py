"""The signed-in user from a short in-process cache, so that a cached read queries no database.

Reading the account for every request (exists, active, token version, admin) was 42 % of the busy
CPU of a cached read. The token already says who it is and at which version; what the database
adds is whether that is *still* true. So each API process keeps the accounts it has just read for
``KABU_AUTH_CACHE_SECONDS`` (a few seconds; 0 turns the cache off), in a bounded LRU.

Revocation (a password change, "sign out everywhere" and deactivation bump ``token_version`` or
clear ``is_active``) must still hold:

- *In this process, at once.* Every committed change of a ``users`` row, whatever code made it (an
  ORM flush or an ``update(User)`` statement), is seen by the session events below and drops the
  account's entry when its transaction commits. A read that raced with the change cannot put the
  old row back: entries loaded before an invalidation are not stored (``epoch``).
- *In the other processes, at once when Redis is there.* The commit also bumps the account's
  generation in Redis (``core/ratelimit.py``: ``identity_generation_key``), and the rate-limit
  check of every request reads that generation in the *same* Redis round trip it already makes.
  An entry is used only while the generation it was loaded under is still the current one; the
  generation is read before the account, and bumped after the commit, so an entry can never be
  newer-looking than the row it holds.
- *Otherwise within the TTL.* Without Redis (embedded: one process, nothing to tell), while Redis
  is failing, with rate limits switched off, or for a change made by a process without an API
  (the CLI), other processes notice within ``KABU_AUTH_CACHE_SECONDS``. That window is the price
  of no query per request, and it is small beside the 15 minutes an access token lives anyway.

Only safe methods (GET, HEAD, OPTIONS) are answered from the cache. A write always reads its
account from the database, as before: it pays one query among several, and a write never acts on
an account state that is seconds old (``PATCH /users/me`` merges the account it was given).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

import structlog
from cachetools import LRUCache
from sqlalchemy import event
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, make_transient_to_detached
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression, BindParameter, ColumnElement

from kabu_trade.auth.models import User
from kabu_trade.core.cache import redis_key_prefix, serving_cache
from kabu_trade.core.ratelimit import EVERY_IDENTITY, identity_generation

log = structlog.get_logger(__name__)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# An update or delete of users whose rows cannot be told from its WHERE clause: drop every entry.
EVERY_USER = -1
_PENDING = "kabu_trade.auth.changed_users"


@dataclass(frozen=True)
class CachedUser:
    """An account as read at ``loaded_at`` under ``generation`` (None: unknown), with the detached
    ``User`` that safe requests are given (no password hash loaded: reading it raises)."""

    user: User
    is_active: bool
    token_version: int
    generation: str | None
    loaded_at: float

    @classmethod
    def of(cls, user: User, generation: str | None, loaded_at: float) -> CachedUser:
        return cls(_detached_copy(user), user.is_active, user.token_version, generation, loaded_at)


def _detached_copy(user: User) -> User:
    """A detached ``User`` of the cache's own, with the columns requests read and not the password
    hash. Shared by the safe requests that use this entry: they read it, none writes it (writes
    are given an account of their own, read from the database)."""
    copy = User(
        id=user.id,
        username=user.username,
        is_admin=user.is_admin,
        is_active=user.is_active,
        language=user.language,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
        token_version=user.token_version,
    )
    make_transient_to_detached(copy)
    return copy


class UserCache:
    """Accounts by id for ``seconds``, at most ``maxsize`` of them (least recently used go first)."""

    def __init__(
        self,
        seconds: float,
        maxsize: int = 10_000,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self.clock = clock
        self._entries: LRUCache[int, CachedUser] = LRUCache(maxsize=maxsize)
        self._lock = threading.Lock()
        self._epoch = 0
        _caches.add(self)

    @property
    def enabled(self) -> bool:
        return self.seconds > 0

    @property
    def epoch(self) -> int:
        """Taken before reading an account; ``put`` ignores a read older than an invalidation."""
        return self._epoch

    def get(self, user_id: int, generation: str | None) -> CachedUser | None:
        """The entry if it is younger than the TTL and was loaded under ``generation`` (an unknown
        current generation, None, leaves only the TTL to decide)."""
        if not self.enabled:
            return None
        with self._lock:
            entry = self._entries.get(user_id)
        if entry is None or self.clock() - entry.loaded_at >= self.seconds:
            return None
        if generation is not None and entry.generation != generation:
            return None
        return entry

    def put(self, user: User, generation: str | None, epoch: int) -> None:
        if not self.enabled:
            return
        entry = CachedUser.of(user, generation, self.clock())
        with self._lock:
            if epoch == self._epoch:
                self._entries[user.id] = entry

    def invalidate(self, user_ids: Iterable[int]) -> None:
        with self._lock:
            self._epoch += 1
            for user_id in user_ids:
                if user_id == EVERY_USER:
                    self._entries.clear()
                    break
                self._entries.pop(user_id, None)

    def __len__(self) -> int:
        return len(self._entries)


# Every cache of this process (one per API application; tests make several).
_caches: weakref.WeakSet[UserCache] = weakref.WeakSet()


def users_changed(user_ids: Collection[int]) -> None:
    """Drop the accounts from every cache of this process, and bump their generations in the
    Redis of the application serving this request, where the other processes read them. Called
    after a commit that changed them; outside a request (the CLI) nothing is bumped, and the
    other processes notice within the TTL."""
    for cache in list(_caches):
        cache.invalidate(user_ids)
    shared = serving_cache.get()
    if shared is None or redis_key_prefix(shared) is None:
        return  # no Redis: one process (embedded), or nothing shared to tell the others by
    try:
        for user_id in user_ids:
            # Kept a week, far longer than any entry lives; an expired key reads 0, which an
            # entry loaded under a later number does not match either.
            shared.incr(
                identity_generation(EVERY_IDENTITY if user_id == EVERY_USER else user_id), ttl=7 * 86400
            )
    except Exception as exc:  # the commit is done: the other processes fall back on the TTL
        log.warning("user_change_not_published", error=str(exc), users=sorted(user_ids))


# --- seeing every change of a users row ----------------------------------------------------------


def _pending(session: Session) -> set[int]:
    changed: set[int] = session.info.setdefault(_PENDING, set())
    return changed


@event.listens_for(User, "after_insert")
@event.listens_for(User, "after_update")
@event.listens_for(User, "after_delete")
def _row_flushed(_mapper: Mapper[Any], _connection: Any, user: User) -> None:
    # An insert too: on SQLite a deleted account's id can be given to the next one.
    session = Session.object_session(user)
    if session is not None:
        _pending(session).add(user.id)


@event.listens_for(Session, "do_orm_execute")
def _statement_executed(state: ORMExecuteState) -> None:
    statement = state.statement
    if (state.is_update or state.is_delete) and _is_users(getattr(statement, "table", None)):
        _pending(state.session).update(_ids_in(getattr(statement, "_where_criteria", ())))


def _is_users(table: Any) -> bool:
    # ORM statements hold an annotated copy of the table, not the table itself.
    return getattr(table, "name", None) == User.__tablename__


def _ids_in(criteria: Iterable[ColumnElement[Any]]) -> set[int]:
    """The ids an ``update(User).where(User.id == x)`` (or ``.in_``) names; else every user."""
    for criterion in criteria:
        if (
            isinstance(criterion, BinaryExpression)
            and _is_users(getattr(criterion.left, "table", None))
            and getattr(criterion.left, "name", None) == "id"
            and isinstance(criterion.right, BindParameter)
        ):
            value = criterion.right.effective_value
            if criterion.operator is operators.eq and isinstance(value, int):
                return {value}
            if criterion.operator is operators.in_op and isinstance(value, list | tuple):
                return {int(v) for v in value}
    return {EVERY_USER}


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    changed = session.info.pop(_PENDING, None)
    if changed:
        users_changed(changed)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)
