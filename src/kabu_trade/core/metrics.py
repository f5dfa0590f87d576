"""Request metrics: Prometheus text at ``GET /metrics`` and CloudWatch embedded metric format lines.

One recorder per app, fed by the access-log middleware (``core/logging.py``) with the status and
duration it already measures, so a request is timed once. Labels are bounded: the route is the
matched route's path *template* (``/api/v1/stocks/{code}``, never the raw path), requests that no
route matched share one label, and unknown methods share one too — a scanner cannot grow the
series.

Prometheus (self-hosting): ``/metrics`` is served only to a loopback peer that no proxy forwarded,
or to a caller whose bearer token equals ``KABU_METRICS_TOKEN``; anyone else gets the same 404 as
an unknown path, so it is not advertised (nor is it in the OpenAPI document). With several
uvicorn workers each process counts on its own; set ``PROMETHEUS_MULTIPROC_DIR`` (an empty
folder, e.g. a tmpfs) and every process writes its counts there and a scrape answered by any of
them sums them all (prometheus-client's multiprocess mode). Only counters and histograms are
used, so the counts of a worker that died stay in the sums, as cumulative counters should.

CloudWatch (AWS, ``KABU_METRICS_EMF=1``): every interval (60 s by default) and at shutdown, one
EMF JSON document per route seen in that interval is printed on stdout; the awslogs driver ships
it and CloudWatch Logs extracts the metrics (no agent; the ``x-amzn-logs-format`` header is
optional, see the AWS page "Using the PutLogEvents API to send manually-created embedded metric
format logs"). Names per the shared contract: namespace ``KabuTrade``, dimension sets
``[["Service"], ["Service", "Route"]]``, ``Requests`` and ``ServerErrors`` (Count), ``Latency``
(Milliseconds, the interval's values as an array — the specification allows at most 100 per
array, so a busy route's further values go in extra documents that carry only ``Latency``).
"""

from __future__ import annotations

import array
import hmac
import ipaddress
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio
from fastapi.routing import iter_route_contexts
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector
from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import compile_path
from starlette.types import Scope

from kabu_trade.core.errors import error_body

SERVICE = "kabu-trade-api"
NAMESPACE = "KabuTrade"
METRICS_PATH = "/metrics"
UNMATCHED = "<unmatched>"
OTHER_METHOD = "OTHER"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# EMF: "Numeric array metric targets MUST NOT have more than 100 members."
EMF_MAX_VALUES = 100
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# A peer behind any of these came through a proxy: a reverse proxy on the same host makes every
# outside client look like loopback, so such a request is never taken as local.
FORWARDING_HEADERS = (b"forwarded", b"x-forwarded-for", b"x-real-ip")


class RouteTemplates:
    """The full path template of the route that answered (or was meant to answer) a request.

    ``scope["route"]`` is the route object, whose own ``path`` is relative to the router it was
    declared on (FastAPI keeps included routers nested): the full template (``/api/v1`` + the
    route's path) comes from FastAPI's route contexts, read once per app and looked up by the
    route object's identity.
    """

    def __init__(self) -> None:
        self._by_route: dict[int, str] = {}
        self._patterns: list[tuple[re.Pattern[str], str]] = []

    def _read(self, app: Any) -> None:
        by_route: dict[int, str] = {}
        patterns: list[tuple[re.Pattern[str], str]] = []
        for context in iter_route_contexts(getattr(getattr(app, "router", None), "routes", [])):
            template = context.path
            if isinstance(template, str):
                by_route.setdefault(id(context.original_route), template)
                patterns.append((compile_path(template)[0], template))
        self._by_route.update(by_route)
        self._patterns = patterns

    def template(self, scope: Scope, status: int) -> str:
        route = scope.get("route")
        if route is not None:
            template = self._by_route.get(id(route))
            if template is None:
                self._read(scope.get("app"))  # first request, or a route added since
                template = self._by_route.get(id(route))
            if template is None:  # not a route FastAPI lists: its own path, else one label
                path = getattr(route, "path", None)
                template = self._by_route[id(route)] = path if isinstance(path, str) else UNMATCHED
            return template
        # A 404 with no route: nothing matched. Anything else without a route was refused before
        # routing (413 body limit, 429 rate limit): name the route it was meant for.
        if status == 404:
            return UNMATCHED
        if not self._patterns:
            self._read(scope.get("app"))
        path = str(scope.get("path", ""))
        for pattern, template in self._patterns:
            if pattern.match(path):
                return template
        return UNMATCHED


def method_label(scope: Scope) -> str:
    method = str(scope.get("method", ""))
    return method if method in METHODS else OTHER_METHOD


# --- CloudWatch embedded metric format -------------------------------------------------------


@dataclass
class _RouteWindow:
    requests: int = 0
    server_errors: int = 0
    # Milliseconds as C doubles: 8 bytes a request, however busy the interval.
    latencies: array.array[float] = field(default_factory=lambda: array.array("d"))


class EmfAggregator:
    """Counts per route over an interval and turns them into EMF documents.

    Fed from the event loop only (the middleware) and flushed from it (the background task, the
    shutdown), so it needs no lock: a flush swaps the window for a fresh one in one step.
    """

    def __init__(
        self,
        interval_seconds: float = 60.0,
        write: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.interval_seconds = interval_seconds
        self._write = write or _print_to_stdout
        self._clock = clock
        self._window: dict[str, _RouteWindow] = {}

    def observe(self, route: str, status: int, seconds: float) -> None:
        window = self._window.get(route)
        if window is None:
            window = self._window[route] = _RouteWindow()
        window.requests += 1
        if status >= 500:
            window.server_errors += 1
        window.latencies.append(round(seconds * 1000, 3))

    def documents(self) -> list[dict[str, Any]]:
        """Take the interval's counts (leaving an empty window) as EMF documents."""
        window, self._window = self._window, {}
        timestamp = int(self._clock() * 1000)
        return [
            doc
            for route, counts in sorted(window.items())
            for doc in _emf_documents(route, counts, timestamp)
        ]

    def flush(self) -> int:
        documents = self.documents()
        for document in documents:
            self._write(json.dumps(document, separators=(",", ":")))
        return len(documents)

    async def run(self) -> None:
        """Flush every interval until cancelled; the caller flushes once more at shutdown."""
        while True:
            await anyio.sleep(self.interval_seconds)
            self.flush()


def _emf_documents(route: str, counts: _RouteWindow, timestamp: int) -> Iterator[dict[str, Any]]:
    latencies = counts.latencies.tolist()
    for start in range(0, max(len(latencies), 1), EMF_MAX_VALUES):
        chunk = latencies[start : start + EMF_MAX_VALUES]
        metrics: list[dict[str, str]] = []
        values: dict[str, Any] = {}
        if start == 0:  # the counts go once, in the first document of the route
            metrics += [{"Name": "Requests", "Unit": "Count"}, {"Name": "ServerErrors", "Unit": "Count"}]
            values.update(Requests=counts.requests, ServerErrors=counts.server_errors)
        if chunk:
            metrics.append({"Name": "Latency", "Unit": "Milliseconds"})
            values["Latency"] = chunk
        yield {
            "_aws": {
                "Timestamp": timestamp,
                "CloudWatchMetrics": [
                    {
                        "Namespace": NAMESPACE,
                        "Dimensions": [["Service"], ["Service", "Route"]],
                        "Metrics": metrics,
                    }
                ],
            },
            "Service": SERVICE,
            "Route": route,
            **values,
        }


def _print_to_stdout(line: str) -> None:
    # The stdout of the moment (tests and tools swap it), flushed at once: a line waiting in a
    # buffer would reach CloudWatch an interval late, or never if the process is killed.
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


# --- the recorder ------------------------------------------------------------------------------


class RequestMetrics:
    """Records one request into Prometheus (always) and the EMF window (when enabled)."""

    def __init__(self, emf: EmfAggregator | None = None) -> None:
        self.multiprocess_dir = os.environ.get(MULTIPROC_ENV) or None
        if self.multiprocess_dir:
            # prometheus-client writes each process's values there; a missing folder would fail
            # the first request, so it is made here (it must not be shared by unrelated servers).
            os.makedirs(self.multiprocess_dir, exist_ok=True)
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "kabu_http_requests",
            "HTTP requests answered, by method, route template and status class.",
            ["method", "route", "status_class"],
            registry=self.registry,
        )
        self.server_errors = Counter(
            "kabu_http_server_errors",
            "HTTP requests answered with a 5xx status, by method and route template.",
            ["method", "route"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "kabu_http_request_duration_seconds",
            "Time from the request's arrival to the end of its response, by method and route template.",
            ["method", "route"],
            registry=self.registry,
        )
        self.emf = emf
        self.routes = RouteTemplates()
        # Label lookups take a lock and build a tuple each time: the children are kept per key.
        self._children: dict[tuple[str, str, int], tuple[Any, Any, Any]] = {}

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        method = method_label(scope)
        route = self.routes.template(scope, status)
        key = (method, route, status // 100)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (
                self.requests.labels(method, route, f"{status // 100}xx"),
                self.latency.labels(method, route),
                self.server_errors.labels(method, route) if status >= 500 else None,
            )
        requests, latency, errors = children
        requests.inc()
        latency.observe(seconds)
        if errors is not None:
            errors.inc()
        if self.emf is not None:
            self.emf.observe(f"{method} {route}", status, seconds)

    def exposition(self) -> bytes:
        if self.multiprocess_dir:
            # Sums the files of every process that shares the folder (this one included).
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=self.multiprocess_dir)  # type: ignore[no-untyped-call]
            return generate_latest(registry)
        return generate_latest(self.registry)


# --- GET /metrics ------------------------------------------------------------------------------


def is_local_peer(scope: Scope) -> bool:
    """A loopback peer that no proxy stands in front of."""
    client = scope.get("client")
    if not client:
        return False
    if any(name.lower() in FORWARDING_HEADERS for name, _ in scope.get("headers") or ()):
        return False
    try:
        address = ipaddress.ip_address(str(client[0]))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def has_metrics_token(headers: Mapping[str, str], token: SecretStr | None) -> bool:
    if token is None:
        return False
    scheme, _, presented = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    # Constant time, so the comparison says nothing of how much of a guess was right.
    return hmac.compare_digest(presented.strip().encode(), token.get_secret_value().encode())


def metrics_endpoint(metrics: RequestMetrics, token: SecretStr | None) -> Callable[[Request], Any]:
    async def serve_metrics(request: Request) -> Response:
        if not (is_local_peer(request.scope) or has_metrics_token(request.headers, token)):
            # The answer of a path that does not exist: /metrics is not advertised.
            body = json.dumps(error_body("not_found", "Not Found")).encode()
            return Response(body, status_code=404, media_type="application/json")
        return Response(
            metrics.exposition(), media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"}
        )

    return serve_metrics
