"""One ready-made policy per style, written for an investor in TSE stocks.

Thresholds follow common Japanese practice: PBR 1倍割れ (the TSE's 2023 push on P/B < 1), ROE 8 %
(the 伊藤レポート benchmark), 25-day MA deviation of −10 % for rebounds, golden crosses of the 25/75-day
lines, and liquidity floors in yen of daily turnover so a 100-share lot can be sold when needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kabu_trade.policies.schemas import Language, PolicyCreate, PresetRead, Style

_OKU = 100_000_000  # 1億円


@dataclass(frozen=True)
class Preset:
    style: Style
    name_ja: str
    name_en: str
    description_ja: str
    description_en: str
    policy: dict[str, Any]  # PolicyCreate fields except name and description

    def create(self, language: Language = "ja") -> PolicyCreate:
        ja = language == "ja"
        return PolicyCreate.model_validate(
            {
                "name": self.name_ja if ja else self.name_en,
                "description": self.description_ja if ja else self.description_en,
                "style": self.style,
                **self.policy,
            }
        )

    def read(self, language: Language = "ja") -> PresetRead:
        return PresetRead(
            style=self.style,
            name_ja=self.name_ja,
            name_en=self.name_en,
            description_ja=self.description_ja,
            description_en=self.description_en,
            policy=self.create(language),
        )


def _cmp(metric: str, op: str, value: float, weight: float = 1.0, required: bool = False) -> dict[str, Any]:
    return {
        "type": "compare",
        "metric": metric,
        "op": op,
        "value": value,
        "weight": weight,
        "required": required,
    }


def _above(metric: str, other: str, weight: float = 1.0, required: bool = False) -> dict[str, Any]:
    return {
        "type": "compare_metrics",
        "metric": metric,
        "op": ">",
        "other": other,
        "weight": weight,
        "required": required,
    }


def _range(metric: str, low: float | None, high: float | None, weight: float = 1.0) -> dict[str, Any]:
    return {"type": "range", "metric": metric, "min": low, "max": high, "weight": weight}


def _cross(fast: str, slow: str, within_days: int, weight: float = 1.0) -> dict[str, Any]:
    return {
        "type": "cross",
        "fast": fast,
        "slow": slow,
        "direction": "above",
        "within_days": within_days,
        "weight": weight,
    }


def _weights(**parts: float) -> dict[str, float]:
    return parts


PRESETS: dict[Style, Preset] = {
    preset.style: preset
    for preset in (
        Preset(
            style="value",
            name_ja="バリュー投資（割安・健全）",
            name_en="Value: cheap and sound",
            description_ja="PER・PBRが低く、ROEと自己資本比率で質を確かめた割安株を数年単位で保有する。",
            description_en=(
                "Cheap on PER and PBR, checked for quality by ROE and equity ratio; held for years."
            ),
            policy={
                "horizon": "long",
                "risk_tolerance": 2,
                "target_return_pct": 30,
                "stop_loss_pct": 15,
                "trailing_stop_pct": None,
                "weights": _weights(
                    value=2.0,
                    quality=1.5,
                    income=1.0,
                    growth=0.5,
                    trend=0.5,
                    momentum=0.5,
                    mean_reversion=1.0,
                    volume=0.5,
                ),
                "rules": [
                    _cmp("per", "<=", 15, weight=2),
                    _cmp("pbr", "<=", 1.2, weight=2),
                    _cmp("roe", ">=", 8, weight=1.5),
                    _cmp("equity_ratio", ">=", 40, required=True),
                    _cmp("dividend_yield", ">=", 2),
                    _cmp("turnover_avg_20", ">=", 0.5 * _OKU),
                ],
            },
        ),
        Preset(
            style="growth",
            name_ja="グロース投資（高成長）",
            name_en="Growth: fast-growing earners",
            description_ja="売上とEPSが2桁成長し、利益率も高い企業を、上昇トレンドにあるうちに買う。",
            description_en=(
                "Double-digit sales and EPS growth with healthy margins, bought while trending up."
            ),
            policy={
                "horizon": "medium",
                "risk_tolerance": 4,
                "target_return_pct": 50,
                "stop_loss_pct": 10,
                "trailing_stop_pct": 15,
                "weights": _weights(
                    growth=2.5,
                    quality=1.5,
                    momentum=1.5,
                    trend=1.5,
                    volume=1.0,
                    value=0.5,
                    mean_reversion=0.5,
                    income=0.3,
                ),
                "rules": [
                    _cmp("sales_growth_pct", ">=", 10, weight=2, required=True),
                    _cmp("eps_growth_pct", ">=", 15, weight=2),
                    _cmp("operating_margin", ">=", 10, weight=1.5),
                    _cmp("roe", ">=", 10),
                    _cmp("forward_per", "<=", 40),
                    _above("close", "sma_75"),
                    _cmp("turnover_avg_20", ">=", 1 * _OKU),
                ],
            },
        ),
        Preset(
            style="dividend",
            name_ja="高配当投資（インカム重視）",
            name_en="Dividend: steady income",
            description_ja="利回り3.5%以上で、配当性向と財務に無理がなく、減配しにくい銘柄を長く持つ。",
            description_en=(
                "Yields of 3.5 % or more that the payout ratio and balance sheet can sustain; held long."
            ),
            policy={
                "horizon": "long",
                "risk_tolerance": 2,
                "target_return_pct": 20,
                "stop_loss_pct": 12,
                "trailing_stop_pct": None,
                "weights": _weights(
                    income=3.0,
                    quality=1.5,
                    value=1.5,
                    mean_reversion=1.0,
                    growth=0.5,
                    trend=0.5,
                    volume=0.5,
                    momentum=0.3,
                ),
                "rules": [
                    _cmp("dividend_yield", ">=", 3.5, weight=3, required=True),
                    # A yield far above the market's usually prices in a cut.
                    _cmp("dividend_yield", "<=", 7),
                    _cmp("payout_ratio", "<=", 70, weight=2),
                    _cmp("equity_ratio", ">=", 40, weight=1.5),
                    _cmp("roe", ">=", 8),
                    _cmp("per", "<=", 20),
                    _cmp("eps_growth_pct", ">=", 0),
                ],
            },
        ),
        Preset(
            style="momentum",
            name_ja="モメンタム投資（順張り）",
            name_en="Momentum: ride the trend",
            description_ja="75日線の上で、25日線と75日線のゴールデンクロス直後、出来高を伴って上がる銘柄に乗る。",
            description_en="Above the 75-day line, just after a 25/75-day golden cross, rising on volume.",
            policy={
                "horizon": "medium",
                "risk_tolerance": 4,
                "target_return_pct": 20,
                "stop_loss_pct": 8,
                "trailing_stop_pct": 10,
                "weights": _weights(
                    momentum=2.5,
                    trend=2.0,
                    volume=1.5,
                    growth=1.0,
                    quality=0.5,
                    value=0.3,
                    mean_reversion=0.3,
                    income=0.2,
                ),
                "rules": [
                    _above("close", "sma_75", weight=2, required=True),
                    _cross("sma_25", "sma_75", within_days=10, weight=2),
                    _cmp("return_60d_pct", ">=", 10, weight=1.5),
                    _cmp("volume_ratio_20", ">=", 1.2),
                    _cmp("adx_14", ">=", 25),
                    # Strong but not yet overheated.
                    _range("rsi_14", 50, 75),
                    _cmp("turnover_avg_20", ">=", 1 * _OKU),
                ],
            },
        ),
        Preset(
            style="contrarian",
            name_ja="逆張り投資（売られすぎの反発狙い）",
            name_en="Contrarian: oversold rebounds",
            description_ja="RSIやボリンジャーバンドで売られすぎた、財務の健全な銘柄の反発を短期で狙う。",
            description_en="Sound companies oversold on RSI and Bollinger bands, bought for a short rebound.",
            policy={
                "horizon": "short",
                "risk_tolerance": 3,
                "target_return_pct": 12,
                "stop_loss_pct": 8,
                "trailing_stop_pct": None,
                "weights": _weights(
                    mean_reversion=2.5,
                    value=1.5,
                    quality=1.0,
                    volume=1.0,
                    income=0.7,
                    momentum=0.5,
                    growth=0.5,
                    trend=0.3,
                ),
                "rules": [
                    _cmp("rsi_14", "<=", 30, weight=2),
                    _cmp("bb_percent_b", "<=", 0.05, weight=1.5),
                    _cmp("from_52w_high_pct", "<=", -25, weight=1.5),
                    _cmp("dist_sma_25_pct", "<=", -10),
                    _cmp("per", "<=", 20),
                    # Catch a falling knife only if the balance sheet can take the fall.
                    _cmp("equity_ratio", ">=", 30, required=True),
                ],
            },
        ),
        Preset(
            style="swing",
            name_ja="スイングトレード（数日〜数週間）",
            name_en="Swing: days to weeks",
            description_ja="ストキャスティクスの好転で、値動きと流動性が十分な上昇基調の銘柄を数日〜数週間で回す。",
            description_en=(
                "Stochastics turning up in liquid, trending stocks that move enough; held days to weeks."
            ),
            policy={
                "horizon": "short",
                "risk_tolerance": 3,
                "target_return_pct": 8,
                "stop_loss_pct": 5,
                "trailing_stop_pct": 4,
                "weights": _weights(
                    momentum=2.0,
                    trend=1.5,
                    mean_reversion=1.5,
                    volume=1.5,
                    value=0.3,
                    quality=0.3,
                    growth=0.3,
                    income=0.1,
                ),
                "rules": [
                    _cross("stoch_k", "stoch_d", within_days=3, weight=2),
                    _range("stoch_k", None, 50),
                    _cmp("adx_14", ">=", 20),
                    _range("atr_pct", 1.5, 5),
                    _above("close", "sma_25"),
                    _cmp("volume_ratio_20", ">=", 1.0),
                    _cmp("turnover_avg_20", ">=", 1 * _OKU, required=True),
                ],
            },
        ),
    )
}


def get_preset(style: Style) -> Preset:
    return PRESETS[style]


def list_presets(language: Language = "ja") -> list[PresetRead]:
    return [preset.read(language) for preset in PRESETS.values()]
