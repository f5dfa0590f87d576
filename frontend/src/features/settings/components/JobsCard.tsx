import { Card } from '@/components/Card'
import { ErrorMessage } from '@/components/ErrorMessage'
import { JobProgress, JobStatusBadge, useJobsT, useJobText } from '@/components/jobs'
import { Skeleton } from '@/components/Skeleton'
import { isActive, queueJob, useJobs, useQueueJob } from '@/lib/api/jobs'
import type { JobKind, JobRead } from '@/lib/api/types'
import { useFormat } from '@/lib/format'
import { useSettingsT } from '../i18n'

const RECENT_JOBS = 10
const KNOWN_SOURCES = ['demo', 'jquants', 'yfinance', 'csv'] as const

/** The progress of a job in progress, else what it did (or why it failed). */
function ProgressCell({ job }: { job: JobRead }) {
  const text = useJobText()
  if (isActive(job.status)) return <JobProgress job={job} />
  if (job.status === 'failed') return <span className="set-job-error">{job.error}</span>
  return <span className="muted">{text.result(job) ?? '—'}</span>
}

function JobRow({ job }: { job: JobRead }) {
  const { t } = useSettingsT()
  const { t: jobsT } = useJobsT()
  const text = useJobText()
  const fmt = useFormat()
  const source = typeof job.params.source === 'string' ? job.params.source : null
  const sourceName = source && (KNOWN_SOURCES as readonly string[]).includes(source) ? t(`data.sourceName.${source as 'demo'}`) : source
  // A job still running has taken until now so far (the list is read again every 2 s meanwhile).
  const until = job.finished_at ?? (job.status === 'running' ? new Date().toISOString() : null)
  return (
    <tr data-job={job.id}>
      <td className="set-job-id" data-label={t('jobs.id')}>
        #{job.id}
      </td>
      <td className="set-job-kind" data-label={t('jobs.kind')}>
        <span className="set-job-kind__name">{text.kind(job.kind)}</span>
        {job.params.first_load ? <span className="chip chip--demo">{jobsT('firstLoad')}</span> : null}
        {sourceName ? <span className="set-job-note">{t('jobs.source', { source: sourceName })}</span> : null}
      </td>
      <td data-label={t('jobs.status')}>
        <JobStatusBadge status={job.status} />
      </td>
      <td className="set-job-progress" data-label={t('jobs.progress')}>
        <ProgressCell job={job} />
      </td>
      <td data-label={t('jobs.created')}>
        {fmt.dateTime(job.created_at)}
        {job.requested_by === null ? <span className="set-job-note">{t('jobs.bySystem')}</span> : null}
      </td>
      <td data-label={t('jobs.started')}>{fmt.dateTime(job.started_at)}</td>
      <td data-label={t('jobs.duration')}>{text.duration(job.started_at, until) ?? '—'}</td>
      <td className="set-job-worker" data-label={t('jobs.worker')}>
        {job.worker ?? '—'}
      </td>
    </tr>
  )
}

/**
 * Administrators: recent jobs (GET /jobs, read every 2 s while one is queued or running) and
 * buttons that queue a sync or a metrics refresh (POST /jobs). A 409 names the job in the way.
 */
export function JobsCard() {
  const { t } = useSettingsT()
  const text = useJobText()
  const jobs = useJobs({ limit: RECENT_JOBS })
  const queue = useQueueJob<JobKind>(queueJob)
  const conflict = text.conflict(queue.error)
  const pendingKind = queue.isPending ? queue.variables : null

  function button(kind: JobKind, label: string) {
    return (
      <button type="button" className="button" disabled={queue.isPending} onClick={() => queue.mutate(kind)}>
        {pendingKind === kind ? t('jobs.queueing') : label}
      </button>
    )
  }

  return (
    <Card title={t('jobs.title')} id="set-jobs" className="set-jobs">
      <p className="muted set-lead">{t('jobs.lead')}</p>
      <div className="set-actions">
        {button('sync', t('jobs.queueSync'))}
        {button('refresh', t('jobs.queueRefresh'))}
      </div>
      <div className={`set-job-message ${conflict ? 'set-job-message--conflict' : ''}`} role="status">
        {queue.isSuccess ? t('jobs.queued', { job: text.kind(queue.data.kind), id: queue.data.id }) : conflict}
      </div>
      {queue.isError && !conflict ? <ErrorMessage error={queue.error} compact /> : null}
      <h3 className="subheading">{t('jobs.recent')}</h3>
      {jobs.isPending ? (
        <div aria-busy="true" className="set-skeleton">
          <Skeleton height={160} />
        </div>
      ) : jobs.isError ? (
        <ErrorMessage error={jobs.error} onRetry={() => void jobs.refetch()} compact />
      ) : jobs.data.length === 0 ? (
        <p className="muted">{t('jobs.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table table--compact table--cards set-jobs-table">
            <thead>
              <tr>
                <th scope="col">{t('jobs.id')}</th>
                <th scope="col">{t('jobs.kind')}</th>
                <th scope="col">{t('jobs.status')}</th>
                <th scope="col">{t('jobs.progress')}</th>
                <th scope="col">{t('jobs.created')}</th>
                <th scope="col">{t('jobs.started')}</th>
                <th scope="col">{t('jobs.duration')}</th>
                <th scope="col">{t('jobs.worker')}</th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.map((job) => (
                <JobRow key={job.id} job={job} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  )
}
