import {
  CandlestickSeries,
  CrosshairMode,
  HistogramSeries,
  LineSeries,
  LineStyle,
  createChart,
  createTextWatermark,
  type AutoscaleInfo,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ITextWatermarkPluginApi,
  type LineData,
  type Time,
  type WhitespaceData,
} from 'lightweight-charts'
import { useEffect, useRef, useState } from 'react'
import type { LevelsRead } from '@/lib/api/types'
import { baseChartOptions } from '@/lib/chart'
import { formatNumber, localeOf } from '@/lib/format'
import type { Series } from '@/lib/indicators'
import { SMA_PERIODS, type IndicatorSeries, type SmaPeriod } from '../../hooks/useIndicatorSeries'
import { BandPrimitive } from './BandPrimitive'
import { chartTheme as theme } from './theme'

export interface Overlays {
  sma: Record<SmaPeriod, boolean>
  bollinger: boolean
}

export interface ChartLabels {
  entry: string
  target: string
  stop: string
  trailing: string
  rsi: string
  macd: string
}

interface PriceChartProps {
  data: IndicatorSeries
  overlays: Overlays
  /** first date to show ('YYYY-MM-DD'); null shows everything */
  visibleFrom: string | null
  levels: LevelsRead | null
  labels: ChartLabels
  lang: string
  ariaLabel: string
  /** index of the bar under the crosshair (null: none) */
  onHover: (index: number | null) => void
}

interface Handles {
  chart: IChartApi
  candles: ISeriesApi<'Candlestick'>
  volume: ISeriesApi<'Histogram'>
  sma: Record<SmaPeriod, ISeriesApi<'Line'>>
  bb: { upper: ISeriesApi<'Line'>; middle: ISeriesApi<'Line'>; lower: ISeriesApi<'Line'> }
  rsi: ISeriesApi<'Line'>
  macd: ISeriesApi<'Line'>
  signal: ISeriesApi<'Line'>
  histogram: ISeriesApi<'Histogram'>
  band: BandPrimitive
  priceLines: IPriceLine[]
  watermarks: { rsi: ITextWatermarkPluginApi<Time> | null; macd: ITextWatermarkPluginApi<Time> | null }
  /** prices the main scale must include (the evaluation's levels) */
  levelRange: { min: number; max: number } | null
}

function line(times: readonly string[], values: Series): (LineData<Time> | WhitespaceData<Time>)[] {
  return times.map((time, i) => {
    const value = values[i]
    return value === null || value === undefined ? { time } : { time, value }
  })
}

const hidden = { lastValueVisible: false, priceLineVisible: false, crosshairMarkerVisible: false } as const

/**
 * Candlesticks + volume with SMA / Bollinger overlays, an RSI(14) pane and a MACD(12,26,9) pane,
 * and the evaluation's entry zone (shaded band), target and stop-loss as price lines.
 */
export function PriceChart({ data, overlays, visibleFrom, levels, labels, lang, ariaLabel, onHover }: PriceChartProps) {
  const container = useRef<HTMLDivElement>(null)
  const handles = useRef<Handles | null>(null)
  const hoverRef = useRef(onHover)
  hoverRef.current = onHover
  const timesRef = useRef(new Map<string, number>())
  const [ready, setReady] = useState(false)

  // Create the chart once.
  useEffect(() => {
    const element = container.current
    if (!element) return
    const chart = createChart(element, {
      ...baseChartOptions,
      layout: {
        ...baseChartOptions.layout,
        panes: { separatorColor: theme.border, separatorHoverColor: theme.border, enableResize: false },
      },
      rightPriceScale: { borderColor: theme.border, minimumWidth: 72 },
      timeScale: { borderColor: theme.border, rightOffset: 4, minBarSpacing: 0.5 },
      crosshair: { mode: CrosshairMode.Normal },
    })
    const levelHandles = { current: null as Handles | null }
    const candles = chart.addSeries(CandlestickSeries, {
      upColor: theme.up,
      downColor: theme.down,
      borderUpColor: theme.up,
      borderDownColor: theme.down,
      wickUpColor: theme.up,
      wickDownColor: theme.down,
      priceLineVisible: false,
      priceFormat: { type: 'price', precision: 1, minMove: 0.1 },
      autoscaleInfoProvider: (original: () => AutoscaleInfo | null) => {
        const info = original()
        const range = levelHandles.current?.levelRange
        if (!info || !info.priceRange || !range) return info
        return {
          ...info,
          priceRange: {
            minValue: Math.min(info.priceRange.minValue, range.min),
            maxValue: Math.max(info.priceRange.maxValue, range.max),
          },
        }
      },
    })
    candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.22 } })
    const volume = chart.addSeries(HistogramSeries, { ...hidden, priceScaleId: 'volume', priceFormat: { type: 'volume' } })
    volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 }, visible: false })
    const smaSeries = Object.fromEntries(
      SMA_PERIODS.map((n) => [n, chart.addSeries(LineSeries, { ...hidden, color: theme.sma[n], lineWidth: 1 })]),
    ) as Record<SmaPeriod, ISeriesApi<'Line'>>
    const bbOptions = { ...hidden, color: theme.bollinger, lineWidth: 1 as const }
    const bb = {
      upper: chart.addSeries(LineSeries, { ...bbOptions, lineStyle: LineStyle.Dashed }),
      middle: chart.addSeries(LineSeries, { ...bbOptions, lineStyle: LineStyle.Dotted }),
      lower: chart.addSeries(LineSeries, { ...bbOptions, lineStyle: LineStyle.Dashed }),
    }
    const rsi = chart.addSeries(
      LineSeries,
      { color: theme.rsi, lineWidth: 1, priceLineVisible: false, priceFormat: { type: 'price', precision: 1, minMove: 0.1 } },
      1,
    )
    for (const level of [70, 30]) {
      rsi.createPriceLine({ price: level, color: theme.bollinger, lineStyle: LineStyle.Dashed, lineWidth: 1, axisLabelVisible: true, title: '' })
    }
    rsi.priceScale().applyOptions({ scaleMargins: { top: 0.1, bottom: 0.1 } })
    const histogram = chart.addSeries(HistogramSeries, { ...hidden, priceFormat: { type: 'price', precision: 2, minMove: 0.01 } }, 2)
    const macdSeries = chart.addSeries(
      LineSeries,
      { color: theme.macd, lineWidth: 1, priceLineVisible: false, priceFormat: { type: 'price', precision: 2, minMove: 0.01 } },
      2,
    )
    const signal = chart.addSeries(
      LineSeries,
      { color: theme.signal, lineWidth: 1, priceLineVisible: false, lastValueVisible: false, priceFormat: { type: 'price', precision: 2, minMove: 0.01 } },
      2,
    )
    const panes = chart.panes()
    panes[0]?.setStretchFactor(3.8)
    panes[1]?.setStretchFactor(1)
    panes[2]?.setStretchFactor(1.1)
    const watermark = (index: number) => {
      const pane = panes[index]
      return pane
        ? createTextWatermark(pane, {
            horzAlign: 'left',
            vertAlign: 'top',
            lines: [{ text: '', color: theme.text, fontSize: 11, fontFamily: theme.fontFamily }],
          })
        : null
    }
    const watermarks = { rsi: watermark(1), macd: watermark(2) }
    const band = new BandPrimitive()
    candles.attachPrimitive(band)

    chart.subscribeCrosshairMove((param) => {
      const time = typeof param.time === 'string' ? param.time : null
      hoverRef.current(time === null ? null : (timesRef.current.get(time) ?? null))
    })

    const created: Handles = {
      chart,
      candles,
      volume,
      sma: smaSeries,
      bb,
      rsi,
      macd: macdSeries,
      signal,
      histogram,
      band,
      priceLines: [],
      watermarks,
      levelRange: null,
    }
    levelHandles.current = created
    handles.current = created
    setReady(true)
    return () => {
      handles.current = null
      chart.remove()
    }
  }, [])

  // Locale of the time axis and crosshair labels.
  useEffect(() => {
    handles.current?.chart.applyOptions({
      localization: {
        locale: localeOf(lang),
        dateFormat: lang.startsWith('en') ? 'MMM dd, yyyy' : 'yyyy/MM/dd',
        priceFormatter: (price: number) => formatNumber(price, lang, Math.abs(price) < 100 ? 2 : 1).replace(/\.0+$/, ''),
      },
    })
  }, [lang, ready])

  // Pane titles.
  useEffect(() => {
    const h = handles.current
    if (!h) return
    const text = (value: string) => ({ lines: [{ text: value, color: theme.text, fontSize: 11, fontFamily: theme.fontFamily }] })
    h.watermarks.rsi?.applyOptions(text(labels.rsi))
    h.watermarks.macd?.applyOptions(text(labels.macd))
  }, [labels, ready])

  // Data.
  useEffect(() => {
    const h = handles.current
    if (!h) return
    const times = data.bars.map((bar) => bar.time)
    timesRef.current = new Map(times.map((time, i) => [time, i]))
    h.candles.setData(data.bars.map(({ time, open, high, low, close }) => ({ time, open, high, low, close })))
    h.volume.setData(
      data.bars.map((bar, i) => ({
        time: bar.time,
        value: bar.volume,
        color: i > 0 && bar.close < data.bars[i - 1]!.close ? theme.downVolume : theme.upVolume,
      })),
    )
    for (const n of SMA_PERIODS) h.sma[n].setData(line(times, data.sma[n]))
    h.bb.upper.setData(line(times, data.bollinger.upper))
    h.bb.middle.setData(line(times, data.bollinger.middle))
    h.bb.lower.setData(line(times, data.bollinger.lower))
    h.rsi.setData(line(times, data.rsi))
    h.macd.setData(line(times, data.macd.macd))
    h.signal.setData(line(times, data.macd.signal))
    h.histogram.setData(
      times.map((time, i) => {
        const value = data.macd.histogram[i]
        return value === null || value === undefined
          ? { time }
          : { time, value, color: value >= 0 ? theme.upVolume : theme.downVolume }
      }),
    )
  }, [data, ready])

  // Visible window.
  useEffect(() => {
    const h = handles.current
    if (!h || data.bars.length === 0) return
    const first = data.bars[0]!.time
    const last = data.bars[data.bars.length - 1]!.time
    if (visibleFrom && visibleFrom > first) {
      h.chart.timeScale().setVisibleRange({ from: visibleFrom, to: last })
    } else {
      h.chart.timeScale().fitContent()
    }
  }, [data, visibleFrom, ready])

  // Overlays on/off.
  useEffect(() => {
    const h = handles.current
    if (!h) return
    for (const n of SMA_PERIODS) h.sma[n].applyOptions({ visible: overlays.sma[n] })
    for (const s of [h.bb.upper, h.bb.middle, h.bb.lower]) s.applyOptions({ visible: overlays.bollinger })
  }, [overlays, ready])

  // The evaluation's levels.
  useEffect(() => {
    const h = handles.current
    if (!h) return
    for (const priceLine of h.priceLines) h.candles.removePriceLine(priceLine)
    h.priceLines = []
    const prices: number[] = []
    const add = (price: number | null | undefined, color: string, title: string, style: LineStyle) => {
      if (price === null || price === undefined) return
      prices.push(price)
      h.priceLines.push(
        h.candles.createPriceLine({ price, color, title, lineStyle: style, lineWidth: 2, axisLabelVisible: true }),
      )
    }
    if (levels) {
      const { entry_low: low, entry_high: high } = levels
      if (low !== null && high !== null) {
        h.band.setBand({ low, high, color: theme.entryFill })
        add(high, theme.entry, labels.entry, LineStyle.Solid)
        if (low !== high) add(low, theme.entry, '', LineStyle.Solid)
      } else {
        h.band.setBand(null)
      }
      add(levels.target_price, theme.target, labels.target, LineStyle.Dashed)
      add(levels.stop_loss_price, theme.stop, labels.stop, LineStyle.Dashed)
      add(levels.trailing_stop_price, theme.stop, labels.trailing, LineStyle.Dotted)
    } else {
      h.band.setBand(null)
    }
    h.levelRange = prices.length ? { min: Math.min(...prices), max: Math.max(...prices) } : null
    h.candles.priceScale().applyOptions({ autoScale: true })
  }, [levels, labels, ready])

  return <div ref={container} className="price-chart__canvas" role="img" aria-label={ariaLabel} />
}
