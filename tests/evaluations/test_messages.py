from __future__ import annotations

import string
from datetime import date
from typing import Any

import pytest

from kabu_trade.analysis import signals
from kabu_trade.analysis.scoring import score
from kabu_trade.evaluations import key_points as kp
from kabu_trade.evaluations import levels as lv
from kabu_trade.evaluations.message_templates import POINTS_SUFFIX, WITHOUT_POINTS
from kabu_trade.evaluations.messages import (
    TEMPLATES,
    format_date,
    format_money,
    format_pct,
    format_yen,
    negotiate_language,
    render,
)
from tests.analysis.test_scoring_scenarios import SCENARIOS

EMITTED = signals.MESSAGE_KEYS | lv.MESSAGE_KEYS | kp.MESSAGE_KEYS

SAMPLES: dict[str, Any] = {
    "yen": 2280.0,
    "pct": 4.5,
    "spct": -8.0,
    "apct": -3.2,
    "num": 27.9,
    "num0": 30,
    "num2": 0.62,
    "pts": 2.6,
    "money": 4.5e7,
    "ago": 3,
    "days": 5,
    "metric": "per",
    "metrics": ["sma_200", "per"],
    "sources": ["sma_25", "bb_lower"],
    "part": "trend",
    "date": "2024-05-10",
    "": "per <= 15",
    "str": "text",
    "verdict": {
        "spec": {"type": "compare", "metric": "per", "op": "<=", "value": 12},
        "value": 16.9,
        "threshold": 12.0,
        "passed": False,
        "distance": 4.9,
    },
}


def fields(template: str) -> dict[str, str]:
    return {name: spec or "" for _, name, spec, _ in string.Formatter().parse(template) if name is not None}


def test_every_emitted_key_has_both_languages_and_nothing_else() -> None:
    assert set(TEMPLATES) == {"ja", "en"}
    assert set(TEMPLATES["ja"]) == set(TEMPLATES["en"]) == EMITTED


@pytest.mark.parametrize("key", sorted(EMITTED))
def test_every_template_renders(key: str) -> None:
    assert fields(TEMPLATES["ja"][key]) == fields(TEMPLATES["en"][key])
    params = {name: SAMPLES[spec] for name, spec in fields(TEMPLATES["ja"][key]).items()}
    for lang in ("ja", "en"):
        text = render(key, params, lang, strict=True)
        assert text and "{" not in text and key not in text
        # missing values render as a dash, never fail
        assert render(key, dict.fromkeys(params), lang, strict=True)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_signals_points_can_be_left_out_of_its_message(lang: str) -> None:
    # The signal lists show the points in a column of their own: every signal message ends with
    # them, so that they can be left out there and the contribution is shown once.
    for key, template in TEMPLATES[lang].items():
        if key.startswith("signal.") and key != "signal.missing":
            assert template.endswith(POINTS_SUFFIX[lang]), key
            assert "{points" not in WITHOUT_POINTS[lang][key], key
    params = {"value": 8.8, "threshold": 15, "points": 11.9}
    assert render("signal.per_low", params, lang, with_points=False) == (
        "PER 8.8倍と15倍未満で割安" if lang == "ja" else "PER 8.8x < 15x: cheap"
    )


def test_everything_the_engine_emits_renders() -> None:
    rules = [
        {
            "rule": "per <= 12",
            "metric": "per",
            "value": 18.0,
            "passed": False,
            "distance": 6.0,
            "required": True,
        }
    ]
    for metrics in SCENARIOS.values():
        metrics = {**metrics, "days_to_next_disclosure": 4.0}
        result = score(metrics)
        levels = lv.price_levels(metrics, target_return_pct=15, stop_loss_pct=8, trailing_stop_pct=10)
        points = kp.key_points(metrics, result, levels, rules, stop_loss_pct=8, target_return_pct=15)
        messages = [
            *((s.message_key, s.params) for s in result.signals),
            *((b.message_key, b.params) for b in levels.basis),
            *((p.message_key, p.params) for p in points),
        ]
        for key, params in messages:
            for lang in ("ja", "en"):
                render(key, params, lang, strict=True)


def test_examples_from_the_product_brief() -> None:
    assert (
        render("signal.rsi_oversold", {"value": 27.9, "threshold": 30, "points": 12}, "ja")
        == "RSI(14)が27.9と30を下回り売られ過ぎ（+12点）"
    )
    assert (
        render("signal.rsi_oversold", {"value": 27.9, "threshold": 30, "points": 2.63}, "en")
        == "RSI(14) = 27.9 < 30: oversold, +2.6"
    )
    zone = {"low": 2280.0, "high": 2320.0, "sources": ["sma_25", "bb_lower"]}
    assert (
        render("kp.entry_zone", zone, "ja") == "エントリーゾーン ¥2,280〜¥2,320（25日線・ボリンジャー下限）"
    )
    assert (
        render("kp.entry_zone", zone, "en") == "Entry zone ¥2,280–¥2,320 (25-day MA / lower Bollinger band)"
    )
    assert (
        render("kp.stop_loss_policy", {"price": 2120.0, "pct": -8}, "en")
        == "Stop-loss ¥2,120 (−8.0 % per policy)"
    )
    assert (
        render("kp.stop_loss_policy", {"price": 2120.0, "pct": -8}, "ja")
        == "損切りライン ¥2,120（方針の−8.0%）"
    )
    assert (
        render("kp.target_policy", {"price": 2650.0, "pct": 15}, "en") == "Target ¥2,650 (+15.0 % per policy)"
    )
    assert render("kp.earnings_soon", {"days": 5}, "ja") == "決算発表まで約5日：注意"
    assert render("kp.earnings_soon", {"days": 5}) == "決算発表まで約5日：注意"  # ja by default
    missing = {"part": "trend", "metrics": ["sma_200"], "points": 7.0}
    assert (
        render("signal.missing", missing, "ja") == "トレンド：200日線のデータがなく、7.0点分を判定できません"
    )
    assert render("signal.missing", missing, "en") == "Trend: no data for 200-day MA; 7.0 points not judged"


def test_number_formats() -> None:
    assert format_yen(2280.0) == "¥2,280"
    assert format_yen(1234.56) == "¥1,235"
    assert format_yen(512.5) == "¥512.5"
    assert format_yen(512.0) == "¥512"
    assert format_yen(-300.0) == "−¥300"
    assert format_pct(15.0, "en", signed=True) == "+15.0 %"
    assert format_pct(15.0, "ja", signed=True) == "+15.0%"
    assert format_pct(-8.0, "en") == "−8.0 %"
    assert format_pct(4.5, "ja") == "4.5%"
    assert format_pct(-0.01, "ja") == "0.0%"
    assert format_money(4.5e7, "ja") == "4,500万円" and format_money(3.2e9, "ja") == "32.0億円"
    assert format_money(4.5e7, "en") == "¥45.0M" and format_money(3.2e9, "en") == "¥3.20B"
    assert format_date(date(2024, 5, 10), "ja") == "2024年5月10日"
    assert format_date("2024-05-10", "en") == "10 May 2024"
    assert render("signal.golden_cross", {"days": 0, "points": 4.0}, "ja").startswith(
        "ゴールデンクロス：本日、"
    )
    assert "1 day ago" in render("signal.golden_cross", {"days": 1, "points": 4.0}, "en")


def test_unknown_keys_and_bad_params_degrade_visibly() -> None:
    assert render("signal.retired", {"value": 1}, "en") == "signal.retired (value=1)"
    assert render("kp.earnings_soon", {}, "ja") == "kp.earnings_soon"
    with pytest.raises(KeyError):
        render("signal.retired", {}, "en", strict=True)
    with pytest.raises(KeyError):
        render("kp.earnings_soon", {}, "en", strict=True)
    with pytest.raises(ValueError, match="lang"):
        render("kp.earnings_soon", {"days": 5}, "fr")


@pytest.mark.parametrize(
    ("header", "default", "expected"),
    [
        (None, "ja", "ja"),
        ("", "en", "en"),
        ("en-US,en;q=0.9", "ja", "en"),
        ("fr-FR, en;q=0.5, ja;q=0.8", "en", "ja"),
        ("ja;q=0, en", "ja", "en"),
        ("fr, de", "en", "en"),
        ("*", "en", "en"),
        ("en, ja", "ja", "en"),  # equal q: the first listed wins
        ("ja, en", "en", "ja"),
        ("EN-gb;q=0.7, fr;q=1", "ja", "en"),
        ("en;q=abc, ja;q=0.5", "en", "ja"),
        (None, "en-US", "en"),
        (None, "fr", "ja"),
    ],
)
def test_negotiate_language(header: str | None, default: str, expected: str) -> None:
    assert negotiate_language(header, default=default) == expected
