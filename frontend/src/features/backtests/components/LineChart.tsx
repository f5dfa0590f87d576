import { AreaSeries, LineSeries, createChart, type IChartApi, type ISeriesApi, type Time } from 'lightweight-charts'
import { useEffect, useRef } from 'react'
import { baseChartOptions, chartBase } from '@/lib/chart'
import { localeOf } from '@/lib/format'

export interface ChartSeries {
  label: string
  color: string
  points: { time: string; value: number }[]
  /** filled down to zero (the drawdown) instead of a line */
  area?: boolean
}

interface LineChartProps {
  series: ChartSeries[]
  lang: string
  /** the price axis' labels */
  format: (value: number) => string
}

/**
 * Lines over dates with lightweight-charts (the stock chart's library): the equity curves, the
 * drawdown. Loaded on first use; the caller gives the figure its accessible name and text.
 */
export default function LineChart({ series, lang, format }: LineChartProps) {
  const container = useRef<HTMLDivElement>(null)
  const chartRef = useRef<IChartApi | null>(null)
  const formatRef = useRef(format)
  formatRef.current = format

  useEffect(() => {
    const element = container.current
    if (!element) return
    const chart = createChart(element, {
      ...baseChartOptions,
      rightPriceScale: { borderColor: chartBase.border },
      timeScale: { borderColor: chartBase.border, fixLeftEdge: true, fixRightEdge: true },
      localization: { locale: localeOf(lang), priceFormatter: (value: number) => formatRef.current(value) },
      handleScroll: false,
      handleScale: false,
    })
    chartRef.current = chart
    return () => {
      chart.remove()
      chartRef.current = null
    }
  }, [lang])

  useEffect(() => {
    const chart = chartRef.current
    if (!chart) return
    const made: ISeriesApi<'Line' | 'Area'>[] = series.map((s) => {
      const options = { title: s.label, priceLineVisible: false, lastValueVisible: true }
      const line = s.area
        ? chart.addSeries(AreaSeries, { ...options, lineColor: s.color, topColor: `${s.color}10`, bottomColor: `${s.color}55`, lineWidth: 2, invertFilledArea: true })
        : chart.addSeries(LineSeries, { ...options, color: s.color, lineWidth: 2 })
      line.setData(s.points.map((p) => ({ time: p.time as Time, value: p.value })))
      return line
    })
    chart.timeScale().fitContent()
    return () => {
      // The chart itself may have gone first (a language change makes a new one).
      if (chartRef.current === chart) for (const line of made) chart.removeSeries(line)
    }
  }, [series, lang])

  return <div ref={container} className="bt-chart__canvas" />
}
