"""Cached reads answered before routing.

A route marked ``answered_from_cache(..., early=...)`` (``core/unit_of_work.py``) can answer a
request it has seen before from the bare request, before FastAPI resolves any dependency. Found
by the router, that answer still paid for the routing itself: FastAPI matches a path router by
router through every included router before it, and wraps the handler in an exception layer, an
exit stack and a request/response adapter — a fifth of a cached read's CPU.

So this middleware, the innermost of ours (inside the rate limit, the body limit, the security
headers and the request log), tries those early answers first: it matches the request's path
against the few routes that have one (their full templates, compiled once), asks the route's own
``early`` function, and sends what it returns. Whenever that function answers None (a request not
seen before, an account the user cache cannot vouch for, a cache miss) the request goes on to the
router untouched, which answers (or refuses) it as usual. The semantics are the route's: this
module adds no rule of its own, only a shorter way to the same function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.requests import Request
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from kabu_trade.core.unit_of_work import Early, early_answer_of


@dataclass(frozen=True)
class _EarlyRoute:
    pattern: re.Pattern[str]
    route: Any
    early: Early


class EarlyAnswerMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._routes: tuple[_EarlyRoute, ...] | None = None

    def _early_routes(self, app: Any) -> tuple[_EarlyRoute, ...]:
        """The GET routes with an early answer, read from the app once (its routes are fixed once
        it serves)."""
        if self._routes is None:
            routes = []
            for context in iter_route_contexts(getattr(getattr(app, "router", None), "routes", [])):
                route = context.original_route
                early = early_answer_of(route)
                methods = getattr(route, "methods", None) or ()
                if early is not None and isinstance(context.path, str) and "GET" in methods:
                    routes.append(_EarlyRoute(compile_path(context.path)[0], route, early))
            self._routes = tuple(routes)
        return self._routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path = _route_path(scope)
            for candidate in self._early_routes(scope.get("app")):
                match = candidate.pattern.match(path)
                if match is None:
                    continue
                answer = await candidate.early(Request(scope, receive))
                if answer is not None:
                    # What the router would have recorded: the route (the request metrics label
                    # the answer by its template) and its parameters.
                    scope["route"], scope["endpoint"] = candidate.route, candidate.route.endpoint
                    scope["path_params"] = match.groupdict()
                    await answer(scope, receive, send)
                    return
                break  # one route per path: the router takes it from here
        await self.app(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The path as the router matches it: without the prefix a proxy mounted the app under."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path
