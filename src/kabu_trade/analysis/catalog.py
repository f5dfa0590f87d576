"""Every metric kabu-trade computes for a stock: its name (the contract used by policies, the
stored metrics, the API and the web app), kind, unit and labels.

Technical metrics come from split-adjusted daily bars; fundamental ones are point in time (only
disclosures published on or before the as-of date). A metric that cannot be computed (too little
history, no disclosure, a loss where a ratio needs a profit) is ``None`` — never a made-up value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["technical", "fundamental"]


@dataclass(frozen=True)
class Metric:
    name: str
    kind: Kind
    unit: str  # "yen", "%", "x" (multiple), "ratio", "days", "shares", "index" (0–100 oscillator)
    label_en: str
    label_ja: str


def _m(name: str, kind: Kind, unit: str, en: str, ja: str) -> Metric:
    return Metric(name, kind, unit, en, ja)


T: Kind = "technical"
F: Kind = "fundamental"

# Pairs whose crosses are tracked: cross_above__{fast}__{slow} / cross_below__{fast}__{slow} hold the
# number of trading days since the fast line last crossed the slow one (0 = on the as-of day),
# None when no such cross happened within the lookback (CROSS_LOOKBACK_DAYS).
CROSS_PAIRS: tuple[tuple[str, str], ...] = (
    ("sma_5", "sma_25"),
    ("sma_25", "sma_75"),
    ("sma_75", "sma_200"),
    ("close", "sma_25"),
    ("close", "sma_75"),
    ("macd", "macd_signal"),
    ("stoch_k", "stoch_d"),
)
CROSS_LOOKBACK_DAYS = 60


def cross_metric(direction: Literal["above", "below"], fast: str, slow: str) -> str:
    return f"cross_{direction}__{fast}__{slow}"


_BASE: list[Metric] = [
    # price and returns
    _m("close", T, "yen", "Close (adjusted)", "終値（調整後）"),
    _m("change_pct", T, "%", "Change on the day", "前日比"),
    _m("return_20d_pct", T, "%", "20-day return", "20日騰落率"),
    _m("return_60d_pct", T, "%", "60-day return", "60日騰落率"),
    _m("return_120d_pct", T, "%", "120-day return", "120日騰落率"),
    _m("volatility_20d_pct", T, "%", "20-day volatility (annualised)", "20日ボラティリティ（年率）"),
    # trend
    _m("sma_5", T, "yen", "5-day moving average", "5日移動平均"),
    _m("sma_25", T, "yen", "25-day moving average", "25日移動平均"),
    _m("sma_75", T, "yen", "75-day moving average", "75日移動平均"),
    _m("sma_200", T, "yen", "200-day moving average", "200日移動平均"),
    _m("ema_12", T, "yen", "12-day EMA", "12日指数平滑移動平均"),
    _m("ema_26", T, "yen", "26-day EMA", "26日指数平滑移動平均"),
    _m("dist_sma_25_pct", T, "%", "Distance from the 25-day MA", "25日線乖離率"),
    _m("dist_sma_75_pct", T, "%", "Distance from the 75-day MA", "75日線乖離率"),
    _m("dist_sma_200_pct", T, "%", "Distance from the 200-day MA", "200日線乖離率"),
    _m("adx_14", T, "index", "ADX(14)", "ADX(14)"),
    _m("plus_di_14", T, "index", "+DI(14)", "+DI(14)"),
    _m("minus_di_14", T, "index", "−DI(14)", "−DI(14)"),
    # momentum
    _m("rsi_14", T, "index", "RSI(14)", "RSI(14)"),
    _m("macd", T, "yen", "MACD(12,26)", "MACD(12,26)"),
    _m("macd_signal", T, "yen", "MACD signal(9)", "MACDシグナル(9)"),
    _m("macd_hist", T, "yen", "MACD histogram", "MACDヒストグラム"),
    _m("stoch_k", T, "index", "Stochastics %K(14,3)", "ストキャスティクス%K(14,3)"),
    _m("stoch_d", T, "index", "Stochastics %D(3)", "ストキャスティクス%D(3)"),
    # mean reversion / volatility
    _m("bb_upper", T, "yen", "Bollinger upper (20, 2σ)", "ボリンジャー上限(20, 2σ)"),
    _m("bb_middle", T, "yen", "Bollinger middle (20)", "ボリンジャー中心(20)"),
    _m("bb_lower", T, "yen", "Bollinger lower (20, 2σ)", "ボリンジャー下限(20, 2σ)"),
    _m("bb_percent_b", T, "ratio", "Bollinger %B", "ボリンジャー%B"),
    _m("bb_width_pct", T, "%", "Bollinger band width", "ボリンジャーバンド幅"),
    _m("atr_14", T, "yen", "ATR(14)", "ATR(14)"),
    _m("atr_pct", T, "%", "ATR as % of close", "ATR（終値比）"),
    # volume and liquidity
    _m("volume", T, "shares", "Volume (adjusted)", "出来高（調整後）"),
    _m("volume_ratio_20", T, "x", "Volume / 20-day average", "出来高倍率（20日平均比）"),
    _m("turnover_avg_20", T, "yen", "Average daily turnover (20 days)", "平均売買代金（20日）"),
    # range and levels
    _m("high_52w", T, "yen", "52-week high", "52週高値"),
    _m("low_52w", T, "yen", "52-week low", "52週安値"),
    _m("from_52w_high_pct", T, "%", "Distance from the 52-week high", "52週高値からの距離"),
    _m("from_52w_low_pct", T, "%", "Distance from the 52-week low", "52週安値からの距離"),
    _m("support_1", T, "yen", "Nearest support", "直近サポート"),
    _m("support_2", T, "yen", "Second support", "第2サポート"),
    _m("resistance_1", T, "yen", "Nearest resistance", "直近レジスタンス"),
    _m("resistance_2", T, "yen", "Second resistance", "第2レジスタンス"),
    _m("dist_support_pct", T, "%", "Distance above the nearest support", "サポートまでの距離"),
    _m("dist_resistance_pct", T, "%", "Distance below the nearest resistance", "レジスタンスまでの距離"),
    # fundamentals (point in time)
    _m("per", F, "x", "PER (trailing)", "PER（実績）"),
    _m("forward_per", F, "x", "PER (forecast)", "PER（予想）"),
    _m("pbr", F, "x", "PBR", "PBR"),
    _m("roe", F, "%", "ROE", "ROE"),
    _m("dividend_yield", F, "%", "Dividend yield (forecast)", "配当利回り（予想）"),
    _m("payout_ratio", F, "%", "Payout ratio", "配当性向"),
    _m("equity_ratio", F, "%", "Equity ratio", "自己資本比率"),
    _m("sales_growth_pct", F, "%", "Sales growth (year on year)", "売上高成長率（前年比）"),
    _m("eps_growth_pct", F, "%", "EPS growth (year on year)", "EPS成長率（前年比）"),
    _m("operating_margin", F, "%", "Operating margin", "営業利益率"),
    _m("market_cap", F, "yen", "Market capitalisation", "時価総額"),
    _m("eps", F, "yen", "EPS (last full year)", "EPS（直近通期）"),
    _m("forecast_eps", F, "yen", "EPS (forecast)", "EPS（予想）"),
    _m("bps", F, "yen", "BPS", "BPS"),
    _m("forecast_dps", F, "yen", "Dividend per share (forecast)", "1株配当（予想）"),
    _m("days_since_disclosure", F, "days", "Days since the last disclosure", "前回決算発表からの日数"),
    _m(
        "days_to_next_disclosure",
        F,
        "days",
        "Days to the next expected disclosure (estimate)",
        "次回決算発表までの日数（推定）",
    ),
]

_CROSSES: list[Metric] = [
    _m(
        cross_metric(direction, fast, slow),
        T,
        "days",
        f"Days since {fast} crossed {direction} {slow}",
        f"{fast}が{slow}を{'上' if direction == 'above' else '下'}抜けてからの日数",
    )
    for fast, slow in CROSS_PAIRS
    for direction in ("above", "below")
]

METRICS: dict[str, Metric] = {m.name: m for m in [*_BASE, *_CROSSES]}
TECHNICAL_METRICS = [m.name for m in METRICS.values() if m.kind == "technical"]
FUNDAMENTAL_METRICS = [m.name for m in METRICS.values() if m.kind == "fundamental"]


def is_metric(name: str) -> bool:
    return name in METRICS


# The parts of a score. Technical: trend, momentum, mean_reversion, volume; fundamental: value,
# quality, income, growth. A policy's ``weights`` maps part names to multipliers of the default
# points (analysis.scoring documents the defaults); unknown part names are a validation error.
TECHNICAL_PARTS = ("trend", "momentum", "mean_reversion", "volume")
FUNDAMENTAL_PARTS = ("value", "quality", "income", "growth")
SCORE_PARTS = TECHNICAL_PARTS + FUNDAMENTAL_PARTS
