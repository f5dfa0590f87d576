"""Hand-built markets: a few sessions and symbols whose every fill can be worked out on paper."""

from __future__ import annotations

from typing import Any

import numpy as np

from kabu_trade.engine.backtest import Decisions, Market


def market(
    opens: Any,
    highs: Any = None,
    lows: Any = None,
    closes: Any = None,
    **extra: Any,
) -> Market:
    """A market from per-session rows (one column per symbol; a flat list is one symbol). Highs,
    lows and closes default to the opens: a bar that never moves."""
    o = _grid(opens)
    h = _grid(highs) if highs is not None else o.copy()
    lo = _grid(lows) if lows is not None else o.copy()
    c = _grid(closes) if closes is not None else o.copy()
    sessions, symbols = o.shape
    dates = np.arange(np.datetime64("2024-01-01"), np.datetime64("2024-01-01") + sessions)
    names = tuple(f"{1000 + i}" for i in range(symbols))
    return Market(dates=dates, symbols=names, open=o, high=h, low=lo, close=c, **extra)


def decisions(
    m: Market,
    entries: dict[int, list[int]] | None = None,
    exits: dict[int, list[int]] | None = None,
    **extra: Any,
) -> Decisions:
    """Entries and sell signals by session: ``{session: [symbol, …]}``."""
    entry = np.zeros(m.open.shape, dtype=bool)
    exit_ = np.zeros(m.open.shape, dtype=np.int8)
    for session, symbols in (entries or {}).items():
        entry[session, symbols] = True
    for session, symbols in (exits or {}).items():
        exit_[session, symbols] = 5  # ExitReason.SELL_SIGNAL
    return Decisions(entry=entry, exit=exit_, **extra)


def _grid(values: Any) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    return array[:, None] if array.ndim == 1 else array
