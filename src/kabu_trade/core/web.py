"""Serve the built single-page web app from the API (the embedded mode), with client-side routes
falling back to index.html. In production the same build is served from static hosting instead."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, Response
from starlette.requests import Request
from starlette.routing import Match, Route
from starlette.types import Scope

# Hashed assets never change under the same name; index.html must always be revalidated.
IMMUTABLE = "public, max-age=31536000, immutable"


def mount_web_app(app: FastAPI, web_dir: Path | None) -> bool:
    if web_dir is None or not (web_dir / "index.html").is_file():
        return False
    root = web_dir.resolve()
    index = root / "index.html"

    def web_app(request: Request) -> Response:
        path: str = request.path_params["path"]
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            headers = (
                {"Cache-Control": IMMUTABLE} if "/assets/" in f"/{path}" else {"Cache-Control": "no-cache"}
            )
            return FileResponse(candidate, headers=headers)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    app.router.routes.append(_WebAppRoute("/{path:path}", web_app, methods=["GET", "HEAD"]))
    return True


class _WebAppRoute(Route):
    """The catch-all of client-side routes, which never claims an /api path: there an unknown
    path stays a JSON 404 and a known path with another method a 405 (a GET catch-all would
    otherwise answer both with the index page or a 404)."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path = str(scope.get("path", ""))
        if path == "/api" or path.startswith("/api/"):
            return Match.NONE, {}
        return super().matches(scope)
