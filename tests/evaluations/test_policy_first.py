"""Issue 10, point 3: the evaluation leads with the policy's verdict, in the reader's words."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from kabu_trade.analysis.catalog import METRICS
from kabu_trade.evaluations.engine import evaluate, render_result
from kabu_trade.evaluations.rule_text import exported_words, rule_text, verdict_text
from tests.analysis.test_scoring_scenarios import OVERSOLD_BOUNCE, UPTREND, VALUE_POOR_MOMENTUM

FRONTEND = Path(__file__).resolve().parents[2] / "frontend" / "src" / "features" / "policies"
# A raw rule identifier as the rule language writes it: "per <= 12", "close > sma_75".
RAW_RULE = re.compile(r"\b[a-z][a-z0-9_]* (<=|>=|<|>|==|!=) [a-z0-9_.]+")

POLICY: dict[str, Any] = {
    "name": "割安株",
    "weights": {"value": 2},
    "stop_loss_pct": 8,
    "target_return_pct": 15,
    "rules": [
        {"type": "compare", "metric": "per", "op": "<=", "value": 12, "required": True},
        {"type": "compare", "metric": "pbr", "op": "<=", "value": 1, "weight": 2},
        {"type": "compare_metrics", "metric": "close", "op": ">", "other": "sma_200"},
        {"type": "compare", "metric": "rsi_14", "op": "<", "value": 70},
    ],
}


def test_the_rule_and_its_verdict_in_the_rule_editors_words() -> None:
    spec = {"type": "compare", "metric": "per", "op": "<=", "value": 12}
    failed = {"value": 16.9, "passed": False, "distance": 4.9, "threshold": 12}
    assert verdict_text(spec, failed, "ja") == "PER（実績）12倍以下 → 16.9倍で不合格（4.9倍超過）"
    assert verdict_text(spec, failed, "en") == "PER (trailing) ≤ 12x → 16.9x, failed (4.9x over)"
    assert verdict_text(spec, {"value": 8.8, "passed": True, "distance": 0}, "ja").endswith("→ 8.8倍で合格")
    assert rule_text({"type": "range", "metric": "rsi_14", "min": 30, "max": 70}, "en") == "30 ≤ RSI(14) ≤ 70"
    cross = {"type": "cross", "fast": "sma_25", "slow": "sma_75", "direction": "above", "within_days": 5}
    assert rule_text(cross, "ja") == "25日移動平均が75日移動平均を上抜け（5日以内）"
    missing = verdict_text(
        {"type": "compare", "metric": "roe", "op": ">=", "value": 8}, {"passed": None}, "ja"
    )
    assert missing == "ROE8%以上 → ROEのデータがなく判定不可"
    turnover = {"type": "compare", "metric": "turnover_avg_20", "op": ">=", "value": 5e7}
    assert rule_text(turnover, "ja") == "平均売買代金（20日）5,000万円以上"
    assert rule_text(turnover, "en") == "Average daily turnover (20 days) ≥ ¥50M"
    close = {"type": "compare", "metric": "close", "op": ">=", "value": 1000}
    assert rule_text(close, "ja") == "終値（調整後）¥1,000以上"


def test_the_servers_words_equal_the_web_apps_table() -> None:
    # rule-words.json is the web app's copy (a Vitest test holds the rule editor to it).
    shipped = json.loads((FRONTEND / "rule-words.json").read_text(encoding="utf-8"))
    assert shipped == exported_words(), "regenerate: python -m kabu_trade.evaluations.rule_text"
    # The rule editor's metric labels come from GET /policies/vocabulary; its recorded copy too.
    vocabulary = json.loads((FRONTEND / "fixtures" / "vocabulary.json").read_text(encoding="utf-8"))
    for metric in vocabulary["metrics"]:
        known = METRICS[metric["name"]]
        assert (metric["label_ja"], metric["label_en"], metric["unit"]) == (
            known.label_ja,
            known.label_en,
            known.unit,
        )


def _rendered(metrics: dict[str, float | None], lang: str, policy: dict[str, Any] = POLICY) -> dict[str, Any]:
    return render_result(evaluate(metrics, policy), lang)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_key_points_open_with_the_policys_verdict_and_every_failed_rule(lang: str) -> None:
    metrics = {**VALUE_POOR_MOMENTUM, "per": 16.9, "pbr": 1.3}
    result = _rendered(metrics, lang)
    messages = [p["message"] for p in result["key_points"]]
    first = result["key_points"][0]
    assert first["priority"] == "high" and first["type"] == "caution"
    assert "割安株" in first["message"]
    per = "PER（実績）12倍以下 → 16.9倍で不合格" if lang == "ja" else "PER (trailing) ≤ 12x → 16.9x, failed"
    pbr = "PBR1倍以下 → 1.3倍で不合格" if lang == "ja" else "PBR ≤ 1x → 1.3x, failed"
    assert any(per in m for m in messages[:3]), messages
    assert any(pbr in m for m in messages[:4]), messages  # a weighted rule, not only required ones
    assert not [m for m in messages if RAW_RULE.search(m)], messages


def test_every_rule_comes_back_in_words_with_the_raw_rule_kept() -> None:
    result = _rendered({**VALUE_POOR_MOMENTUM, "per": 16.9}, "ja")
    per = result["rules"][0]
    assert per["rule"] == "per <= 12"  # the API field keeps its meaning
    assert per["text"] == "PER（実績）12倍以下 → 16.9倍で不合格（4.9倍超過）"
    assert per["rule_text"] == "PER（実績）12倍以下"


def test_a_stored_evaluation_without_rule_specs_still_reads_in_words() -> None:
    stored = evaluate({**VALUE_POOR_MOMENTUM, "per": 16.9}, POLICY)
    for rule in stored["rules"]:
        rule.pop("spec")
    result = render_result(stored, "en", policy=POLICY)
    assert result["rules"][0]["text"].startswith("PER (trailing) ≤ 12x → 16.9x, failed")


def test_close_below_several_averages_is_one_point() -> None:
    result = evaluate(OVERSOLD_BOUNCE, {**POLICY, "rules": []})
    keys = [p["message_key"] for p in result["key_points"]]
    assert "signal.close_below_ma" not in keys
    grouped = [p for p in result["key_points"] if p["message_key"] == "kp.close_below_mas"]
    assert len(grouped) == 1 and grouped[0]["params"]["mas"] == ["sma_25", "sma_75", "sma_200"]
    text = render_result(result, "ja")["key_points"]
    assert any("25日線・75日線・200日線をすべて下回る" in p["message"] for p in text)


def test_a_stop_loss_is_not_the_top_sell_point_of_a_neutral_stock() -> None:
    result = evaluate(OVERSOLD_BOUNCE, {**POLICY, "rules": []})
    assert result["recommendation"] == "neutral"
    stop = next(p for p in result["key_points"] if p["message_key"] == "kp.stop_loss_policy")
    assert stop["priority"] != "high"
    assert result["key_points"][0]["message_key"] != "kp.stop_loss_policy"
    # For a buy, the stop belongs to the plan and stays high.
    bought = evaluate(UPTREND, {**POLICY, "rules": []})
    assert bought["recommendation"] == "buy"
    assert (
        next(p for p in bought["key_points"] if p["message_key"] == "kp.stop_loss_policy")["priority"]
        == "high"
    )


def test_a_signals_contribution_is_shown_once() -> None:
    result = _rendered(VALUE_POOR_MOMENTUM, "ja")
    per = next(s for s in result["signals"] if s["name"] == "per_low")
    assert per["contribution"] > 0
    assert "点" not in per["reason"], per["reason"]  # the contribution column shows the points
    en = _rendered(VALUE_POOR_MOMENTUM, "en")
    assert (
        not next(s for s in en["signals"] if s["name"] == "per_low")["reason"]
        .rstrip()
        .endswith(tuple("0123456789"))
    )
