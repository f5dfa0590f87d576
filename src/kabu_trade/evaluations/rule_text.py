"""A policy rule and its verdict in the reader's words, as the rule editor writes them.

"PER（実績）12倍以下 → 16.9倍で不合格（4.9倍超過）" / "PER (trailing) ≤ 12x → 16.9x, failed (4.9x over)".

Metric labels are the catalog's (``analysis.catalog``), which the web app also reads, through
``GET /policies/vocabulary``. Units, condition words, comparison symbols and cross directions are
``RULE_WORDS`` below; the web app's rule editor has the same table in its strings, and
``frontend/src/features/policies/rule-words.json`` is this table exported
(``python -m kabu_trade.evaluations.rule_text``): a Python test keeps the server equal to that file
and a web test keeps the rule editor equal to it, so the two cannot drift apart.

A rule is given as stored with a policy (``rule_language.dump_rules``: ``type``, ``metric``, ``op``
…); a verdict as an evaluation stores it (``value``, ``passed``, ``distance``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from kabu_trade.analysis.catalog import METRICS

MINUS = "−"

# Kept equal to the web app's rule editor (features/policies/i18n.ts) through rule-words.json.
RULE_WORDS: dict[str, dict[str, dict[str, str]]] = {
    "ja": {
        "unit": {"yen": "円", "%": "%", "x": "倍", "shares": "株", "days": "日", "index": "", "ratio": ""},
        "op": {
            "<": "未満",
            "<=": "以下",
            ">": "より大きい",
            ">=": "以上",
            "==": "等しい",
            "!=": "等しくない",
        },
        "direction": {"above": "上抜け", "below": "下抜け"},
    },
    "en": {
        "unit": {
            "yen": "yen",
            "%": "%",
            "x": "x",
            "shares": "shares",
            "days": "days",
            "index": "",
            "ratio": "",
        },
        "op": {
            "<": "less than",
            "<=": "at most",
            ">": "greater than",
            ">=": "at least",
            "==": "equal to",
            "!=": "not equal to",
        },
        "direction": {"above": "crossed above", "below": "crossed below"},
    },
}
OP_SYMBOL: dict[str, str] = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "!=": "≠"}


def exported_words() -> dict[str, Any]:
    """The table as the web app's copy holds it (``rule-words.json``)."""
    return {"op_symbol": OP_SYMBOL, **RULE_WORDS}


def metric_label(name: str, lang: str) -> str:
    """The rule editor's label of a metric ("PER（実績）"); the name itself when unknown."""
    metric = METRICS.get(name)
    if metric is None:
        return name
    return metric.label_ja if lang == "ja" else metric.label_en


def _unit(metric: str) -> str:
    found = METRICS.get(metric)
    return found.unit if found else ""


def _grouped(number: float, decimals: int) -> str:
    text = f"{abs(number):,.{decimals}f}"
    if decimals and "." in text:
        text = text.rstrip("0").rstrip(".")
    return (MINUS if number < 0 and float(text.replace(",", "")) != 0 else "") + text


def _yen(number: float, lang: str) -> str:
    """¥3,770 in both languages, as the web app writes prices; large amounts grouped as the web app's
    compact yen: 5,000万円 / 4.3億円 (ja), ¥50M / ¥4.3B (en)."""
    sign, size = (MINUS if number < 0 else ""), abs(number)
    if lang == "ja":
        if size >= 1e8:
            return f"{sign}{_grouped(size / 1e8, 1)}億円"
        if size >= 1e6:
            return f"{sign}{_grouped(size / 1e4, 0)}万円"
    if size >= 1e9:
        return f"{sign}¥{_grouped(size / 1e9, 1)}B"
    if size >= 1e6:
        return f"{sign}¥{_grouped(size / 1e6, 1)}M"
    return f"{sign}¥{_grouped(size, 0 if size >= 1000 else 1)}"


def quantity(metric: str, value: float | None, lang: str, *, decimals: int | None = None) -> str:
    """A value of ``metric`` with its unit: 16.9倍 / 16.9x, 4.5%, ¥2,280, 3日 / 3 days."""
    if value is None or not math.isfinite(float(value)):
        return "—"
    number = float(value)
    unit = _unit(metric)
    if unit == "yen":
        return _yen(number, lang)
    if decimals is None:
        decimals = (
            0 if unit in ("days", "shares") else 2 if unit in ("x", "ratio") and abs(number) < 10 else 1
        )
    text = _grouped(number, decimals)
    word = RULE_WORDS["ja" if lang == "ja" else "en"]["unit"].get(unit, "")
    if not word:
        return text
    tight = lang == "ja" or unit in ("%", "x")
    return f"{text}{'' if tight else ' '}{word}"


def _threshold(metric: str, value: float | None, lang: str) -> str:
    # As the user typed it: 12 stays 12, 0.05 stays 0.05.
    return quantity(metric, value, lang, decimals=4)


def rule_text(spec: Mapping[str, Any], lang: str = "ja") -> str:
    """The rule in words: "PER（実績）12倍以下" / "PER (trailing) ≤ 12x"."""
    words = RULE_WORDS["ja" if lang == "ja" else "en"]
    kind = spec.get("type")
    metric = str(spec.get("metric", ""))
    label = metric_label(metric, lang)
    if kind == "compare":
        value = _threshold(metric, spec.get("value"), lang)
        op = str(spec.get("op"))
        if lang == "ja":
            glue = "と" if op in ("==", "!=") else ""
            return f"{label}{value}{glue}{words['op'].get(op, op)}"
        return f"{label} {OP_SYMBOL.get(op, op)} {value}"
    if kind == "range":
        low, high = spec.get("min"), spec.get("max")
        if low is not None and high is not None:
            if lang == "ja":
                return f"{label}が{_threshold(metric, low, lang)}〜{_threshold(metric, high, lang)}の範囲"
            return f"{_threshold(metric, low, lang)} ≤ {label} ≤ {_threshold(metric, high, lang)}"
        op, bound = (">=", low) if low is not None else ("<=", high)
        return rule_text({"type": "compare", "metric": metric, "op": op, "value": bound}, lang)
    if kind == "compare_metrics":
        other = metric_label(str(spec.get("other", "")), lang)
        op = str(spec.get("op"))
        if lang == "ja":
            glue = "と" if op in ("==", "!=") else ""
            return f"{label}が{other}{glue}{words['op'].get(op, op)}"
        return f"{label} {OP_SYMBOL.get(op, op)} {other}"
    if kind == "cross":
        fast = metric_label(str(spec.get("fast", "")), lang)
        slow = metric_label(str(spec.get("slow", "")), lang)
        direction = words["direction"].get(str(spec.get("direction", "above")), "")
        days = int(spec.get("within_days", 5))
        if lang == "ja":
            when = "当日" if days == 0 else f"{days}日以内"
            return f"{fast}が{slow}を{direction}（{when}）"
        when = "today" if days == 0 else f"within {days} days"
        return f"{fast} {direction} {slow} {when}"
    return str(spec.get("text") or metric)


def verdict_text(
    spec: Mapping[str, Any], result: Mapping[str, Any], lang: str = "ja", *, rule: str | None = None
) -> str:
    """The rule and how it fared: "PER（実績）12倍以下 → 16.9倍で不合格（4.9倍超過）". ``rule``: the
    rule's words when already known (a ranking puts the same rules in words for every hit)."""
    rule = rule if rule is not None else rule_text(spec, lang)
    passed = result.get("passed")
    value, distance = result.get("value"), result.get("distance")
    metric = str(spec.get("metric", result.get("metric", "")))
    if spec.get("type") == "cross":  # the value is the number of sessions since the cross
        if passed is None:
            return f"{rule} → データなしで判定不可" if lang == "ja" else f"{rule} → no data, not judged"
        if passed:
            days = round(float(value or 0))
            if lang == "ja":
                return f"{rule} → {'当日' if days == 0 else f'{days}日前'}で合格"
            return f"{rule} → {'today' if days == 0 else f'{days} days ago'}, passed"
        return f"{rule} → 該当なしで不合格" if lang == "ja" else f"{rule} → no such cross, failed"
    if passed is None:
        if lang == "ja":
            return f"{rule} → {metric_label(metric, lang)}のデータがなく判定不可"
        return f"{rule} → no {metric_label(metric, lang)} data, not judged"
    shown = quantity(metric, value, lang)
    if passed:
        return f"{rule} → {shown}で合格" if lang == "ja" else f"{rule} → {shown}, passed"
    if spec.get("type") == "compare_metrics" or distance is None or not float(distance):
        return f"{rule} → {shown}で不合格" if lang == "ja" else f"{rule} → {shown}, failed"
    gap = quantity(metric, abs(float(distance)), lang)
    over = _over(spec, result)
    if lang == "ja":
        return f"{rule} → {shown}で不合格（{gap}{'超過' if over else '不足'}）"
    return f"{rule} → {shown}, failed ({gap} {'over' if over else 'short'})"


def _over(spec: Mapping[str, Any], result: Mapping[str, Any]) -> bool:
    """Whether the value is above the threshold it missed (over a ceiling, not short of a floor)."""
    value, threshold = result.get("value"), result.get("threshold")
    if value is not None and threshold is not None:
        return float(value) > float(threshold)
    return str(spec.get("op", "")) in ("<", "<=")


if __name__ == "__main__":  # regenerate frontend/src/features/policies/rule-words.json
    print(json.dumps(exported_words(), ensure_ascii=False, indent=2))
