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
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.dependencies.utils import get_typed_return_annotation, get_typed_signature
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

_REQUEST_PARAM = "unit_of_work_request__"
_STATE_KEY = "unit_of_work_sessions"


def register_session(request: Request, session: Session) -> None:
    """Hand the request's session to its unit of work (called by ``get_session``)."""
    sessions: list[Session] | None = getattr(request.state, _STATE_KEY, None)
    if sessions is None:
        sessions = []
        setattr(request.state, _STATE_KEY, sessions)
    sessions.append(session)


def _sessions_of(request: Request) -> list[Session]:
    return list(getattr(request.state, _STATE_KEY, None) or [])


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


def _in_one_hop(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    signature = get_typed_signature(endpoint)
    # FastAPI hands the request to one parameter only: reuse the endpoint's own if it has one.
    own = next((p.name for p in signature.parameters.values() if p.annotation is Request), None)

    @functools.wraps(endpoint)
    def run(*args: Any, **kwargs: Any) -> Any:
        request: Request = kwargs[own] if own else kwargs.pop(_REQUEST_PARAM)
        sessions = _sessions_of(request)
        try:
            result = endpoint(*args, **kwargs)
        except BaseException:
            finish(sessions, failed=True)
            raise
        finish(sessions, failed=False)
        return result

    # FastAPI reads the parameters from __signature__: the endpoint's own, plus the request the
    # wrapper needs to find the sessions (hidden from the OpenAPI document: Request is not a field).
    params = list(signature.parameters.values())
    if own is None:
        params.append(inspect.Parameter(_REQUEST_PARAM, inspect.Parameter.KEYWORD_ONLY, annotation=Request))
        params.sort(key=lambda p: p.kind)  # keyword-only after the rest
    run.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=params, return_annotation=get_typed_return_annotation(endpoint) or inspect.Signature.empty
    )
    return run


class UnitOfWorkRoute(APIRoute):
    """An API route whose database work is committed before its response, in one thread hop."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if inspect.iscoroutinefunction(endpoint):
            # An async endpoint would run its queries on the event loop: keep them out.
            raise TypeError(f"{endpoint.__qualname__}: API endpoints are sync (see unit_of_work.py)")
        self.original_endpoint = endpoint
        super().__init__(path, _in_one_hop(endpoint), **kwargs)
