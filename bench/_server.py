"""A kabu-trade server state at TSE scale for the API benchmarks: an embedded SQLite database
with 4,000 synthetic stocks, their stored metrics and scores (as a sync leaves them), bars for a
sample of stocks, one user and one policy; plus an in-process ASGI client."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pandas as pd

from bench.synthetic import synthetic_universe
from kabu_trade.analysis import repository as analysis_repository
from kabu_trade.analysis.service import _records
from kabu_trade.analysis.universe import compute_universe_metrics
from kabu_trade.auth import service as auth_service
from kabu_trade.core.config import Settings
from kabu_trade.core.context import AppContext, build_context
from kabu_trade.core.db import session_scope
from kabu_trade.core.migrate import upgrade
from kabu_trade.main import create_app
from kabu_trade.market import repository as market

PASSWORD = "benchmark-password"


@dataclass
class Server:
    context: AppContext
    universe: pd.DataFrame  # the computed metrics, one row per stock
    bars: pd.DataFrame  # raw bars of every stock (only `bar_codes` are in the database)
    bar_codes: list[str]
    user_id: int
    policy_id: int = 0


def build(symbols: int = 4000, sessions: int = 300, bar_sample: int = 200) -> Server:
    started = time.perf_counter()
    data = synthetic_universe(symbols, sessions)
    metrics = compute_universe_metrics(data.bars, data.disclosures)
    folder = Path(tempfile.mkdtemp(prefix="kabu-bench-"))
    # One account sends every request here: the per-user rate limits would measure themselves.
    settings = Settings(
        data_dir=folder, env="test", log_json=False, log_level="WARNING", rate_limit_enabled=False
    )
    context = build_context(settings)
    upgrade(context.engine)
    codes = sorted(metrics["code"])
    stocks = pd.DataFrame(
        {
            "code": codes,
            "name": [f"ベンチ{c}" for c in codes],
            "name_kana": None,
            "name_en": [f"Bench {c}" for c in codes],
            "sector_code": [f"{(i % 33 + 1) * 50:04d}" for i in range(len(codes))],
            "sector_name": None,
            "market": [("prime", "standard", "growth")[i % 3] for i in range(len(codes))],
            "lot_size": 100,
        }
    )
    bar_codes = codes[:bar_sample]
    with session_scope(context.sessions) as session:
        market.upsert_stocks(session, stocks, "csv")
        market.upsert_bars(session, data.bars[data.bars["code"].isin(bar_codes)])
        market.upsert_fundamentals(session, data.disclosures[data.disclosures["code"].isin(bar_codes)])
        analysis_repository.upsert_metrics(session, _records(metrics))
        user_id = auth_service.create_user(session, "bench", PASSWORD).id
    print(
        f"bench server: {symbols} stocks with metrics, bars for {bar_sample}, built in "
        f"{time.perf_counter() - started:.1f} s ({folder})"
    )
    return Server(context, metrics, data.bars, bar_codes, user_id)


async def client(server: Server) -> httpx.AsyncClient:
    app = create_app(context=server.context)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")
    token = (await http.post("/api/v1/auth/token", data={"username": "bench", "password": PASSWORD})).json()
    http.headers["Authorization"] = f"Bearer {token['access_token']}"
    if not server.policy_id:  # the momentum preset, as a user would create it
        made = await http.post("/api/v1/policies/from-preset/momentum", json={})
        made.raise_for_status()
        server.policy_id = int(made.json()["id"])
    return http
