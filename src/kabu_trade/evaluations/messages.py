"""Messages in the reader's language: evaluations store keys with parameters, rendered on read.

Templates are ``str.format`` strings whose fields name a formatting rule after the colon:

``yen`` ¥2,280 / ¥512.5 · ``pct`` 4.5% (en: 4.5 %) · ``spct`` signed +15.0% / −8.0% ·
``apct`` absolute percent · ``num`` 27.9 · ``num0`` 30 · ``num2`` 0.62 · ``pts`` +2.6 ·
``money`` turnover (4,500万円 / ¥45.0M) · ``ago`` 本日 / 3日前 · ``days`` 5 · ``metric``,
``metrics``, ``sources`` metric labels · ``part`` score part label · ``date`` a date ·
``verdict`` a policy rule and its result in words (``evaluations.rule_text``) · ``str``.

Every key has a template in both languages with the same fields (tested); an unknown key renders
as the key itself, so an old stored evaluation still shows something readable.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from datetime import date
from typing import Any

from kabu_trade.analysis.catalog import METRICS
from kabu_trade.core import i18n
from kabu_trade.evaluations.message_templates import (
    LANGUAGES,
    PART_LABELS,
    SHORT_LABELS,
    TEMPLATES,
    WITHOUT_POINTS,
)
from kabu_trade.evaluations.rule_text import verdict_text

MINUS = "−"


def format_yen(value: float, lang: str = "ja") -> str:
    """¥2,280 (whole yen from ¥1,000), ¥512.5 below (one decimal only when needed)."""
    sign = MINUS if value < 0 else ""
    value = abs(value)
    if value >= 1000 or float(value).is_integer():
        return f"{sign}¥{value:,.0f}"
    return f"{sign}¥{value:,.1f}"


def format_pct(value: float, lang: str = "ja", *, signed: bool = False, decimals: int = 1) -> str:
    """+15.0% (ja) / +15.0 % (en); a true minus sign; ``signed`` adds + to positive values."""
    number = f"{abs(value):,.{decimals}f}"
    shown_zero = float(number.replace(",", "")) == 0
    sign = MINUS if value < 0 and not shown_zero else ("+" if signed else "")
    return sign + number + ("%" if lang == "ja" else " %")


def format_money(value: float, lang: str = "ja") -> str:
    """Large yen amounts: 4,500万円 / 1.2億円 (ja), ¥45.0M / ¥1.20B (en)."""
    if lang == "ja":
        if abs(value) >= 1e8:
            return f"{value / 1e8:,.1f}億円"
        return f"{value / 1e4:,.0f}万円"
    if abs(value) >= 1e9:
        return f"¥{value / 1e9:,.2f}B"
    return f"¥{value / 1e6:,.1f}M"


def format_date(value: date | str, lang: str = "ja") -> str:
    """2024年5月10日 (ja) / 10 May 2024 (en)."""
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return f"{day.year}年{day.month}月{day.day}日" if lang == "ja" else f"{day.day} {day:%b} {day.year}"


def metric_label(name: str, lang: str = "ja") -> str:
    short = SHORT_LABELS.get(name)
    if short:
        return short[0] if lang == "ja" else short[1]
    metric = METRICS.get(name)
    if metric is None:
        return name
    return metric.label_ja if lang == "ja" else metric.label_en


class _Formatter(string.Formatter):
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        lang = self.lang
        if value is None:
            return "—"
        if format_spec in ("metrics", "sources"):
            names = value if isinstance(value, list | tuple) else [value]
            glue = {"ja": {"metrics": "、", "sources": "・"}, "en": {"metrics": ", ", "sources": " / "}}
            return glue[lang][format_spec].join(metric_label(str(n), lang) for n in names)
        if format_spec == "metric":
            return metric_label(str(value), lang)
        if format_spec == "part":
            labels = PART_LABELS.get(str(value))
            return (labels[0] if lang == "ja" else labels[1]) if labels else str(value)
        if format_spec == "date":
            return format_date(value, lang)
        if format_spec == "verdict":  # {"spec": the rule as stored, "value", "passed", "distance", …}
            if not isinstance(value, Mapping) or not isinstance(value.get("spec"), Mapping):
                raise ValueError("a verdict needs the rule's spec")
            return verdict_text(value["spec"], value, lang)
        if format_spec in ("", "str"):
            return str(value)
        number = float(value)
        if not math.isfinite(number):
            return "—"
        if format_spec == "yen":
            return format_yen(number, lang)
        if format_spec in ("pct", "spct", "apct"):
            number = abs(number) if format_spec == "apct" else number
            return format_pct(number, lang, signed=format_spec == "spct")
        if format_spec == "money":
            return format_money(number, lang)
        if format_spec == "pts":  # +2.6, +12
            shown = f"{abs(number):.1f}".removesuffix(".0")
            return ("+" if number >= 0 else MINUS) + shown
        if format_spec == "ago":
            days = round(number)
            if lang == "ja":
                return "本日" if days == 0 else f"{days}日前"
            return "today" if days == 0 else ("1 day ago" if days == 1 else f"{days} days ago")
        if format_spec in ("days", "num0"):
            return f"{number:,.0f}"
        if format_spec == "num2":
            return f"{number:,.2f}".replace("-", MINUS)
        if format_spec == "num":
            return f"{number:,.1f}".replace("-", MINUS)
        raise ValueError(f"unknown format {format_spec!r}")


def render(
    message_key: str,
    params: Mapping[str, object],
    lang: str = "ja",
    *,
    strict: bool = False,
    with_points: bool = True,
) -> str:
    """The message for ``message_key`` in ``lang`` (``ja`` or ``en``); ``with_points=False`` leaves a
    signal's points out (where they have a column of their own).

    A key without a template, or params that do not fit it (an evaluation stored by an older
    version), render as the key and its params instead of failing — unless ``strict``.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
    template = TEMPLATES[lang].get(message_key)
    if not with_points:
        template = WITHOUT_POINTS[lang].get(message_key, template)
    if template is None:
        if strict:
            raise KeyError(message_key)
        return _fallback(message_key, params)
    try:
        return _Formatter(lang).vformat(template, (), dict(params))
    except (KeyError, IndexError, ValueError, TypeError):
        if strict:
            raise
        return _fallback(message_key, params)


def _fallback(message_key: str, params: Mapping[str, object]) -> str:
    shown = ", ".join(f"{k}={v}" for k, v in params.items())
    return f"{message_key} ({shown})" if shown else message_key


def negotiate_language(accept_language_header: str | None, default: str = "ja") -> str:
    """``ja`` or ``en`` from an Accept-Language header (q-values honoured, ``q=0`` excluded);
    ``default`` when neither is acceptable. A default other than ja/en (e.g. ``en-US``) is reduced to
    its language, and anything else to ``ja``. The negotiation itself is the one errors use."""
    return i18n.negotiate(accept_language_header, i18n.as_language(default))
