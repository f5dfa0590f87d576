import { lazy, Suspense, useMemo, useState } from 'react'
import { Card } from '@/components/Card'
import { ErrorMessage } from '@/components/ErrorMessage'
import { RecommendationBadge } from '@/components/RecommendationBadge'
import { Skeleton } from '@/components/Skeleton'
import { useFormat } from '@/lib/format'
import type { TimelinePoint } from '../api/history'
import { useTimeline } from '../hooks/queries'
import { useHistoryT } from '../i18n'
import { SCORE_COLORS, type ScorePoint } from '../model/timeline'

// The chart library is loaded only when a timeline is shown.
const TimelineChart = lazy(() => import('./TimelineChart'))

const CHART_HEIGHT = 280

/** The last evaluation of each data date, oldest first (the chart needs one point per day). */
function perDay(points: TimelinePoint[]): TimelinePoint[] {
  const byDate = new Map<string, TimelinePoint>()
  for (const point of points) {
    const seen = byDate.get(point.as_of)
    if (!seen || seen.created_at <= point.created_at) byDate.set(point.as_of, point)
  }
  return [...byDate.values()].sort((a, b) => a.as_of.localeCompare(b.as_of))
}

interface TimelineCardProps {
  code: string
  name: string | null
  policyId: number | null
}

/** A stock's buy, sell and match scores over its evaluations (lightweight-charts), with a table for screen readers. */
export function TimelineCard({ code, name, policyId }: TimelineCardProps) {
  const { t, i18n } = useHistoryT()
  const fmt = useFormat()
  const timeline = useTimeline(code, policyId)
  const [hover, setHover] = useState<number | null>(null)
  const days = useMemo(() => perDay(timeline.data?.points ?? []), [timeline.data])
  const points: ScorePoint[] = useMemo(
    () => days.map((p) => ({ time: p.as_of, buy: p.buy_score, sell: p.sell_score, match: p.match_score })),
    [days],
  )
  const labels = useMemo(() => ({ buy: t('timeline.buy'), sell: t('timeline.sell'), match: t('timeline.match') }), [t])
  const mixed = new Set((timeline.data?.points ?? []).map((p) => p.policy_id)).size > 1
  const shown = hover !== null ? days[hover] : days[days.length - 1]
  const title = name ? t('timeline.titleNamed', { code, name }) : t('timeline.title', { code })

  return (
    <Card title={title} id="his-timeline" className="his-timeline">
      {timeline.isPending ? (
        <div aria-busy="true">
          <Skeleton height={22} width={320} />
          <div style={{ height: 10 }} />
          <Skeleton height={CHART_HEIGHT} />
        </div>
      ) : timeline.isError ? (
        <ErrorMessage error={timeline.error} onRetry={() => void timeline.refetch()} compact />
      ) : days.length === 0 ? (
        <p className="muted">{t('timeline.none')}</p>
      ) : (
        <>
          <div className="his-legend" aria-hidden="true">
            <span className="his-legend__date">{shown ? fmt.date(shown.as_of) : ''}</span>
            {(['buy', 'sell', 'match'] as const).map((key) => (
              <span key={key} className={`his-legend__item his-legend__item--${key}`}>
                <span className="his-legend__swatch" style={{ background: SCORE_COLORS[key] }} />
                {labels[key]}
                <b>{fmt.number(shown ? (key === 'buy' ? shown.buy_score : key === 'sell' ? shown.sell_score : shown.match_score) : null, 1)}</b>
              </span>
            ))}
            {shown ? <RecommendationBadge value={shown.recommendation} /> : null}
          </div>
          <div className="his-chart" style={{ height: CHART_HEIGHT }}>
            <Suspense fallback={<Skeleton height={CHART_HEIGHT} />}>
              <TimelineChart
                points={points}
                labels={labels}
                lang={i18n.language}
                onHover={setHover}
                ariaLabel={t('timeline.chartLabel', {
                  code,
                  from: fmt.date(days[0]!.as_of),
                  to: fmt.date(days[days.length - 1]!.as_of),
                  n: days.length,
                })}
              />
            </Suspense>
          </div>
          {days.length === 1 ? <p className="footnote">{t('timeline.one')}</p> : null}
          {mixed ? <p className="footnote his-timeline__mixed">{t('timeline.mixed')}</p> : null}
          <details className="his-timeline__table">
            <summary>{t('timeline.table')}</summary>
            <div className="table-wrap">
              <table className="table table--compact">
                <thead>
                  <tr>
                    <th scope="col">{t('timeline.date')}</th>
                    <th scope="col" className="num">
                      {t('timeline.buy')}
                    </th>
                    <th scope="col" className="num">
                      {t('timeline.sell')}
                    </th>
                    <th scope="col" className="num">
                      {t('timeline.match')}
                    </th>
                    <th scope="col">{t('col.recommendation')}</th>
                  </tr>
                </thead>
                <tbody>
                  {[...days].reverse().map((point) => (
                    <tr key={point.as_of}>
                      <th scope="row">{fmt.date(point.as_of)}</th>
                      <td className="num">{fmt.number(point.buy_score, 1)}</td>
                      <td className="num">{fmt.number(point.sell_score, 1)}</td>
                      <td className="num">{fmt.number(point.match_score, 1)}</td>
                      <td>
                        <RecommendationBadge value={point.recommendation} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </Card>
  )
}
