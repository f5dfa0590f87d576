"""Count what a block of code asks of the database: connections checked out and statements sent."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


@contextmanager
def database_use(engine: Engine) -> Iterator[Counter[str]]:
    used: Counter[str] = Counter()

    def checkout(*_: Any) -> None:
        used["checkouts"] += 1

    def statement(*_: Any) -> None:
        used["statements"] += 1

    def connect(*_: Any) -> None:
        used["connects"] += 1

    event.listen(engine, "checkout", checkout)
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "connect", connect)
    try:
        yield used
    finally:
        event.remove(engine, "checkout", checkout)
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "connect", connect)
