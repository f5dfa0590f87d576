"""The message templates, key → (ja, en). Formatting rules after the colon are documented in
``evaluations.messages``; every key has both languages with the same fields (tested)."""

from __future__ import annotations

from kabu_trade.analysis.signals import LOSS_MESSAGES

LANGUAGES = ("ja", "en")

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
    # kp.rule_failed / kp.rule_unknown: evaluations stored before kp.policy_* (metric label, no raw rule)
    "kp.rule_failed": (
        "方針の必須条件（{metric:metric}）を満たしていません（値{value:num}、差{distance:num}）",
        "A required policy rule on {metric:metric} fails ({metric:metric} {value:num}, {distance:num} short)",
    ),
    "kp.rule_unknown": (
        "方針の必須条件（{metric:metric}）は{metric:metric}のデータがなく判定できません",
        "A required policy rule cannot be judged: no {metric:metric} data",
    ),
    "kp.policy_not_qualified": (
        "方針「{policy}」に不適合：必須条件{required_failed:days}件・その他の条件{others_failed:days}件が不合格"
        "（適合度{match:num}）",
        "Does not fit “{policy}”: failed {required_failed:days} required, {others_failed:days} other "
        "(match {match:num})",
    ),
    "kp.policy_qualified": (
        "方針「{policy}」の必須条件を満たす：その他の条件{others_failed:days}件が不合格（適合度{match:num}）",
        "Fits “{policy}”: every required rule holds; failed {others_failed:days} other (match {match:num})",
    ),
    "kp.policy_all_pass": (
        "方針「{policy}」の条件をすべて満たす（適合度{match:num}）",
        "Every rule of “{policy}” holds (match {match:num})",
    ),
    "kp.policy_required_failed": ("必須条件：{rule:verdict}", "Required: {rule:verdict}"),
    "kp.policy_rule_failed": (
        "条件（重み{weight}）：{rule:verdict}",
        "Rule (weight {weight}): {rule:verdict}",
    ),
    "kp.policy_rule_unknown": ("{rule:verdict}", "{rule:verdict}"),
    "kp.close_above_mas": (
        "終値{value:yen}が{mas:sources}をすべて上回る（最大{max_dist_pct:apct}上、計{points:pts}点）",
        "Close {value:yen} is above the {mas:sources} (up to {max_dist_pct:apct}), {points:pts} in all",
    ),
    "kp.close_below_mas": (
        "終値{value:yen}が{mas:sources}をすべて下回る（最大{max_dist_pct:apct}下、計{points:pts}点）",
        "Close {value:yen} is below the {mas:sources} (up to {max_dist_pct:apct}), {points:pts} in all",
    ),
    "kp.earnings_date_near": (
        "決算発表予定日（推定）{date:date}（あと{sessions:num0}営業日）：発表前後は値動きが荒くなりやすい",
        "Earnings expected on {date:date} (estimate), {sessions:num0} sessions away: expect volatile trading",
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
# A loss judged as a negative (EPS ≤ 0): its words live beside the signals that raise it.
_PAIRS |= LOSS_MESSAGES
TEMPLATES: dict[str, dict[str, str]] = {
    lang: {key: pair[i] for key, pair in _PAIRS.items()} for i, lang in enumerate(LANGUAGES)
}
# A signal's points at the end of its message, left out where the points have a column of their own
# (the signal lists), so that a contribution is shown once. Every signal template ends with it (tested).
POINTS_SUFFIX: dict[str, str] = {"ja": "（{points:pts}点）", "en": ", {points:pts}"}
WITHOUT_POINTS: dict[str, dict[str, str]] = {
    lang: {
        key: template.removesuffix(POINTS_SUFFIX[lang])
        for key, template in templates.items()
        if key.startswith("signal.") and template.endswith(POINTS_SUFFIX[lang])
    }
    for lang, templates in TEMPLATES.items()
}
