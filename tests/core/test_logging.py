"""Log lines go to the stderr of the moment: a CLI run in a test swaps it and closes it after."""

from __future__ import annotations

import io
import logging
import sys

import pytest
import structlog

from kabu_trade.core.logging import configure_logging


def test_logs_follow_the_current_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    first = io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    configure_logging("INFO", json=True)
    first.close()  # what a test runner does with the stderr it captured

    second = io.StringIO()
    monkeypatch.setattr(sys, "stderr", second)
    structlog.get_logger("kabu_trade.test").warning("structlog_line")
    logging.getLogger("uvicorn.error").warning("stdlib_line")
    assert "structlog_line" in second.getvalue()
    assert "stdlib_line" in second.getvalue()
