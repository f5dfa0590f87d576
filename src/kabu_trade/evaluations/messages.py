"""Messages in the reader's language: evaluations store keys with parameters, rendered on read.

Templates are ``str.format`` strings whose fields name a formatting rule after the colon:

``yen`` ¥2,280 / ¥512.5 · ``pct`` 4.5% (en: 4.5 %) · ``spct`` signed +15.0% / −8.0% ·
``apct`` absolute percent · ``num`` 27.9 · ``num0`` 30 · ``num2`` 0.62 · ``pts`` +2.6 ·
``money`` turnover (4,500万円 / ¥45.0M) · ``ago`` 本日 / 3日前 · ``days`` 5 · ``metric``,
``metrics``, ``sources`` metric labels · ``part`` score part label · ``date`` a date · ``str``.

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

LANGUAGES = ("ja", "en")
MINUS = "−"

PART_LABELS: dict[str, tuple[str, str]] = {
    "trend": ("トレンド", "Trend"),
    "momentum": ("モメンタム", "Momentum"),
    "mean_reversion": ("逆張り（平均回帰）", "Mean reversion"),
    "volume": ("出来高", "Volume"),
    "value": ("割安度", "Value"),
    "quality": ("収益性・財務", "Quality"),
    "income": ("配当", "Income"),
    "growth": ("成長性", "Growth"),
}
SHORT_LABELS: dict[str, tuple[str, str]] = {
    "sma_25": ("25日線", "25-day MA"),
    "sma_75": ("75日線", "75-day MA"),
    "sma_200": ("200日線", "200-day MA"),
    "bb_lower": ("ボリンジャー下限", "lower Bollinger band"),
    "support_1": ("直近サポート", "nearest support"),
    "support_2": ("第2サポート", "second support"),
}

# key → (ja, en)
_PAIRS: dict[str, tuple[str, str]] = {
    # signals: trend
    "signal.close_above_ma": (
        "終値{value:yen}が{ma:metric}（{ma_value:yen}）を{dist_pct:apct}上回る（{points:pts}点）",
        "Close {value:yen} is {dist_pct:apct} above the {ma:metric} ({ma_value:yen}), {points:pts}",
    ),
    "signal.close_below_ma": (
        "終値{value:yen}が{ma:metric}（{ma_value:yen}）を{dist_pct:apct}下回る（{points:pts}点）",
        "Close {value:yen} is {dist_pct:apct} below the {ma:metric} ({ma_value:yen}), {points:pts}",
    ),
    "signal.ma_bullish_alignment": (
        "移動平均が上昇の順に並ぶ（25日{sma_25:yen}＞75日{sma_75:yen}＞200日{sma_200:yen}）（{points:pts}点）",
        "Moving averages stacked for an uptrend (25-day {sma_25:yen} > 75-day {sma_75:yen} > "
        "200-day {sma_200:yen}), {points:pts}",
    ),
    "signal.ma_bullish_short": (
        "25日線{sma_25:yen}が75日線{sma_75:yen}を上回る（75日線はまだ200日線{sma_200:yen}の下）（{points:pts}点）",
        "25-day MA {sma_25:yen} above the 75-day {sma_75:yen} (the 75-day is still below the 200-day "
        "{sma_200:yen}), {points:pts}",
    ),
    "signal.ma_bullish_long": (
        "75日線{sma_75:yen}が200日線{sma_200:yen}を上回る長期上昇基調（25日線{sma_25:yen}は一服）（{points:pts}点）",
        "75-day MA {sma_75:yen} above the 200-day {sma_200:yen}: long-term uptrend (the 25-day "
        "{sma_25:yen} has dipped), {points:pts}",
    ),
    "signal.ma_bearish_alignment": (
        "移動平均が下落の順に並ぶ（25日{sma_25:yen}＜75日{sma_75:yen}＜200日{sma_200:yen}）（{points:pts}点）",
        "Moving averages stacked for a downtrend (25-day {sma_25:yen} < 75-day {sma_75:yen} < "
        "200-day {sma_200:yen}), {points:pts}",
    ),
    "signal.ma_bearish_short": (
        "25日線{sma_25:yen}が75日線{sma_75:yen}を下回る（75日線はまだ200日線{sma_200:yen}の上）（{points:pts}点）",
        "25-day MA {sma_25:yen} below the 75-day {sma_75:yen} (the 75-day is still above the 200-day "
        "{sma_200:yen}), {points:pts}",
    ),
    "signal.ma_bearish_long": (
        "75日線{sma_75:yen}が200日線{sma_200:yen}を下回る長期下落基調（25日線{sma_25:yen}は戻り）（{points:pts}点）",
        "75-day MA {sma_75:yen} below the 200-day {sma_200:yen}: long-term downtrend (the 25-day "
        "{sma_25:yen} has bounced), {points:pts}",
    ),
    "signal.golden_cross": (
        "ゴールデンクロス：{days:ago}、25日線が75日線を上抜け（{points:pts}点）",
        "Golden cross: the 25-day MA crossed above the 75-day {days:ago}, {points:pts}",
    ),
    "signal.dead_cross": (
        "デッドクロス：{days:ago}、25日線が75日線を下抜け（{points:pts}点）",
        "Dead cross: the 25-day MA crossed below the 75-day {days:ago}, {points:pts}",
    ),
    "signal.adx_uptrend": (
        "ADX(14)が{value:num}、+DI {plus_di:num}＞−DI {minus_di:num}で明確な上昇トレンド（{points:pts}点）",
        "ADX(14) = {value:num} with +DI {plus_di:num} > −DI {minus_di:num}: a strong uptrend, {points:pts}",
    ),
    "signal.adx_downtrend": (
        "ADX(14)が{value:num}、−DI {minus_di:num}＞+DI {plus_di:num}で明確な下落トレンド（{points:pts}点）",
        "ADX(14) = {value:num} with −DI {minus_di:num} > +DI {plus_di:num}: a strong downtrend, {points:pts}",
    ),
    # momentum
    "signal.macd_above_signal": (
        "MACD {value:num2}がシグナル{signal:num2}を上回る（ヒストグラム{hist:num2}）（{points:pts}点）",
        "MACD {value:num2} above its signal {signal:num2} (histogram {hist:num2}), {points:pts}",
    ),
    "signal.macd_below_signal": (
        "MACD {value:num2}がシグナル{signal:num2}を下回る（ヒストグラム{hist:num2}）（{points:pts}点）",
        "MACD {value:num2} below its signal {signal:num2} (histogram {hist:num2}), {points:pts}",
    ),
    "signal.macd_bullish_cross": (
        "{days:ago}、MACDがシグナルを上抜け（{points:pts}点）",
        "MACD crossed above its signal {days:ago}, {points:pts}",
    ),
    "signal.macd_bearish_cross": (
        "{days:ago}、MACDがシグナルを下抜け（{points:pts}点）",
        "MACD crossed below its signal {days:ago}, {points:pts}",
    ),
    "signal.macd_above_zero": (
        "MACDが{value:num2}とゼロを上回る（{points:pts}点）",
        "MACD {value:num2} above zero, {points:pts}",
    ),
    "signal.macd_below_zero": (
        "MACDが{value:num2}とゼロを下回る（{points:pts}点）",
        "MACD {value:num2} below zero, {points:pts}",
    ),
    "signal.return_20d_up": (
        "20日騰落率{value:spct}（{points:pts}点）",
        "20-day return {value:spct}, {points:pts}",
    ),
    "signal.return_60d_up": (
        "60日騰落率{value:spct}（{points:pts}点）",
        "60-day return {value:spct}, {points:pts}",
    ),
    "signal.return_20d_down": (
        "20日騰落率{value:spct}（{points:pts}点）",
        "20-day return {value:spct}, {points:pts}",
    ),
    "signal.return_60d_down": (
        "60日騰落率{value:spct}（{points:pts}点）",
        "60-day return {value:spct}, {points:pts}",
    ),
    "signal.stoch_bullish_cross": (
        "ストキャスティクスが売られ過ぎ圏で%Kが%Dを上抜け"
        "（{days:ago}、%K {value:num}・%D {stoch_d:num}）（{points:pts}点）",
        "Stochastics: %K crossed above %D in the oversold zone {days:ago} "
        "(%K {value:num}, %D {stoch_d:num}), {points:pts}",
    ),
    "signal.stoch_bearish_cross": (
        "ストキャスティクスが買われ過ぎ圏で%Kが%Dを下抜け"
        "（{days:ago}、%K {value:num}・%D {stoch_d:num}）（{points:pts}点）",
        "Stochastics: %K crossed below %D in the overbought zone {days:ago} "
        "(%K {value:num}, %D {stoch_d:num}), {points:pts}",
    ),
    # mean reversion
    "signal.rsi_oversold": (
        "RSI(14)が{value:num}と{threshold:num0}を下回り売られ過ぎ（{points:pts}点）",
        "RSI(14) = {value:num} < {threshold:num0}: oversold, {points:pts}",
    ),
    "signal.rsi_overbought": (
        "RSI(14)が{value:num}と{threshold:num0}を上回り買われ過ぎ（{points:pts}点）",
        "RSI(14) = {value:num} > {threshold:num0}: overbought, {points:pts}",
    ),
    "signal.bb_below_lower": (
        "ボリンジャー%Bが{value:num2}とバンド下限を割り込む（{points:pts}点）",
        "Bollinger %B = {value:num2}: below the lower band, {points:pts}",
    ),
    "signal.bb_above_upper": (
        "ボリンジャー%Bが{value:num2}とバンド上限を上抜け（{points:pts}点）",
        "Bollinger %B = {value:num2}: above the upper band, {points:pts}",
    ),
    "signal.deviation_below_sma_25": (
        "25日線乖離率{value:spct}：{threshold:spct}を超える下方乖離で反発余地（{points:pts}点）",
        "{value:spct} from the 25-day MA, beyond {threshold:spct}: stretched to the downside, {points:pts}",
    ),
    "signal.deviation_above_sma_25": (
        "25日線乖離率{value:spct}：{threshold:spct}を超える上方乖離で過熱（{points:pts}点）",
        "{value:spct} from the 25-day MA, beyond {threshold:spct}: stretched to the upside, {points:pts}",
    ),
    "signal.near_support": (
        "直近サポート{level:yen}の{dist_pct:apct}上：下げ止まりやすい水準（{points:pts}点）",
        "{dist_pct:apct} above the nearest support {level:yen}, {points:pts}",
    ),
    "signal.near_resistance": (
        "直近レジスタンス{level:yen}まであと{dist_pct:apct}：上値が重い水準（{points:pts}点）",
        "{dist_pct:apct} below the nearest resistance {level:yen}, {points:pts}",
    ),
    # volume
    "signal.volume_spike_up": (
        "出来高が20日平均の{value:num}倍で{change_pct:spct}の上昇を裏付け（{points:pts}点）",
        "Volume {value:num}× the 20-day average on a {change_pct:spct} day: buying confirmed, {points:pts}",
    ),
    "signal.volume_spike_down": (
        "出来高が20日平均の{value:num}倍を伴う{change_pct:spct}の下落（{points:pts}点）",
        "Volume {value:num}× the 20-day average on a {change_pct:spct} day: selling confirmed, {points:pts}",
    ),
    "signal.low_liquidity": (
        "平均売買代金{value:money}と{threshold:money}未満で流動性が低い（{points:pts}点）",
        "Average turnover {value:money} < {threshold:money}: low liquidity, {points:pts}",
    ),
    # value
    "signal.per_low": (
        "PER {value:num}倍と{threshold:num0}倍未満で割安（{points:pts}点）",
        "PER {value:num}x < {threshold:num0}x: cheap, {points:pts}",
    ),
    "signal.forward_per_low": (
        "予想PER {value:num}倍と{threshold:num0}倍未満で割安（{points:pts}点）",
        "Forward PER {value:num}x < {threshold:num0}x: cheap, {points:pts}",
    ),
    "signal.pbr_low": (
        "PBR {value:num2}倍と{threshold:num0}倍割れ（{points:pts}点）",
        "PBR {value:num2}x < {threshold:num0}x: below book value, {points:pts}",
    ),
    "signal.per_high": (
        "PER {value:num}倍と{threshold:num0}倍超で割高（{points:pts}点）",
        "PER {value:num}x > {threshold:num0}x: expensive, {points:pts}",
    ),
    "signal.forward_per_high": (
        "予想PER {value:num}倍と{threshold:num0}倍超で割高（{points:pts}点）",
        "Forward PER {value:num}x > {threshold:num0}x: expensive, {points:pts}",
    ),
    "signal.pbr_high": (
        "PBR {value:num2}倍と{threshold:num0}倍超で割高（{points:pts}点）",
        "PBR {value:num2}x > {threshold:num0}x: expensive, {points:pts}",
    ),
    # quality
    "signal.roe_high": (
        "ROE {value:pct}と{threshold:pct}以上で資本効率が高い（{points:pts}点）",
        "ROE {value:pct} ≥ {threshold:pct}: efficient use of capital, {points:pts}",
    ),
    "signal.roe_low": (
        "ROE {value:pct}と{threshold:pct}未満で資本効率が低い（{points:pts}点）",
        "ROE {value:pct} < {threshold:pct}: poor use of capital, {points:pts}",
    ),
    "signal.equity_ratio_high": (
        "自己資本比率{value:pct}と財務が健全（{points:pts}点）",
        "Equity ratio {value:pct}: a sound balance sheet, {points:pts}",
    ),
    "signal.equity_ratio_low": (
        "自己資本比率{value:pct}と{threshold:pct}未満で財務の余裕が小さい（{points:pts}点）",
        "Equity ratio {value:pct} < {threshold:pct}: a thin balance sheet, {points:pts}",
    ),
    "signal.operating_margin_high": (
        "営業利益率{value:pct}と高収益（{points:pts}点）",
        "Operating margin {value:pct}: highly profitable, {points:pts}",
    ),
    "signal.operating_margin_low": (
        "営業利益率{value:pct}と{threshold:pct}未満で収益性が低い（{points:pts}点）",
        "Operating margin {value:pct} < {threshold:pct}: weak profitability, {points:pts}",
    ),
    # income
    "signal.dividend_yield_high": (
        "予想配当利回り{value:pct}と{threshold:pct}以上の高配当（{points:pts}点）",
        "Forecast dividend yield {value:pct} ≥ {threshold:pct}, {points:pts}",
    ),
    "signal.dividend_yield_low": (
        "予想配当利回り{value:pct}と{threshold:pct}未満（{points:pts}点）",
        "Forecast dividend yield {value:pct} < {threshold:pct}, {points:pts}",
    ),
    "signal.payout_sustainable": (
        "配当性向{value:pct}と利益に見合った無理のない配当（{points:pts}点）",
        "Payout ratio {value:pct}: a dividend the profits cover, {points:pts}",
    ),
    "signal.payout_unsustainable": (
        "配当性向{value:pct}と{threshold:pct}超で減配リスク（{points:pts}点）",
        "Payout ratio {value:pct} > {threshold:pct}: the dividend may be cut, {points:pts}",
    ),
    # growth
    "signal.sales_growth": (
        "売上高が前年比{value:spct}の増収（{points:pts}点）",
        "Sales {value:spct} year on year, {points:pts}",
    ),
    "signal.eps_growth": (
        "EPSが前年比{value:spct}の増益（{points:pts}点）",
        "EPS {value:spct} year on year, {points:pts}",
    ),
    "signal.sales_decline": (
        "売上高が前年比{value:spct}の減収（{points:pts}点）",
        "Sales {value:spct} year on year, {points:pts}",
    ),
    "signal.eps_decline": (
        "EPSが前年比{value:spct}の減益（{points:pts}点）",
        "EPS {value:spct} year on year, {points:pts}",
    ),
    "signal.missing": (
        "{part:part}：{metrics:metrics}のデータがなく、{points:num}点分を判定できません",
        "{part:part}: no data for {metrics:metrics}; {points:num} points not judged",
    ),
    # levels
    "level.no_close": ("終値がないため価格水準を計算できません", "No close price: no levels can be computed"),
    "level.atr_fallback": (
        "ATRがないため終値の{pct:pct}（{atr:yen}）を1日の値幅の目安に使用",
        "No ATR: {pct:pct} of the close ({atr:yen}) is used as the daily range",
    ),
    "level.entry_support": (
        "エントリーゾーン{low:yen}〜{high:yen}："
        "{sources:sources}（{support:yen}）を下値の目安に、ATR {atr:yen}で幅を設定",
        "Entry zone {low:yen}–{high:yen}: around the {sources:sources} ({support:yen}), "
        "sized by the ATR {atr:yen}",
    ),
    "level.entry_no_support": (
        "終値{close:yen}の下にサポートがないため、ATRからエントリーゾーン{low:yen}〜{high:yen}を設定",
        "No support below the close {close:yen}: entry zone {low:yen}–{high:yen} from the ATR",
    ),
    "level.entry_narrowed": (
        "損切りライン{stop:yen}より上に収まるよう、エントリーゾーンの下限を{low:yen}に引き上げ",
        "Entry zone starts at {low:yen}, above the stop-loss {stop:yen}",
    ),
    "level.target_policy": (
        "目標株価{price:yen}：エントリー中心{base:yen}から方針の{pct:spct}",
        "Target {price:yen}: {pct:spct} from the entry midpoint {base:yen}, per policy",
    ),
    "level.target_default": (
        "目標株価{price:yen}：方針の指定がないため、エントリー中心{base:yen}から標準の{pct:spct}",
        "Target {price:yen}: the default {pct:spct} from the entry midpoint {base:yen} (no policy target)",
    ),
    "level.target_beyond_resistance": (
        "目標{price:yen}の手前に直近レジスタンス{resistance:yen}があります",
        "The nearest resistance {resistance:yen} lies below the target {price:yen}",
    ),
    "level.stop_policy": (
        "損切りライン{price:yen}：エントリー中心{base:yen}から方針どおり{pct:pct}下",
        "Stop-loss {price:yen}: {pct:pct} below the entry midpoint {base:yen}, per policy",
    ),
    "level.stop_atr": (
        "損切りライン{price:yen}：方針の指定がないため、ATR（{atr:yen}）の{multiple:num}倍下（{pct:pct}）",
        "Stop-loss {price:yen}: {multiple:num}× the ATR ({atr:yen}) below the entry midpoint ({pct:pct}); "
        "no policy stop",
    ),
    "level.stop_inside_noise": (
        "損切り幅{distance_pct:pct}が1日の値幅の目安（ATR {atr_pct:pct}）より小さく、"
        "通常の値動きで掛かるおそれ",
        "The stop is {distance_pct:pct} away, inside the normal daily range (ATR {atr_pct:pct}): "
        "noise may trigger it",
    ),
    "level.trailing_stop": (
        "トレーリングストップ{price:yen}：終値{reference:yen}から{pct:pct}下（高値更新に合わせて引き上げ）",
        "Trailing stop {price:yen}: {pct:pct} below the close {reference:yen}; raise it with new highs",
    ),
    # key points
    "kp.entry_zone": (
        "エントリーゾーン {low:yen}〜{high:yen}（{sources:sources}）",
        "Entry zone {low:yen}–{high:yen} ({sources:sources})",
    ),
    "kp.entry_zone_pullback": (
        "エントリーゾーン {low:yen}〜{high:yen}（{sources:sources}）："
        "現在値{close:yen}はゾーンの{above_pct:pct}上、押し目待ち",
        "Entry zone {low:yen}–{high:yen} ({sources:sources}): the close {close:yen} is "
        "{above_pct:pct} above it, wait for a pullback",
    ),
    "kp.entry_zone_atr": (
        "エントリーゾーン {low:yen}〜{high:yen}（近くにサポートがないためATRから算出）",
        "Entry zone {low:yen}–{high:yen} (from the ATR: no support nearby)",
    ),
    "kp.stop_loss_policy": (
        "損切りライン {price:yen}（方針の{pct:spct}）",
        "Stop-loss {price:yen} ({pct:spct} per policy)",
    ),
    "kp.stop_loss_atr": (
        "損切りライン {price:yen}（{pct:spct}、値動き[ATR]から算出）",
        "Stop-loss {price:yen} ({pct:spct}, from the ATR; no policy stop)",
    ),
    "kp.target_policy": (
        "目標株価 {price:yen}（方針の{pct:spct}）",
        "Target {price:yen} ({pct:spct} per policy)",
    ),
    "kp.target_default": (
        "目標株価 {price:yen}（標準の{pct:spct}）",
        "Target {price:yen} ({pct:spct}, default)",
    ),
    "kp.trailing_stop": ("トレーリングストップ {price:yen}", "Trailing stop {price:yen}"),
    "kp.resistance_before_target": (
        "目標{target:yen}の手前にレジスタンス{resistance:yen}：上値が重くなりやすい",
        "Resistance at {resistance:yen} before the target {target:yen}: the rise may stall there",
    ),
    "kp.stop_inside_noise": (
        "損切り幅{distance_pct:pct}は日々の値動き（ATR {atr_pct:pct}）の範囲内：ポジションは小さめに",
        "Stop only {distance_pct:pct} away, inside the daily range (ATR {atr_pct:pct}): "
        "size the position down",
    ),
    "kp.poor_risk_reward": (
        "リスクリワード{value:num2}倍：想定損失が想定利益を上回る",
        "Risk/reward {value:num2}: the possible loss exceeds the possible gain",
    ),
    "kp.rule_failed": (
        "方針の必須条件「{rule}」を満たしていません（{metric:metric} {value:num}、差{distance:num}）",
        "Required policy rule “{rule}” fails ({metric:metric} {value:num}, {distance:num} short)",
    ),
    "kp.rule_unknown": (
        "方針の必須条件「{rule}」は{metric:metric}のデータがなく判定できません",
        "Required policy rule “{rule}” cannot be judged: no {metric:metric} data",
    ),
    "kp.earnings_soon": (
        "決算発表まで約{days:days}日：注意",
        "Earnings due in about {days:days} days: caution",
    ),
    "kp.earnings_upcoming": ("決算発表まで約{days:days}日", "Earnings due in about {days:days} days"),
    "kp.earnings_just_out": (
        "決算発表直後（{days:ago}）：値動きが荒くなりやすい",
        "Earnings just released ({days:ago}): expect volatile trading",
    ),
    "kp.low_liquidity": (
        "平均売買代金{value:money}と少なく売買しにくい：指値で少額に",
        "Low liquidity: average turnover {value:money} a day; use limit orders and keep the size small",
    ),
    "kp.high_volatility": (
        "値動きが大きい（ATRが終値の{value:pct}）：ポジションは小さめに",
        "High volatility (ATR {value:pct} of the close): size the position down",
    ),
    "kp.low_confidence": (
        "データ不足で信頼度{confidence_pct:pct}（{metrics:metrics}など{count:days}項目が欠損）",
        "Confidence only {confidence_pct:pct}: {count:days} inputs missing ({metrics:metrics} …)",
    ),
    "kp.near_52w_high": (
        "52週高値{high:yen}まで{dist_pct:pct}：更新すれば上昇に弾み、跳ね返されやすい水準でもある",
        "{dist_pct:pct} below the 52-week high {high:yen}: a breakout level, or a ceiling",
    ),
    "kp.near_52w_low": (
        "52週安値{low:yen}まで{dist_pct:pct}：割り込むと下値の支えを失う",
        "Only {dist_pct:pct} above the 52-week low {low:yen}: breaking it removes support",
    ),
    "kp.rsi_extreme_high": (
        "RSI(14)が{value:num}と極端な買われ過ぎ：急反落に注意",
        "RSI(14) = {value:num}: extremely overbought, watch for a sharp pullback",
    ),
    "kp.rsi_extreme_low": (
        "RSI(14)が{value:num}と極端な売られ過ぎ：下げ止まりを確かめてから",
        "RSI(14) = {value:num}: extremely oversold; wait for the fall to stop",
    ),
}
TEMPLATES: dict[str, dict[str, str]] = {
    lang: {key: pair[i] for key, pair in _PAIRS.items()} for i, lang in enumerate(LANGUAGES)
}


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


def render(message_key: str, params: Mapping[str, object], lang: str = "ja", *, strict: bool = False) -> str:
    """The message for ``message_key`` in ``lang`` (``ja`` or ``en``).

    A key without a template, or params that do not fit it (an evaluation stored by an older
    version), render as the key and its params instead of failing — unless ``strict``.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
    template = TEMPLATES[lang].get(message_key)
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
    its language, and anything else to ``ja``."""
    fallback = default.split("-")[0].strip().lower() if default else "ja"
    if fallback not in LANGUAGES:
        fallback = "ja"
    if not accept_language_header:
        return fallback
    best: tuple[float, int, str] | None = None
    for position, item in enumerate(accept_language_header.split(",")):
        tag, *options = (part.strip() for part in item.split(";"))
        q = 1.0
        for option in options:
            if option.lower().startswith("q="):
                try:
                    q = float(option[2:])
                except ValueError:
                    q = 0.0
        if not math.isfinite(q) or q <= 0:
            continue
        language = tag.split("-")[0].lower()
        if language == "*":
            language = fallback
        if language not in LANGUAGES:
            continue
        candidate = (-q, position, language)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best else fallback
