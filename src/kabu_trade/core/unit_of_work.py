"""One request, one unit of work, committed before the response and inside one thread-pool hop.

FastAPI runs each sync dependency, the endpoint and each dependency's exit in *separate* trips
to the thread pool, and a yield dependency's exit runs after the response has been sent. A session
committed there had two faults, both seen under load:

- a 201 could go out for a write that was then lost (the commit ran, or failed, afterwards), and a
  client reading right after its own write could miss it;
- a request kept its connection checked out, idle in a transaction, while it queued for its next
  thread: with more requests than pooled connections, threads waited for connections held by
  requests that waited for threads, and one worker stalled at 100 clients.

So the request's session is made on the event loop (``get_session`` is async and does no IO: a
Session takes its connection at its first query), and :class:`UnitOfWorkRoute` wraps every sync
endpoint so that the endpoint, the commit (or the rollback) and the close run in the same hop. A
connection is therefore only ever held by a thread that is running, and a pool as large as the
thread pool never makes a thread wait (see ``core/capacity.py``). Errors of the commit itself
propagate to the error handlers (503 for a database that went away) before any 2xx is sent.

It is also the request's *only* trip to the thread pool: the dependencies are async, the signed-in
user is resolved in the same hop (``Deferred``), and so is the validation of the answer. Each trip
queues behind every other request waiting for a thread, so a request of three trips waited three
times under load; with one, the slowest requests are no longer those that happened to need most.

A read whose answer is already cached needs no trip at all: an endpoint marked with
``answered_from_cache`` has an async *peek* that looks for the finished answer from the event loop
(without blocking: a dict lookup, or an asynchronous Redis call) and the hop happens only when it
finds nothing — or when the signed-in user still has to be read from the database, because no
answer goes out before the account has been checked. Its optional *early* answer is tried even
before FastAPI resolves the dependencies (a quarter of a cached read's time): it gets the bare
request and must itself be sure of everything the dependencies would check, answering None
whenever in doubt so that the route runs as usual (and refuses as usual).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol, TypeVar

import anyio.to_thread
from fastapi import Request, Response
from fastapi.dependencies.utils import get_typed_return_annotation, get_typed_signature
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

_REQUEST_PARAM = "unit_of_work_request__"
_SESSIONS = "unit_of_work_sessions"
_DEFERRED = "unit_of_work_deferred"
_PEEK = "__unit_of_work_peek__"
_EARLY = "__unit_of_work_early__"
E = TypeVar("E", bound=Callable[..., Any])
Peek = Callable[..., Awaitable[Response | None]]
Early = Callable[[Request], Awaitable[Response | None]]


def answered_from_cache(peek: Peek, *, early: Early | None = None) -> Callable[[E], E]:
    """Mark a sync endpoint whose answer may be ready without the database: ``peek`` is called on
    the event loop with the request and the endpoint's arguments, and returns the response, or
    None to run the endpoint in its hop as usual; ``early`` is called with the bare request before
    any dependency (see the module's docstring). Neither may block (no sync IO)."""

    def mark(endpoint: E) -> E:
        setattr(endpoint, _PEEK, peek)
        if early is not None:
            setattr(endpoint, _EARLY, early)
        return endpoint

    return mark


def early_answer_of(route: Any) -> Early | None:
    """The early answer of a route's endpoint, if it was marked with one (``answered_from_cache``)."""
    endpoint = getattr(route, "original_endpoint", None)
    return getattr(endpoint, _EARLY, None) if endpoint is not None else None


class Deferred(Protocol):
    """A dependency whose value needs the database: an async dependency returns this placeholder
    (no IO on the event loop, no trip of its own to the thread pool) and the unit of work resolves
    it in the endpoint's hop, before the endpoint runs, swapping the value into its arguments."""

    def resolve(self) -> Any: ...


def register_session(request: Request, session: Session) -> None:
    """Hand the request's session to its unit of work (called by ``get_session``)."""
    _state_list(request, _SESSIONS).append(session)


def defer(request: Request, deferred: Deferred) -> None:
    if deferred not in _state_list(request, _DEFERRED):
        _state_list(request, _DEFERRED).append(deferred)


def _state_list(request: Request, key: str) -> list[Any]:
    items: list[Any] | None = getattr(request.state, key, None)
    if items is None:
        items = []
        setattr(request.state, key, items)
    return items


def _sessions(request: Request) -> list[Session]:
    return list(getattr(request.state, _SESSIONS, None) or [])


def finish(sessions: list[Session], *, failed: bool) -> None:
    """Commit (or roll back) and close every session of the request, in this thread."""
    try:
        if not failed:
            for session in sessions:
                session.commit()
    finally:
        for session in sessions:
            # close() rolls back whatever is still open (nothing, after a commit) and returns
            # the connection to the pool now rather than when the response has been sent.
            session.close()


class UnitOfWorkRoute(APIRoute):
    """An API route whose whole database work — deferred dependencies (the signed-in user), the
    endpoint, the commit — and the validation of its answer run in one trip to the thread pool,
    committed before the response is sent."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if inspect.iscoroutinefunction(endpoint):
            # An async endpoint would run its queries on the event loop: keep them out.
            raise TypeError(f"{endpoint.__qualname__}: API endpoints are sync (see unit_of_work.py)")
        self.original_endpoint = endpoint
        super().__init__(path, self._in_one_hop(endpoint), **kwargs)

    def _in_one_hop(self, endpoint: Callable[..., Any]) -> Callable[..., Any]:
        signature = get_typed_signature(endpoint)
        # FastAPI hands the request to one parameter only: reuse the endpoint's own if it has one.
        own = next((p.name for p in signature.parameters.values() if p.annotation is Request), None)

        def work(request: Request, kwargs: dict[str, Any]) -> Any:
            try:
                resolved = {id(d): d.resolve() for d in getattr(request.state, _DEFERRED, None) or []}
                result = endpoint(**{k: resolved.get(id(v), v) for k, v in kwargs.items()})
            except BaseException:
                finish(_sessions(request), failed=True)
                raise
            # Read now, not before: a session may be opened by the endpoint itself (on demand).
            finish(_sessions(request), failed=False)
            return self._validated(result)

        peek: Peek | None = getattr(endpoint, _PEEK, None)

        @functools.wraps(endpoint)
        async def run(**kwargs: Any) -> Any:
            request: Request = kwargs[own] if own else kwargs.pop(_REQUEST_PARAM)
            # Only once the account is known (nothing deferred): a cached answer is still an answer.
            if peek is not None and not getattr(request.state, _DEFERRED, None):
                answer = await peek(request, **{k: v for k, v in kwargs.items() if k != own})
                if answer is not None:
                    # The request's sessions never connected: there is nothing to commit or release.
                    return answer
            return await anyio.to_thread.run_sync(functools.partial(work, request, kwargs))

        # FastAPI reads the parameters from __signature__: the endpoint's own, plus the request the
        # wrapper needs (hidden from the OpenAPI document: Request is not a field).
        params = list(signature.parameters.values())
        if own is None:
            params.append(
                inspect.Parameter(_REQUEST_PARAM, inspect.Parameter.KEYWORD_ONLY, annotation=Request)
            )
            params.sort(key=lambda p: p.kind)  # keyword-only after the rest
        return_annotation = get_typed_return_annotation(endpoint) or inspect.Signature.empty
        run.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=params, return_annotation=return_annotation
        )
        return run

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        early: Early | None = getattr(self.original_endpoint, _EARLY, None)
        if early is None:
            return handler

        async def answer(request: Request) -> Response:
            found = await early(request)
            return found if found is not None else await handler(request)

        return answer

    def _validated(self, result: Any) -> Any:
        """Validate the answer against the response model here, off the event loop.

        FastAPI validates again on the loop, which for the model instances made here is a type
        check; an answer that does not validate is left for FastAPI to report as before.
        """
        field = getattr(self, "response_field", None)
        if field is None or isinstance(result, Response):
            return result
        value, errors = field.validate(result, {}, loc=("response",))
        return result if errors else value
