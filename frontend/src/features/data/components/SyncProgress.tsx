import { useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { Card } from '@/components/Card'
import { ErrorMessage } from '@/components/ErrorMessage'
import { JobProgress, JobStatusBadge, useJobText } from '@/components/jobs'
import type { SyncJob } from '@/lib/api/dataSource'
import { isActive, refreshAfterJob, useJob } from '@/lib/api/jobs'
import { useFormat } from '@/lib/format'
import { etaText } from '../format'
import { useDataT } from '../i18n'

/**
 * The sync the page follows (started here, or found running when the page opened): its phase,
 * how far it is, the time left, and which attempt it is (a sync whose worker died resumes). Read
 * again every 2 s until it has finished; then everything built on the data is read again.
 */
export function SyncProgress({ jobId }: { jobId: number }) {
  const { t } = useDataT()
  const text = useJobText()
  const fmt = useFormat()
  const queryClient = useQueryClient()
  const query = useJob(jobId)
  const job = query.data as SyncJob | undefined
  const finished = job !== undefined && !isActive(job.status)

  /** The time left; once every counted step is done the steps after them (disclosures, metrics) are not counted. */
  function etaOf(running: SyncJob): string {
    if (running.progress_total > 0 && running.progress_done >= running.progress_total) return t('job.etaFinishing')
    if (running.eta_seconds === null || running.eta_seconds === undefined) return t('job.etaUnknown')
    return etaText(t, running.eta_seconds)
  }

  useEffect(() => {
    if (finished) refreshAfterJob(queryClient, jobId)
  }, [finished, queryClient, jobId])

  return (
    <Card title={t('job.title')} id="data-job" className="data-job">
      {query.isError ? (
        <ErrorMessage error={query.error} onRetry={() => void query.refetch()} compact />
      ) : !job ? null : (
        <div data-job={job.id}>
          <p className="data-job__head">
            <span className="data-job__kind">
              {text.kind(job.kind)} #{job.id}
            </span>
            <JobStatusBadge status={job.status} />
          </p>
          {isActive(job.status) ? (
            <>
              <JobProgress job={job} />
              <dl className="data-facts">
                <div>
                  <dt>{t('job.phase')}</dt>
                  <dd>{text.step(job.progress_label) ?? '—'}</dd>
                </div>
                <div>
                  <dt>{t('job.done')}</dt>
                  <dd>
                    {job.progress_total > 0
                      ? t('job.doneValue', { done: fmt.number(job.progress_done), total: fmt.number(job.progress_total) })
                      : '—'}
                  </dd>
                </div>
                <div>
                  <dt>{t('job.eta')}</dt>
                  <dd>{etaOf(job)}</dd>
                </div>
              </dl>
              {(job.attempt ?? 1) > 1 ? <p className="data-job__attempt">{t('job.attempt', { count: job.attempt })}</p> : null}
              <p className="muted data-lead">{t('job.reloadSafe')}</p>
            </>
          ) : job.status === 'succeeded' ? (
            <p className="data-message data-message--ok" role="status">
              {t('job.succeeded')} {text.result(job)}
            </p>
          ) : (
            <p className="data-message data-message--error" role="alert">
              {t('job.failed', { error: job.error ?? '' })}
            </p>
          )}
        </div>
      )}
    </Card>
  )
}
