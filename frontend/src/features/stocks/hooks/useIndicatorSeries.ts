import { useMemo } from 'react'
import type { Interval, PriceBar } from '@/lib/api/types'
import { bollinger, macd, rsi, sma, type Bollinger, type Macd, type Series } from '@/lib/indicators'

/** A bar with every price present (the API allows nulls; a chart cannot draw them). */
export interface Bar {
  time: string
  open: number
  high: number
  low: number
  close: number
  volume: number
}

/** The four moving-average slots of the chart, named by their daily window. */
export const SMA_PERIODS = [5, 25, 75, 200] as const
export type SmaPeriod = (typeof SMA_PERIODS)[number]

/**
 * The window of each slot, in bars of the interval: a 25-day average means nothing on weekly
 * candles, so weekly and monthly charts draw the averages Japanese charts use there (13/26/52
 * weeks, 12/24/60 months), computed over the candles; a slot without a window is not offered.
 */
export const SMA_WINDOWS: Record<Interval, Partial<Record<SmaPeriod, number>>> = {
  '1d': { 5: 5, 25: 25, 75: 75, 200: 200 },
  '1w': { 5: 13, 25: 26, 75: 52 },
  '1mo': { 5: 12, 25: 24, 75: 60 },
}

export interface IndicatorSeries {
  bars: Bar[]
  sma: Record<SmaPeriod, Series>
  bollinger: Bollinger
  rsi: Series
  macd: Macd
}

export function completeBars(items: readonly PriceBar[]): Bar[] {
  const bars: Bar[] = []
  for (const item of items) {
    if (item.open === null || item.high === null || item.low === null || item.close === null) continue
    bars.push({
      time: item.date,
      open: item.open,
      high: item.high,
      low: item.low,
      close: item.close,
      volume: item.volume ?? 0,
    })
  }
  return bars
}

/**
 * Every indicator the chart draws, computed once per set of bars — over the candles of the
 * interval: RSI(14), MACD(12,26,9) and Bollinger(20, 2) count bars, so on weekly candles they are
 * the weekly indicators a chartist expects.
 */
export function useIndicatorSeries(items: readonly PriceBar[] | undefined, interval: Interval = '1d'): IndicatorSeries | null {
  return useMemo(() => {
    if (!items) return null
    const bars = completeBars(items)
    const closes = bars.map((bar) => bar.close)
    const windows = SMA_WINDOWS[interval]
    const average = (slot: SmaPeriod): Series => {
      const window = windows[slot]
      return window ? sma(closes, window) : closes.map(() => null)
    }
    return {
      bars,
      sma: { 5: average(5), 25: average(25), 75: average(75), 200: average(200) },
      bollinger: bollinger(closes, 20, 2),
      rsi: rsi(closes, 14),
      macd: macd(closes, 12, 26, 9),
    }
  }, [items, interval])
}
