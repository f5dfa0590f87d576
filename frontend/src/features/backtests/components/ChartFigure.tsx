import { lazy, Suspense } from 'react'
import { Skeleton } from '@/components/Skeleton'
import type { ChartSeries } from './LineChart'

const LineChart = lazy(() => import('./LineChart'))

interface ChartFigureProps {
  title: string
  /** what the chart shows, in words (its accessible name) */
  summary: string
  series: ChartSeries[]
  lang: string
  format: (value: number) => string
  small?: boolean
}

/** A titled chart with its legend; the chart is an image whose name says what it shows. */
export function ChartFigure({ title, summary, series, lang, format, small = false }: ChartFigureProps) {
  return (
    <figure className={`bt-chart ${small ? 'bt-chart--small' : ''}`}>
      <figcaption className="bt-chart__head">
        <span className="bt-chart__title">{title}</span>
        <span className="bt-chart__legend" aria-hidden="true">
          {series.map((s) => (
            <span key={s.label} className="bt-chart__key">
              <span className="bt-chart__swatch" style={{ background: s.color }} />
              {s.label}
            </span>
          ))}
        </span>
      </figcaption>
      <div className="bt-chart__body" role="img" aria-label={summary}>
        <Suspense fallback={<Skeleton height={small ? 160 : 280} />}>
          <LineChart series={series} lang={lang} format={format} />
        </Suspense>
      </div>
    </figure>
  )
}
