"""The data page's state, J-Quants key (checked against recorded V2 answers, stored encrypted,
never shown nor logged), yfinance codes and the estimate, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import logging
from datetime import timedelta

import pytest
import requests
import responses
import sqlalchemy as sa
import structlog
from pydantic import SecretStr

from kabu_trade.core.clock import tokyo_today
from kabu_trade.core.db import session_scope
from kabu_trade.datasource import service
from kabu_trade.datasource.models import DataSourceSettings
from kabu_trade.market.calendar import last_completed_session
from tests.datasource.conftest import GOOD_KEY, MASTER, Api, ContextFactory, make_api, master_payload

pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword:pandas.errors.Pandas4Warning")

ROUTES = [
    ("GET", "", None),
    ("POST", "/jquants/check", {"api_key": "k", "plan": "free"}),
    ("PUT", "/jquants", {"api_key": "k", "plan": "free"}),
    ("DELETE", "/jquants", None),
    ("GET", "/estimate?source=jquants", None),
    ("PUT", "/yfinance", {"codes": ["7203"]}),
    ("GET", "/csv/templates/bars", None),
    ("POST", "/activate", {"source": "demo", "confirm": True}),
]


async def test_a_plain_user_is_refused_every_route(api: Api) -> None:
    for method, path, body in ROUTES:
        response = await api.http.request(method, f"/api/v1/data-source{path}", headers=api.user, json=body)
        assert response.status_code == 403, f"{method} {path}: {response.status_code}"
    files = {"bars": ("bars.csv", b"code,date\n")}
    for path in ("/csv/preview", "/csv/import"):
        response = await api.http.post(f"/api/v1/data-source{path}", headers=api.user, files=files)
        assert response.status_code == 403, path


async def test_the_state_of_an_empty_install_on_the_environment(api: Api) -> None:
    state = (await api.get("")).json()
    assert state["active_source"] == "demo" and state["stored_data"] == "empty"
    assert state["stored_source"] is None and state["stocks"] == 0 and state["first_date"] is None
    assert state["jquants"] == {
        "configured": False,
        "plan": "free",
        "checked_at": None,
        "from_environment": False,
    }
    assert state["yfinance"] == {"codes": []}
    plans = {p["plan"]: p for p in state["plans"]}
    assert plans["free"] == {"plan": "free", "requests_per_minute": 5, "history_years": 2, "delay_weeks": 12}
    assert plans["premium"]["history_years"] is None and plans["light"]["delay_weeks"] == 0


async def test_a_key_is_checked_with_one_call_to_the_listed_master(
    api: Api, jquants: responses.RequestsMock
) -> None:
    response = await api.send("POST", "/jquants/check", json={"api_key": GOOD_KEY, "plan": "light"})
    assert response.status_code == 200, response.text
    assert response.json() == {"ok": True, "plan": "light", "listed_stocks": len(master_payload()["data"])}
    assert len(jquants.calls) == 1 and jquants.calls[0].request.headers["x-api-key"] == GOOD_KEY
    # nothing stored by a check
    assert (await api.get("")).json()["jquants"]["configured"] is False


async def test_a_refused_key_is_a_422_on_api_key(api: Api, jquants: responses.RequestsMock) -> None:
    response = await api.send(
        "POST",
        "/jquants/check",
        json={"api_key": "wrong-key", "plan": "free"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["field"] == "api_key" and "受け付けませんでした" in body["detail"] and "401" in body["detail"]
    saved = await api.send("PUT", "/jquants", json={"api_key": "wrong-key", "plan": "free"})
    assert saved.status_code == 422 and saved.json()["field"] == "api_key"
    assert (await api.get("")).json()["jquants"]["configured"] is False


async def test_j_quants_out_of_reach_is_a_502(api: Api) -> None:
    with responses.RequestsMock() as mock:
        mock.get(MASTER, body=requests.ConnectionError("connection refused"))
        response = await api.send("POST", "/jquants/check", json={"api_key": GOOD_KEY, "plan": "free"})
    assert response.status_code == 502, response.text
    assert response.json()["error"] == "source_error"


async def test_the_key_is_stored_encrypted_and_never_shown_nor_logged(
    api: Api,
    jquants: responses.RequestsMock,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    answers = []
    with structlog.testing.capture_logs() as events:
        answers.append(
            await api.send("POST", "/jquants/check", json={"api_key": GOOD_KEY, "plan": "standard"})
        )
        answers.append(await api.send("PUT", "/jquants", json={"api_key": GOOD_KEY, "plan": "standard"}))
        answers.append(await api.get(""))
        answers.append(await api.send("PUT", "/jquants", json={"api_key": None, "plan": "light"}))  # re-check
        answers.append(await api.send("PUT", "/jquants", json={"api_key": "wrong-key", "plan": "light"}))
        answers.append(await api.http.get("/api/v1/jobs", headers=api.admin))
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 422, 200]
    state = answers[3].json()["jquants"]
    assert state["configured"] and state["plan"] == "light" and not state["from_environment"]
    assert state["checked_at"] is not None
    assert len(jquants.calls) == 4  # the null key checked the stored one again
    for answer in answers:
        assert GOOD_KEY not in answer.text
    out = capsys.readouterr()
    for text in (repr(events), caplog.text, out.out, out.err):
        assert GOOD_KEY not in text
    assert any(e["event"] == "jquants_key_saved" for e in events)  # the logs were captured indeed
    with session_scope(api.context.sessions) as session:
        stored = session.scalars(sa.select(DataSourceSettings)).one()
        assert stored.jquants_key_encrypted and GOOD_KEY not in stored.jquants_key_encrypted
        # the stored key is the one the syncs use, over the environment's
        config = service.provider_config(session, api.context.settings, "jquants")
    assert config.jquants_api_key == GOOD_KEY and config.jquants_plan == "light"
    assert (await api.send("DELETE", "/jquants")).status_code == 204
    assert (await api.get("")).json()["jquants"]["configured"] is False


async def test_the_environment_key_still_works_and_is_reported_as_such(
    backend: str, context_factory: ContextFactory, jquants: responses.RequestsMock
) -> None:
    context = context_factory(backend, jquants_api_key=SecretStr(GOOD_KEY), jquants_plan="light")
    async for api in make_api(context):
        state = (await api.get("")).json()["jquants"]
        assert state == {"configured": True, "plan": "light", "checked_at": None, "from_environment": True}
        with session_scope(context.sessions) as session:
            config = service.provider_config(session, context.settings, "jquants")
        assert config.jquants_api_key == GOOD_KEY and config.jquants_plan == "light"
        # a null key stores the environment's after checking it
        saved = await api.send("PUT", "/jquants", json={"api_key": None, "plan": "light"})
        assert saved.status_code == 200 and saved.json()["jquants"]["from_environment"] is False


async def test_a_key_stored_under_another_secret_key_asks_to_be_entered_again(
    backend: str, context_factory: ContextFactory, jquants: responses.RequestsMock
) -> None:
    context = context_factory(backend)
    async for api in make_api(context):
        assert (
            await api.send("PUT", "/jquants", json={"api_key": GOOD_KEY, "plan": "free"})
        ).status_code == 200
    other = context.settings.model_copy(
        update={"secret_key": SecretStr("another-secret-key-0123456789-abcdefgh")}
    )
    moved = dataclasses.replace(context, settings=other)
    async for api in make_api(moved, new_users=False):
        assert (await api.get("")).status_code == 200
        again = await api.send(
            "PUT", "/jquants", json={"api_key": None, "plan": "free"}, headers={"Accept-Language": "en"}
        )
        assert again.status_code == 422 and again.json()["field"] == "api_key"
        # errors speak the account's language (Japanese by default)
        assert "もう一度入力してください" in again.json()["detail"]
        refused = await api.send("POST", "/activate", json={"source": "jquants", "confirm": True})
        assert refused.status_code == 422 and refused.json()["field"] == "api_key"
        # entering it again works
        assert (
            await api.send("PUT", "/jquants", json={"api_key": GOOD_KEY, "plan": "free"})
        ).status_code == 200


async def test_yfinance_codes_are_normalised_and_bad_ones_named(api: Api) -> None:
    bad = await api.send(
        "PUT", "/yfinance", json={"codes": ["7203", "hello", "12"]}, headers={"Accept-Language": "en"}
    )
    assert bad.status_code == 422 and bad.json()["field"] == "codes"
    assert '"hello"' in bad.json()["detail"] and '"12"' in bad.json()["detail"]
    assert (await api.send("PUT", "/yfinance", json={"codes": []})).status_code == 422
    good = await api.send("PUT", "/yfinance", json={"codes": ["7203.T", "６７５８", "7203", "130a"]})
    assert good.status_code == 200 and good.json()["yfinance"]["codes"] == ["7203", "6758", "130A"]


async def test_the_estimate_of_the_free_plan(api: Api) -> None:
    response = await api.get(
        "/estimate",
        params={"source": "jquants", "plan": "free"},
        headers={**api.admin, "Accept-Language": "en"},
    )
    assert response.status_code == 200, response.text
    e = response.json()
    today = tokyo_today()
    assert e["plan"] == "free" and e["requests_per_minute"] == 5 and e["history_years"] == 2
    assert e["delay_weeks"] == 12
    # two years back to twelve weeks ago: about 1.77 years of sessions (≈245 a year)
    assert 400 < e["sessions"] < 460
    assert e["to_date"] <= (today - timedelta(weeks=12)).isoformat()
    assert e["from_date"] >= today.replace(year=today.year - 2).isoformat()
    # the default history (3 years) reaches past the plan: bars and summaries both start at its
    # first day, one call a session each, plus the listed master
    assert e["requests"] == 1 + 2 * e["sessions"]
    assert e["minutes"] == round(e["requests"] / 5, 1)
    assert any("12-week delay" in note for note in e["notes"])
    ja = (
        await api.get(
            "/estimate",
            params={"source": "jquants", "plan": "free"},
            headers={**api.admin, "Accept-Language": "ja"},
        )
    ).json()
    assert any("12週間遅れ" in note for note in ja["notes"])


async def test_the_estimate_of_the_light_plan(api: Api) -> None:
    e = (await api.get("/estimate", params={"source": "jquants", "plan": "light"})).json()
    today = tokyo_today()
    assert e["requests_per_minute"] == 60 and e["history_years"] == 5 and e["delay_weeks"] == 0
    assert e["to_date"] == last_completed_session().isoformat()
    # three years of bars (KABU_HISTORY_START's default), within the plan's five
    assert e["from_date"] >= today.replace(year=today.year - 3).isoformat()
    assert 700 < e["sessions"] < 760
    # summaries from a year and a month earlier than the bars: more calls than sessions
    fins = e["requests"] - 1 - e["sessions"]
    assert e["sessions"] + 240 < fins < e["sessions"] + 300
    assert e["minutes"] == round(e["requests"] / 60, 1)


async def test_the_yfinance_estimate_needs_codes_and_says_what_yahoo_is(api: Api) -> None:
    missing = await api.get("/estimate", params={"source": "yfinance"})
    assert missing.status_code == 422 and missing.json()["field"] == "source"
    await api.send("PUT", "/yfinance", json={"codes": ["7203", "6758", "9984"]})
    e = (
        await api.get(
            "/estimate", params={"source": "yfinance"}, headers={**api.admin, "Accept-Language": "en"}
        )
    ).json()
    assert e["requests"] == 3 and e["plan"] is None
    assert any("unofficial" in n for n in e["notes"]) and any("personal use" in n for n in e["notes"])


async def test_a_replay_server_can_stand_in_for_j_quants(
    backend: str, context_factory: ContextFactory
) -> None:
    context = context_factory(backend, jquants_base_url="http://127.0.0.1:18555/v2/")
    async for api in make_api(context):
        with responses.RequestsMock() as mock:
            mock.get("http://127.0.0.1:18555/v2/equities/master", json=master_payload())
            response = await api.send("POST", "/jquants/check", json={"api_key": GOOD_KEY, "plan": "premium"})
            assert response.status_code == 200, response.text
            assert len(mock.calls) == 1
