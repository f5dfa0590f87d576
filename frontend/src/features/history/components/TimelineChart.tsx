import {
  CrosshairMode,
  LineSeries,
  LineStyle,
  createChart,
  type IChartApi,
  type ISeriesApi,
  type LineData,
  type Time,
  type WhitespaceData,
} from 'lightweight-charts'
import { useEffect, useRef } from 'react'
import { baseChartOptions, chartBase } from '@/lib/chart'
import { formatNumber, localeOf } from '@/lib/format'
import { SCORE_COLORS, type ScorePoint } from '../model/timeline'

interface TimelineChartProps {
  points: ScorePoint[]
  labels: { buy: string; sell: string; match: string }
  lang: string
  ariaLabel: string
  /** the point under the crosshair (null: none, show the latest) */
  onHover: (index: number | null) => void
}

/** Buy, sell and match scores (0–100) as three lines over the data dates. */
export default function TimelineChart({ points, labels, lang, ariaLabel, onHover }: TimelineChartProps) {
  const container = useRef<HTMLDivElement>(null)
  const chartRef = useRef<IChartApi | null>(null)
  const series = useRef<Record<'buy' | 'sell' | 'match', ISeriesApi<'Line'>> | null>(null)
  const hoverRef = useRef(onHover)
  hoverRef.current = onHover
  const indexRef = useRef(new Map<string, number>())

  useEffect(() => {
    const element = container.current
    if (!element) return
    const chart = createChart(element, {
      ...baseChartOptions,
      rightPriceScale: { borderColor: chartBase.border, scaleMargins: { top: 0.08, bottom: 0.06 } },
      timeScale: { borderColor: chartBase.border, rightOffset: 2, fixLeftEdge: true, fixRightEdge: true },
      crosshair: { mode: CrosshairMode.Magnet },
      localization: {
        locale: localeOf(lang),
        priceFormatter: (value: number) => formatNumber(value, lang, 0),
      },
      handleScroll: false,
      handleScale: false,
    })
    const fixedRange = () => ({ priceRange: { minValue: 0, maxValue: 100 } })
    const make = (color: string, title: string, style: LineStyle = LineStyle.Solid) =>
      chart.addSeries(LineSeries, {
        color,
        lineWidth: 2,
        lineStyle: style,
        title,
        priceLineVisible: false,
        lastValueVisible: true,
        pointMarkersVisible: true,
        pointMarkersRadius: 2.5,
        autoscaleInfoProvider: fixedRange,
        priceFormat: { type: 'price', precision: 1, minMove: 0.1 },
      })
    series.current = {
      match: make(SCORE_COLORS.match, labels.match, LineStyle.Dashed),
      sell: make(SCORE_COLORS.sell, labels.sell),
      buy: make(SCORE_COLORS.buy, labels.buy),
    }
    chart.subscribeCrosshairMove((param) => {
      const time = param.time as string | undefined
      hoverRef.current(time ? (indexRef.current.get(time) ?? null) : null)
    })
    chartRef.current = chart
    return () => {
      chart.remove()
      chartRef.current = null
      series.current = null
    }
    // The chart is made once; data, labels and language are applied below.
  }, [])

  useEffect(() => {
    const chart = chartRef.current
    if (!chart || !series.current) return
    chart.applyOptions({ localization: { locale: localeOf(lang), priceFormatter: (value: number) => formatNumber(value, lang, 0) } })
    series.current.buy.applyOptions({ title: labels.buy })
    series.current.sell.applyOptions({ title: labels.sell })
    series.current.match.applyOptions({ title: labels.match })
  }, [lang, labels.buy, labels.sell, labels.match])

  useEffect(() => {
    const chart = chartRef.current
    if (!chart || !series.current) return
    indexRef.current = new Map(points.map((p, i) => [p.time, i]))
    const line = (value: (p: ScorePoint) => number | null): (LineData<Time> | WhitespaceData<Time>)[] =>
      points.map((p) => {
        const v = value(p)
        return v === null ? { time: p.time } : { time: p.time, value: v }
      })
    series.current.buy.setData(line((p) => p.buy))
    series.current.sell.setData(line((p) => p.sell))
    series.current.match.setData(line((p) => p.match))
    chart.timeScale().fitContent()
  }, [points])

  return <div ref={container} className="his-chart__canvas" role="img" aria-label={ariaLabel} />
}
