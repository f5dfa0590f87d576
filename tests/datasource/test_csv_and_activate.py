"""CSV preview and import through the API (every problem by row and column; all or nothing; a
sync job that the worker runs), the templates, the upload limit, and switching the source."""

from __future__ import annotations

from pathlib import Path

import pytest
import responses
import sqlalchemy as sa

from kabu_trade.core.db import session_scope
from kabu_trade.jobs.kinds import sync_then_follow
from kabu_trade.jobs.models import Job
from kabu_trade.jobs.worker import Worker
from kabu_trade.market.models import DailyBar, Fundamental, Stock
from kabu_trade.market.providers.demo import DemoProvider
from tests.datasource.conftest import CSV_FIXTURES, EXAMPLES, GOOD_KEY, Api, ContextFactory, make_api

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "kabu_trade" / "datasource" / "templates"
EXAMPLE_FILES = {"bars": "prices.csv", "fundamentals": "fundamentals.csv", "stocks": "stocks.csv"}


def _examples() -> dict[str, tuple[str, bytes]]:
    return {kind: (name, (EXAMPLES / name).read_bytes()) for kind, name in EXAMPLE_FILES.items()}


def _count(api: Api, model: type) -> int:
    with session_scope(api.context.sessions) as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def _imports(api: Api) -> list[Path]:
    folder = api.context.settings.data_dir / "imports"
    return sorted(folder.rglob("*.csv")) if folder.exists() else []


async def test_the_preview_lists_every_problem_by_row_and_column_and_writes_nothing(api: Api) -> None:
    bad = (CSV_FIXTURES / "bars_three_bad.csv").read_bytes()
    response = await api.send("POST", "/csv/preview", files={"bars": ("prices.csv", bad)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is False
    found = {(e["file"], e["row"], e["column"]) for e in body["errors"]}
    # row 3: close "abc"; row 5: high below low; row 7: negative volume (header = row 1)
    assert found == {("bars", 3, "close"), ("bars", 5, "high"), ("bars", 7, "volume")}
    assert all(e["message"] and e["field"].startswith("bars.") for e in body["errors"])
    (summary,) = body["files"]
    assert summary["kind"] == "bars" and summary["filename"] == "prices.csv" and summary["rows"] == 6
    assert summary["encoding"] == "UTF-8" and summary["columns"][:2] == ["code", "date"]
    assert summary["preview"][1]["close"] == "abc" and len(summary["preview"]) == 6
    assert _count(api, Stock) == 0 and _imports(api) == []


async def test_a_good_preview_summarises_each_file(api: Api) -> None:
    body = (await api.send("POST", "/csv/preview", files=_examples())).json()
    assert body["ok"] is True and body["errors"] == []
    files = {f["kind"]: f for f in body["files"]}
    assert [f["kind"] for f in body["files"]] == ["bars", "fundamentals", "stocks"]
    assert files["bars"]["rows"] == 15 and files["bars"]["codes"] == 3
    assert files["bars"]["from_date"] == "2024-01-04" and len(files["bars"]["preview"]) == 10
    assert files["stocks"]["from_date"] is None and files["stocks"]["codes"] == 3


async def test_a_shift_jis_file_with_japanese_headers_is_read(api: Api) -> None:
    data = (CSV_FIXTURES / "bars_cp932.csv").read_bytes()
    body = (await api.send("POST", "/csv/preview", files={"bars": ("株価.csv", data)})).json()
    assert body["ok"] is True, body["errors"]
    (summary,) = body["files"]
    assert summary["encoding"] == "Shift_JIS (cp932)" and summary["columns"][:2] == ["code", "date"]
    assert summary["preview"][0]["date"] == "2024/01/04" and summary["rows"] == 2


async def test_bars_of_a_code_the_stocks_file_lacks_are_problems(api: Api) -> None:
    files = _examples()
    files["stocks"] = ("stocks.csv", "code,name\n0001,見本精機\n".encode())
    body = (await api.send("POST", "/csv/preview", files=files)).json()
    assert not body["ok"]
    assert {e["column"] for e in body["errors"]} == {"code"} and len(body["errors"]) == 10


async def test_an_import_with_one_bad_row_writes_nothing(api: Api) -> None:
    bad = (CSV_FIXTURES / "bars_three_bad.csv").read_bytes()
    response = await api.send("POST", "/csv/import", files={"bars": ("prices.csv", bad)})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["field"] == "files" and len(body["errors"]) == 3
    assert {(e["row"], e["column"]) for e in body["errors"]} == {(3, "close"), (5, "high"), (7, "volume")}
    assert _count(api, Job) == 0 and _count(api, Stock) == 0 and _imports(api) == []
    assert (await api.get("")).json()["active_source"] == "demo"


async def test_a_good_import_queues_a_csv_sync_that_the_worker_runs(api: Api) -> None:
    response = await api.send("POST", "/csv/import", files=_examples(), data={"replace": "false"})
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["kind"] == "sync" and job["status"] == "queued" and job["attempt"] == 1
    assert job["params"]["source"] == "csv" and job["eta_seconds"] is None
    kept = _imports(api)
    assert [p.name for p in kept] == ["bars.csv", "fundamentals.csv", "stocks.csv"]
    assert Worker(api.context, name="test-worker").run_once() is True
    done = (await api.http.get(f"/api/v1/jobs/{job['id']}", headers=api.admin)).json()
    assert done["status"] == "succeeded", done["error"]
    assert _count(api, Stock) == 3 and _count(api, DailyBar) == 15 and _count(api, Fundamental) == 4
    state = (await api.get("")).json()
    assert state["active_source"] == "csv" and state["stored_data"] == "real"
    assert state["stored_source"] == "csv" and state["stocks"] == 3 and state["first_date"] == "2024-01-04"
    # A later sync with no files named reads the imported ones again (nothing new: no change).
    second = (await api.http.post("/api/v1/jobs", headers=api.admin, json={"kind": "sync"})).json()
    assert Worker(api.context).run_once() is True
    again = (await api.http.get(f"/api/v1/jobs/{second['id']}", headers=api.admin)).json()
    assert again["status"] == "succeeded" and again["result"]["bars"] == 0


async def test_an_import_over_demo_data_needs_replace(backend: str, context_factory: ContextFactory) -> None:
    context = context_factory(backend, demo_symbols=10)
    sync_then_follow(
        context, DemoProvider(symbols=10, start=context.settings.demo_start, end=context.settings.demo_end)
    )
    async for api in make_api(context):
        refused = await api.send("POST", "/csv/import", files=_examples())
        assert refused.status_code == 409 and _imports(api) == []
        accepted = await api.send("POST", "/csv/import", files=_examples(), data={"replace": "true"})
        assert accepted.status_code == 202 and accepted.json()["params"]["replace"] is True
        Worker(api.context).run_once()
        state = (await api.get("")).json()
        assert state["stored_data"] == "real" and state["stocks"] == 3


async def test_uploads_over_the_limit_are_refused_with_413(
    backend: str, context_factory: ContextFactory
) -> None:
    async for api in make_api(context_factory(backend, max_upload_bytes=4096)):
        big = b"code,date,open,high,low,close,volume\n" + b"7203,2024-01-04,1,1,1,1,1\n" * 400
        response = await api.send("POST", "/csv/preview", files={"bars": ("big.csv", big)})
        assert response.status_code == 413
        assert "4,096" in response.json()["detail"]
        # the ordinary limit (1 MiB) still holds elsewhere, and the upload limit is what CSV gets
        small = await api.send("POST", "/csv/preview", files={"bars": ("ok.csv", big[:2000])})
        assert small.status_code == 200


@pytest.mark.parametrize("kind", ["bars", "fundamentals", "stocks"])
async def test_templates_are_the_examples(api: Api, kind: str) -> None:
    response = await api.get(f"/csv/templates/{kind}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    # Saved under the example's own name (prices.csv for the bars), as the README calls it.
    assert f'filename="{EXAMPLE_FILES[kind]}"' in response.headers["content-disposition"]
    assert response.content == (EXAMPLES / EXAMPLE_FILES[kind]).read_bytes()
    assert (await api.get("/csv/templates/prices")).status_code == 422


async def test_activation_needs_confirmation_a_runnable_source_and_no_running_sync(
    api: Api, jquants: responses.RequestsMock
) -> None:
    unconfirmed = await api.send("POST", "/activate", json={"source": "demo", "confirm": False})
    assert unconfirmed.status_code == 422 and unconfirmed.json()["field"] == "confirm"
    no_key = await api.send("POST", "/activate", json={"source": "jquants", "confirm": True})
    assert no_key.status_code == 422 and no_key.json()["field"] == "source"
    no_codes = await api.send("POST", "/activate", json={"source": "yfinance", "confirm": True})
    assert no_codes.status_code == 422 and no_codes.json()["field"] == "source"
    assert (await api.get("")).json()["active_source"] == "demo"  # nothing changed
    first = await api.send("POST", "/activate", json={"source": "demo", "confirm": True})
    assert first.status_code == 202 and first.json()["params"] == {
        "source": "demo",
        "replace": False,
        "activated": True,
    }
    await api.send("PUT", "/jquants", json={"api_key": GOOD_KEY, "plan": "free"})
    busy = await api.send("POST", "/activate", json={"source": "jquants", "confirm": True})
    assert busy.status_code == 409
    assert (await api.get("")).json()["active_source"] == "demo"
    busy_import = await api.send("POST", "/csv/import", files=_examples())
    assert busy_import.status_code == 409 and _imports(api) == []


async def test_switching_demo_to_real_replaces_the_demo_data(
    backend: str, context_factory: ContextFactory, jquants: responses.RequestsMock
) -> None:
    context = context_factory(backend, demo_symbols=10)
    sync_then_follow(
        context, DemoProvider(symbols=10, start=context.settings.demo_start, end=context.settings.demo_end)
    )
    async for api in make_api(context):
        assert (
            await api.send("PUT", "/jquants", json={"api_key": GOOD_KEY, "plan": "light"})
        ).status_code == 200
        switched = await api.send("POST", "/activate", json={"source": "jquants", "confirm": True})
        assert switched.status_code == 202
        assert switched.json()["params"] == {"source": "jquants", "replace": True, "activated": True}
        state = (await api.get("")).json()
        assert state["active_source"] == "jquants" and state["stored_data"] == "demo"
