"""Serve the built single-page web app from the API (the embedded mode), with client-side routes
falling back to index.html. In production the same build is served from static hosting instead."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse, Response

# Hashed assets never change under the same name; index.html must always be revalidated.
IMMUTABLE = "public, max-age=31536000, immutable"


def mount_web_app(app: FastAPI, web_dir: Path | None) -> bool:
    if web_dir is None or not (web_dir / "index.html").is_file():
        return False
    root = web_dir.resolve()
    index = root / "index.html"

    @app.get("/{path:path}", include_in_schema=False)
    def web_app(path: str) -> Response:
        if path.startswith("api/") or path == "api":
            return JSONResponse(
                {"error": "not_found", "detail": f"No API route /{path}.", "field": None}, 404
            )
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            headers = (
                {"Cache-Control": IMMUTABLE} if "/assets/" in f"/{path}" else {"Cache-Control": "no-cache"}
            )
            return FileResponse(candidate, headers=headers)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    return True
