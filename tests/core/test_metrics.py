"""Request metrics: liveness, who may read /metrics, the counts and their route-template labels,
the CloudWatch EMF documents (checked against the specification's schema and target rules) and
prometheus-client's multiprocess mode across real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError

from kabu_trade.core import metrics as metrics_module
from kabu_trade.core.cache import MemoryCache
from kabu_trade.core.config import Settings
from kabu_trade.core.context import AppContext, build_context
from kabu_trade.core.metrics import (
    EMF_MAX_VALUES,
    NAMESPACE,
    SERVICE,
    UNMATCHED,
    EmfAggregator,
    RequestMetrics,
)
from kabu_trade.main import create_app
from tests.conftest import make_settings

TOKEN = "metrics-token-0123456789abcdef"
EMF_SCHEMA = json.loads((Path(__file__).parent / "data" / "emf_schema.json").read_text())
# Nothing listens on port 9 (discard): a database or cache there is unreachable.
NOWHERE_DB = "postgresql+psycopg://postgres@127.0.0.1:9/nowhere"
NOWHERE_REDIS = "redis://127.0.0.1:9/0"


@pytest.fixture
def context(tmp_path: Path) -> Iterator[AppContext]:
    """Metrics never need the data: an unmigrated embedded database, never queried here."""
    context = build_context(
        make_settings(f"sqlite:///{tmp_path / 'unused.db'}", tmp_path), cache=MemoryCache()
    )
    yield context
    context.close()


def _client(app: FastAPI, address: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 50123), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _app_with_failing_route(context: AppContext) -> FastAPI:
    app = create_app(context=context)

    def explode(n: int) -> None:
        raise RuntimeError(f"failure {n}")

    # Inserted before the web app's catch-all (if any): a template with a parameter that fails.
    app.add_api_route("/boom/{n}", explode, methods=["GET"])
    app.router.routes.insert(0, app.router.routes.pop())
    return app


# --- liveness ----------------------------------------------------------------------------------


async def test_liveness_answers_without_database_cache_or_sign_in(tmp_path: Path) -> None:
    settings = make_settings(NOWHERE_DB, tmp_path, redis_url=NOWHERE_REDIS)
    context = build_context(settings)
    try:
        async with _client(create_app(context=context)) as client:
            live = await client.get("/api/v1/health/live")
            assert live.status_code == 200
            assert live.json() == {"status": "alive"}
            # The same app's readiness sees that the database is really unreachable.
            ready = await client.get("/api/v1/health")
            assert ready.status_code == 503
            assert ready.json()["database"]["ok"] is False
    finally:
        context.close()


# --- who may read /metrics -----------------------------------------------------------------------


async def test_metrics_served_to_loopback_only_by_default(context: AppContext) -> None:
    app = create_app(context=context)
    async with _client(app, "127.0.0.1") as local, _client(app, "::1") as local6:
        for client in (local, local6):
            response = await client.get("/metrics")
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/plain")
            assert "kabu_http_requests_total" in response.text
    async with _client(app, "203.0.113.7") as remote:
        response = await remote.get("/metrics")
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"
        # Without a configured token no bearer opens it.
        response = await remote.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 404


async def test_a_proxied_loopback_request_is_not_local(context: AppContext) -> None:
    async with _client(create_app(context=context)) as client:
        for header in ("X-Forwarded-For", "X-Real-IP", "Forwarded"):
            response = await client.get("/metrics", headers={header: "198.51.100.4"})
            assert response.status_code == 404, header


async def test_metrics_token_opens_metrics_to_remote_callers(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, metrics_token=TOKEN)
    context = build_context(settings, cache=MemoryCache())
    try:
        async with _client(create_app(context=context), "203.0.113.7") as remote:
            assert (
                await remote.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
            ).status_code == 200
            assert (
                await remote.get("/metrics", headers={"Authorization": f"bearer {TOKEN}"})
            ).status_code == 200
            for wrong in (f"Bearer {TOKEN[:-1]}", f"Bearer {TOKEN}x", f"Basic {TOKEN}", TOKEN, "Bearer "):
                response = await remote.get("/metrics", headers={"Authorization": wrong})
                assert response.status_code == 404, wrong
            assert (await remote.get("/metrics")).status_code == 404
    finally:
        context.close()


def test_metrics_token_settings() -> None:
    with pytest.raises(ValidationError, match="KABU_METRICS_TOKEN must be at least 16"):
        Settings(metrics_token="short")
    assert Settings(metrics_token="  ").metrics_token is None
    token = Settings(metrics_token=f" {TOKEN} ").metrics_token
    assert token is not None and token.get_secret_value() == TOKEN


def test_metrics_is_not_in_the_openapi_document(context: AppContext) -> None:
    paths = create_app(context=context).openapi()["paths"]
    assert "/metrics" not in paths
    assert "/api/v1/health/live" in paths


# --- counts and labels -------------------------------------------------------------------------


async def test_counts_by_route_template_method_and_status_class(context: AppContext) -> None:
    app = _app_with_failing_route(context)
    async with _client(app) as client:
        for _ in range(3):
            assert (await client.get("/api/v1/health/live")).status_code == 200
        for code in ("7203", "6758", "9984"):  # three raw paths, one template
            assert (await client.get(f"/api/v1/stocks/{code}")).status_code == 401
        for n in (1, 2):
            assert (await client.get(f"/boom/{n}")).status_code == 500
        for path in ("/api/v1/no-such-thing", "/api/v1/nope/42", "/wp-login.php.bak/x"):
            await client.get(path)
        assert (await client.request("BREW", "/api/v1/health/live")).status_code == 405
        text = (await client.get("/metrics")).text

    samples = _samples(text)

    def requests(method: str, route: str, status_class: str) -> float:
        key = (
            "kabu_http_requests_total",
            frozenset({"method": method, "route": route, "status_class": status_class}.items()),
        )
        return samples.get(key, 0.0)

    assert requests("GET", "/api/v1/health/live", "2xx") == 3
    assert requests("GET", "/api/v1/stocks/{code}", "4xx") == 3
    assert requests("GET", "/boom/{n}", "5xx") == 2
    assert requests("OTHER", "/api/v1/health/live", "4xx") == 1  # an unknown method: one label
    errors = ("kabu_http_server_errors_total", frozenset({"method": "GET", "route": "/boom/{n}"}.items()))
    assert samples[errors] == 2
    latency = (
        "kabu_http_request_duration_seconds_count",
        frozenset({"method": "GET", "route": "/api/v1/stocks/{code}"}.items()),
    )
    assert samples[latency] == 3
    routes = {dict(labels).get("route") for (name, labels) in samples if name == "kabu_http_requests_total"}
    # No raw path ever becomes a label: unknown paths share one (or the web app's catch-all).
    assert not any(
        r and any(code in r for code in ("7203", "6758", "9984", "no-such", "wp-login")) for r in routes
    )
    assert UNMATCHED in routes


async def test_requests_refused_before_routing_keep_their_route(tmp_path: Path) -> None:
    settings = make_settings(
        f"sqlite:///{tmp_path / 'x.db'}", tmp_path, max_body_bytes=1024, rate_limit_address="2/minute"
    )
    context = build_context(settings, cache=MemoryCache())
    app = create_app(context=context)
    try:
        async with _client(app, "203.0.113.9") as remote:
            big = await remote.post(
                "/api/v1/auth/token", content=b"x" * 2048, headers={"content-type": "text/plain"}
            )
            assert big.status_code == 413
            statuses = [(await remote.get("/api/v1/stocks/7203")).status_code for _ in range(3)]
            assert statuses == [401, 401, 429]
    finally:
        context.close()
    text = app.state.metrics.exposition().decode()
    samples = _samples(text)
    key = (
        "kabu_http_requests_total",
        frozenset({"method": "POST", "route": "/api/v1/auth/token", "status_class": "4xx"}.items()),
    )
    assert samples[key] == 1
    key = (
        "kabu_http_requests_total",
        frozenset({"method": "GET", "route": "/api/v1/stocks/{code}", "status_class": "4xx"}.items()),
    )
    assert samples[key] == 3


# --- CloudWatch embedded metric format ---------------------------------------------------------


def assert_valid_emf(document: dict[str, Any]) -> None:
    """The specification's schema, then what it states in prose (target members)."""
    jsonschema.validate(document, EMF_SCHEMA)
    for directive in document["_aws"]["CloudWatchMetrics"]:
        for dimension_set in directive["Dimensions"]:
            for key in dimension_set:
                assert isinstance(document.get(key), str), f"dimension {key} must be a string member"
        assert len(directive["Metrics"]) <= 100
        for metric in directive["Metrics"]:
            value = document.get(metric["Name"])
            if isinstance(value, list):
                assert 0 < len(value) <= 100 and all(isinstance(v, int | float) for v in value)
            else:
                assert isinstance(value, int | float) and not isinstance(value, bool), metric["Name"]


def test_emf_documents_follow_the_specification_and_the_contract() -> None:
    lines: list[str] = []
    emf = EmfAggregator(60, write=lines.append, clock=lambda: 1_764_590_400.5)
    route = "GET /api/v1/stocks/{code}"
    for i in range(EMF_MAX_VALUES + 30):
        emf.observe(route, 500 if i % 10 == 0 else 200, 0.012)
    emf.observe("GET /api/v1/health/live", 200, 0.0005)
    assert emf.flush() == 3
    documents = [json.loads(line) for line in lines]
    for document in documents:
        assert_valid_emf(document)
        assert document["_aws"]["Timestamp"] == 1_764_590_400_500
        (directive,) = document["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == NAMESPACE == "KabuTrade"
        assert directive["Dimensions"] == [["Service"], ["Service", "Route"]]
        assert document["Service"] == SERVICE == "kabu-trade-api"
        units = {m["Name"]: m["Unit"] for m in directive["Metrics"]}
        assert set(units) <= {"Requests", "ServerErrors", "Latency"}
        assert {units[n] for n in units if n != "Latency"} <= {"Count"} and units.get(
            "Latency", "Milliseconds"
        ) == "Milliseconds"
    busy = [d for d in documents if d["Route"] == route]
    # Counts once; every latency value once, at most 100 to an array.
    assert sum(d.get("Requests", 0) for d in busy) == EMF_MAX_VALUES + 30
    assert sum(d.get("ServerErrors", 0) for d in busy) == 13
    assert [len(d["Latency"]) for d in busy] == [100, 30]
    assert busy[0]["Latency"][0] == 12.0
    (quiet,) = [d for d in documents if d["Route"] == "GET /api/v1/health/live"]
    assert (quiet["Requests"], quiet["ServerErrors"], quiet["Latency"]) == (1, 0, [0.5])
    # The window starts again empty: an idle interval prints nothing.
    assert emf.flush() == 0


async def test_emf_lines_from_the_app_reach_stdout_at_shutdown(
    context_factory: Callable[..., AppContext], capsys: pytest.CaptureFixture[str]
) -> None:
    context = context_factory("sqlite", metrics_emf=True)
    app = _app_with_failing_route(context)
    async with app.router.lifespan_context(app):
        async with _client(app) as client:
            await client.get("/api/v1/health/live")
            await client.get("/boom/1")
        capsys.readouterr()  # the startup's log lines
    out = capsys.readouterr().out
    documents = [json.loads(line) for line in out.splitlines() if line.startswith('{"_aws"')]
    by_route = {d["Route"]: d for d in documents}
    assert set(by_route) == {"GET /api/v1/health/live", "GET /boom/{n}"}
    for document in documents:
        assert_valid_emf(document)
    assert by_route["GET /boom/{n}"]["ServerErrors"] == 1


async def test_emf_flushes_every_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    lines: list[str] = []
    emf = EmfAggregator(60, write=lines.append)
    waits: list[float] = []

    class StopLoop(Exception):
        pass

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:
            raise StopLoop
        emf.observe("GET /x", 200, 0.001)

    monkeypatch.setattr(metrics_module, "anyio", type("FakeAnyio", (), {"sleep": staticmethod(fake_sleep)}))
    with pytest.raises(StopLoop):
        await emf.run()
    assert waits == [60, 60, 60]
    assert [json.loads(line)["Requests"] for line in lines] == [1, 1]


# --- several processes -----------------------------------------------------------------------

_WORKER = textwrap.dedent(
    """
    import sys
    from kabu_trade.core.metrics import RequestMetrics

    class Route:
        path = "/api/v1/stocks/{code}"

    metrics = RequestMetrics()
    for _ in range(int(sys.argv[1])):
        metrics.observe({"method": "GET", "route": Route()}, 200, 0.01)
    if len(sys.argv) > 2:
        sys.stdout.write(metrics.exposition().decode())
    """
)


def test_multiprocess_mode_sums_every_process(tmp_path: Path) -> None:
    folder = tmp_path / "prometheus"  # made by the first process
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    for count in ("2", "3"):
        subprocess.run([sys.executable, "-c", _WORKER, count], env=env, check=True, timeout=60)
    scrape = subprocess.run(
        [sys.executable, "-c", _WORKER, "4", "scrape"],
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    )
    samples = _samples(scrape.stdout)
    labels = frozenset({"method": "GET", "route": "/api/v1/stocks/{code}", "status_class": "2xx"}.items())
    assert samples[("kabu_http_requests_total", labels)] == 9
    histogram = frozenset({"method": "GET", "route": "/api/v1/stocks/{code}"}.items())
    assert samples[("kabu_http_request_duration_seconds_count", histogram)] == 9
    # Without the folder each process counts alone.
    env.pop("PROMETHEUS_MULTIPROC_DIR")
    alone = subprocess.run(
        [sys.executable, "-c", _WORKER, "4", "scrape"],
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    )
    assert _samples(alone.stdout)[("kabu_http_requests_total", labels)] == 4


def test_single_process_recorder_is_private_to_its_app() -> None:
    first, second = RequestMetrics(), RequestMetrics()

    class Route:
        path = "/x"

    first.observe({"method": "GET", "route": Route()}, 200, 0.01)
    assert b'route="/x"' in first.exposition()
    assert b'route="/x"' not in second.exposition()
