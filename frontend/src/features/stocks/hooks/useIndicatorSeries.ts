import { useMemo } from 'react'
import type { PriceBar } from '@/lib/api/types'
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

export const SMA_PERIODS = [5, 25, 75, 200] as const
export type SmaPeriod = (typeof SMA_PERIODS)[number]

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

/** Every indicator the chart draws, computed once per set of bars. */
export function useIndicatorSeries(items: readonly PriceBar[] | undefined): IndicatorSeries | null {
  return useMemo(() => {
    if (!items) return null
    const bars = completeBars(items)
    const closes = bars.map((bar) => bar.close)
    return {
      bars,
      sma: { 5: sma(closes, 5), 25: sma(closes, 25), 75: sma(closes, 75), 200: sma(closes, 200) },
      bollinger: bollinger(closes, 20, 2),
      rsi: rsi(closes, 14),
      macd: macd(closes, 12, 26, 9),
    }
  }, [items])
}
