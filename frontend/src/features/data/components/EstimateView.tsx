import { useId } from 'react'
import { ErrorMessage } from '@/components/ErrorMessage'
import { Skeleton } from '@/components/Skeleton'
import type { SyncEstimate } from '@/lib/api/dataSource'
import { useFormat } from '@/lib/format'
import { delayText, estimateTime, historyText } from '../format'
import { useDataT } from '../i18n'

interface EstimateViewProps {
  estimate: SyncEstimate | undefined
  pending: boolean
  error: unknown
  onRetry: () => void
}

/** What the first sync will cost, shown before it starts: requests, time, history and delay. */
export function EstimateView({ estimate, pending, error, onRetry }: EstimateViewProps) {
  const { t } = useDataT()
  const fmt = useFormat()
  const id = useId()
  return (
    <section className="data-estimate" aria-labelledby={`${id}-title`} aria-busy={pending || undefined}>
      <h3 className="subheading" id={`${id}-title`}>
        {t('estimate.title')}
      </h3>
      <p className="muted data-lead">{t('estimate.lead')}</p>
      {pending ? (
        <Skeleton height={72} />
      ) : error ? (
        <ErrorMessage error={error} onRetry={onRetry} compact />
      ) : estimate ? (
        <>
          <dl className="data-facts">
            <div>
              <dt>{t('estimate.requests')}</dt>
              <dd>{t('estimate.requestsValue', { count: fmt.number(estimate.requests) })}</dd>
            </div>
            <div>
              <dt>{t('estimate.time')}</dt>
              <dd>{estimateTime(t, estimate.minutes)}</dd>
            </div>
            <div>
              <dt>{t('estimate.rate')}</dt>
              <dd>
                {estimate.requests_per_minute === null
                  ? t('estimate.noRate')
                  : t('estimate.rateValue', { count: fmt.number(estimate.requests_per_minute) })}
              </dd>
            </div>
            <div>
              <dt>{t('estimate.period')}</dt>
              <dd>
                {estimate.from_date && estimate.to_date
                  ? t('estimate.periodValue', {
                      from: fmt.date(estimate.from_date),
                      to: fmt.date(estimate.to_date),
                      sessions: fmt.number(estimate.sessions),
                    })
                  : t('estimate.noRate')}
              </dd>
            </div>
            <div>
              <dt>{t('estimate.history')}</dt>
              <dd>{historyText(t, estimate.history_years)}</dd>
            </div>
            <div>
              <dt>{t('estimate.delay')}</dt>
              <dd>{delayText(t, estimate.delay_weeks)}</dd>
            </div>
          </dl>
          {estimate.notes.length ? (
            <div className="data-notes">
              <h4 className="data-notes__title">{t('estimate.notes')}</h4>
              <ul>
                {estimate.notes.map((note) => (
                  <li key={note}>{note}</li>
                ))}
              </ul>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  )
}
