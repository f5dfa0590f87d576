from __future__ import annotations

from pathlib import Path

import httpx

from kabu_trade.core.context import AppContext
from kabu_trade.main import create_app


def _app(context: AppContext, web_dir: Path | None) -> httpx.AsyncClient:
    settings = context.settings.model_copy(update={"web_dir": web_dir})
    app = create_app(settings=settings, context=context)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_the_built_web_app_is_served_with_client_side_routes(
    context: AppContext, tmp_path: Path
) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>kabu-trade</title>")
    (tmp_path / "assets" / "app-1234.js").write_text("console.log(1)")
    async with _app(context, tmp_path) as client:
        root = await client.get("/")
        assert root.status_code == 200 and "kabu-trade" in root.text
        assert root.headers["cache-control"] == "no-cache"
        deep = await client.get("/stocks/7203")  # a client-side route
        assert deep.status_code == 200 and "kabu-trade" in deep.text
        asset = await client.get("/assets/app-1234.js")
        assert "immutable" in asset.headers["cache-control"]
        escape = await client.get("/..%2f..%2fetc/passwd")
        assert "root:" not in escape.text
        api_miss = await client.get("/api/v1/nothing-here")
        assert api_miss.status_code == 404 and api_miss.json()["error"] == "not_found"
        assert (await client.get("/api/v1/health")).status_code == 200


async def test_without_a_build_only_the_api_is_served(context: AppContext, tmp_path: Path) -> None:
    async with _app(context, tmp_path / "missing") as client:
        assert (await client.get("/")).status_code == 404
        assert (await client.get("/api/v1/health")).status_code == 200
