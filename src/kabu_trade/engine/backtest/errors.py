"""The engine's one error: a bad argument, named.

The engine cannot import ``kabu_trade.core.errors`` (that module knows FastAPI and SQLAlchemy, and
the engine imports neither), so it raises its own ``ValueError`` subclass carrying the same
``field``; the service that calls the engine turns it into ``InvalidInput(detail, field=...)``.
"""

from __future__ import annotations


class EngineInputError(ValueError):
    """An argument out of range or of the wrong shape; ``field`` names it (``costs.rate``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
