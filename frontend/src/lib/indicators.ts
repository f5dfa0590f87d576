/**
 * Technical indicators for the price chart, computed in the browser from split-adjusted closes.
 *
 * Conventions follow the backend (TA-Lib defaults), so a line on the chart matches the value an
 * evaluation quotes:
 * - SMA: mean of the last n values.
 * - EMA: α = 2 / (n + 1), seeded with the SMA of the first n values.
 * - RSI: Wilder's smoothing (α = 1 / n), seeded with the simple averages of the first n changes.
 * - MACD: EMA(fast) − EMA(slow); signal = EMA(signal) of the MACD line; histogram = MACD − signal.
 *   As in TA-Lib, both EMAs start on the same bar: the fast one is seeded with the SMA of the
 *   `fast` values that end where the slow one's seed ends.
 * - Bollinger: SMA(n) ± k × population standard deviation of the same n values.
 *
 * Every function returns an array as long as its input, `null` where the value is not defined yet
 * (fewer values than the period needs). Inputs must be finite numbers.
 */
export type Series = (number | null)[]

function checkPeriod(name: string, period: number): void {
  if (!Number.isInteger(period) || period < 1) {
    throw new RangeError(`${name}: period must be a positive integer, got ${period}`)
  }
}

/** Simple moving average. */
export function sma(values: readonly number[], period: number): Series {
  checkPeriod('sma', period)
  const out: Series = new Array<number | null>(values.length).fill(null)
  let sum = 0
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!
    if (i >= period) sum -= values[i - period]!
    if (i >= period - 1) out[i] = sum / period
  }
  return out
}

/** Exponential moving average, seeded with the SMA of the first `period` values. */
export function ema(values: readonly number[], period: number): Series {
  checkPeriod('ema', period)
  const out: Series = new Array<number | null>(values.length).fill(null)
  if (values.length < period) return out
  const alpha = 2 / (period + 1)
  let previous = 0
  for (let i = 0; i < period; i++) previous += values[i]!
  previous /= period
  out[period - 1] = previous
  for (let i = period; i < values.length; i++) {
    previous = alpha * values[i]! + (1 - alpha) * previous
    out[i] = previous
  }
  return out
}

/** EMA of a series that starts with nulls (the MACD line): seeded once `period` values exist. */
function emaOfDefined(values: Series, period: number): Series {
  const first = values.findIndex((v) => v !== null)
  const out: Series = new Array<number | null>(values.length).fill(null)
  if (first < 0) return out
  const tail = ema(values.slice(first) as number[], period)
  tail.forEach((v, i) => {
    out[first + i] = v
  })
  return out
}

/** Relative strength index with Wilder's smoothing (0–100). */
export function rsi(values: readonly number[], period = 14): Series {
  checkPeriod('rsi', period)
  const out: Series = new Array<number | null>(values.length).fill(null)
  if (values.length <= period) return out
  let gain = 0
  let loss = 0
  for (let i = 1; i <= period; i++) {
    const change = values[i]! - values[i - 1]!
    if (change > 0) gain += change
    else loss -= change
  }
  gain /= period
  loss /= period
  const value = (): number => (gain + loss === 0 ? 50 : (100 * gain) / (gain + loss))
  out[period] = value()
  for (let i = period + 1; i < values.length; i++) {
    const change = values[i]! - values[i - 1]!
    gain = (gain * (period - 1) + Math.max(change, 0)) / period
    loss = (loss * (period - 1) + Math.max(-change, 0)) / period
    out[i] = value()
  }
  return out
}

export interface Macd {
  macd: Series
  signal: Series
  histogram: Series
}

/** MACD line, signal line and histogram (defaults 12, 26, 9). */
export function macd(values: readonly number[], fast = 12, slow = 26, signalPeriod = 9): Macd {
  checkPeriod('macd fast', fast)
  checkPeriod('macd slow', slow)
  checkPeriod('macd signal', signalPeriod)
  if (fast >= slow) throw new RangeError(`macd: fast (${fast}) must be shorter than slow (${slow})`)
  const offset = slow - fast
  const fastEma: Series = [...new Array<null>(Math.min(offset, values.length)).fill(null), ...ema(values.slice(offset), fast)]
  const slowEma = ema(values, slow)
  const line: Series = values.map((_, i) => {
    const f = fastEma[i]
    const s = slowEma[i]
    return f === null || f === undefined || s === null || s === undefined ? null : f - s
  })
  const signal = emaOfDefined(line, signalPeriod)
  // TA-Lib reports the MACD line only where the signal exists too; we keep the line from its first
  // value (more of it on short charts) — the values are the same where both exist.
  const histogram: Series = line.map((m, i) => {
    const s = signal[i]
    return m === null || s === null || s === undefined ? null : m - s
  })
  return { macd: line, signal, histogram }
}

export interface Bollinger {
  upper: Series
  middle: Series
  lower: Series
}

/** Bollinger bands: SMA(period) ± k population standard deviations (defaults 20, 2). */
export function bollinger(values: readonly number[], period = 20, k = 2): Bollinger {
  checkPeriod('bollinger', period)
  const middle = sma(values, period)
  const upper: Series = new Array<number | null>(values.length).fill(null)
  const lower: Series = new Array<number | null>(values.length).fill(null)
  for (let i = period - 1; i < values.length; i++) {
    const mean = middle[i]!
    let squares = 0
    for (let j = i - period + 1; j <= i; j++) squares += (values[j]! - mean) ** 2
    const sd = Math.sqrt(squares / period)
    upper[i] = mean + k * sd
    lower[i] = mean - k * sd
  }
  return { upper, middle, lower }
}
