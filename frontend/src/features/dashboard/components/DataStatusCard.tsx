import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Card } from '@/components/Card'
import { ErrorMessage } from '@/components/ErrorMessage'
import { JobProgress, JobStatusBadge, useJobsT, useJobText } from '@/components/jobs'
import { Skeleton } from '@/components/Skeleton'
import { activeJobs, useHealth } from '@/lib/api/health'
import { isActive, isJobConflict, refreshAfterJob, startSync, useJob, useQueueJob } from '@/lib/api/jobs'
import { useMe } from '@/lib/api/me'
import type { JobRead } from '@/lib/api/types'
import { useFormat } from '@/lib/format'
import { useSyncRuns } from '../hooks/queries'

function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation()
  const known = ['running', 'succeeded', 'failed'].includes(status) ? status : 'unknown'
  const mark = { running: '↻', succeeded: '✓', failed: '✕', unknown: '?' }[known]
  return (
    <span className={`status status--${known}`}>
      <span aria-hidden="true">{mark}</span> {t(`syncStatus.${known as 'running' | 'succeeded' | 'failed' | 'unknown'}`)}
    </span>
  )
}

/** The job the card follows: its status (announced as it changes), progress, and outcome. */
function JobLine({ job }: { job: JobRead }) {
  const { t } = useJobsT()
  const text = useJobText()
  const fmt = useFormat()
  const outcome = job.status === 'failed' ? job.error : text.result(job)
  return (
    <div className="job-line" data-job={job.id}>
      <p className="sync-line" role="status">
        <JobStatusBadge status={job.status} />
        <span className="job-line__name">
          {text.kind(job.kind)} <span className="muted">#{job.id}</span>
        </span>
        {job.params.first_load ? <span className="chip chip--demo">{t('firstLoad')}</span> : null}
        <span className="muted">{fmt.dateTime(job.finished_at ?? job.started_at ?? job.created_at)}</span>
        {outcome ? (
          <span className={job.status === 'failed' ? 'job-line__error' : 'job-line__result'}>{outcome}</span>
        ) : null}
      </p>
      {isActive(job.status) ? <JobProgress job={job} /> : null}
    </div>
  )
}

/**
 * Data freshness, the job in progress (GET /health, GET /jobs/{id}) and the sync history
 * (GET /sync/runs). Administrators queue a sync (POST /sync); the card follows that job — or the
 * one /health reports, such as the first demo load — every 2 s until it has finished, then keeps
 * its outcome on show.
 */
export function DataStatusCard() {
  const { t } = useTranslation()
  const text = useJobText()
  const fmt = useFormat()
  const queryClient = useQueryClient()
  const health = useHealth()
  const me = useMe()
  const start = useQueueJob<void>(startSync)
  const lastSync = health.data?.data.last_sync ?? null
  const inProgress = activeJobs(health.data)

  // The job started here, else the latest one /health reports in progress (a sync first).
  const [followed, setFollowed] = useState<number | null>(null)
  const reported = (inProgress.find((job) => job.kind === 'sync') ?? inProgress[0])?.id ?? null
  const [lastReported, setLastReported] = useState<number | null>(null)
  if (reported !== lastReported) {
    setLastReported(reported)
    if (reported !== null) setFollowed(reported)
  }
  const job = useJob(followed)

  // Once the followed job finishes, the data it changed is read again (once per job, even if the
  // layout's watcher noticed it too); a job already finished when the card opened changed nothing new.
  const seenActive = useRef(new Set<number>())
  useEffect(() => {
    if (!job.data) return
    if (isActive(job.data.status)) seenActive.current.add(job.data.id)
    else if (seenActive.current.has(job.data.id)) refreshAfterJob(queryClient, job.data.id)
  }, [job.data, queryClient])

  const syncBusy =
    (job.data?.kind === 'sync' && isActive(job.data.status)) ||
    inProgress.some((active) => active.kind === 'sync') ||
    (lastSync?.status === 'running' && !lastSync.stale)
  const runs = useSyncRuns(syncBusy)
  const conflict = text.conflict(start.error)

  function syncNow() {
    start.mutate(undefined, {
      onSuccess: (queued) => setFollowed(queued.id),
      // Someone (or the schedule) was first: follow their sync instead.
      onError: (error) => {
        if (isJobConflict(error) && error.active) setFollowed(error.active.id)
      },
    })
  }

  return (
    <Card
      title={t('dashboard.dataStatus')}
      id="data-status"
      actions={
        me.data?.is_admin ? (
          <button type="button" className="button button--small" onClick={syncNow} disabled={start.isPending || syncBusy}>
            {t('dashboard.syncNow')}
          </button>
        ) : null
      }
    >
      {health.isError ? <ErrorMessage error={health.error} compact onRetry={() => void health.refetch()} /> : null}
      {conflict ? (
        <p className="notice job-notice" role="status">
          {conflict}
        </p>
      ) : start.isError ? (
        <ErrorMessage error={start.error} compact />
      ) : null}
      <dl className="facts">
        <div className="facts__item">
          <dt>{t('dashboard.latestBar')}</dt>
          <dd className="facts__value">
            {health.isPending ? <Skeleton height={22} width={120} /> : fmt.date(health.data?.data.latest_bar_date)}
          </dd>
        </div>
        <div className="facts__item">
          <dt>{t('dashboard.source')}</dt>
          <dd className="facts__value">
            {health.isPending ? <Skeleton height={22} width={80} /> : (health.data?.data.sources ?? []).join(', ') || '—'}
          </dd>
        </div>
        <div className="facts__item facts__item--wide">
          <dt>{t('dashboard.lastSync')}</dt>
          <dd className="facts__value">
            {health.isPending ? (
              <Skeleton height={22} width={200} />
            ) : lastSync ? (
              <span className="sync-line">
                <StatusBadge status={lastSync.status} />
                <span className="muted">{fmt.dateTime(lastSync.finished_at ?? lastSync.started_at)}</span>
              </span>
            ) : (
              t('dashboard.noSyncYet')
            )}
          </dd>
        </div>
        {job.data ? (
          <div className="facts__item facts__item--wide">
            <dt>{t('dashboard.job')}</dt>
            <dd className="facts__value">
              <JobLine job={job.data} />
            </dd>
          </div>
        ) : null}
      </dl>
      {job.isError ? <ErrorMessage error={job.error} compact onRetry={() => void job.refetch()} /> : null}
      {lastSync?.status === 'failed' && lastSync.error && job.data?.status !== 'failed' ? (
        <p className="field__error">{lastSync.error}</p>
      ) : null}
      <h3 className="subheading">{t('dashboard.syncRuns')}</h3>
      {runs.isPending ? (
        <div style={{ minHeight: 120 }}>
          <Skeleton height={24} />
        </div>
      ) : runs.isError ? (
        <ErrorMessage error={runs.error} compact onRetry={() => void runs.refetch()} />
      ) : runs.data.length === 0 ? (
        <p className="muted">{t('dashboard.noSyncYet')}</p>
      ) : (
        <ul className="sync-runs">
          {runs.data.map((run) => (
            <li key={run.id} className="sync-runs__item">
              <StatusBadge status={run.status} />
              <span className="sync-runs__time">{fmt.dateTime(run.started_at)}</span>
              <span className="sync-runs__detail muted">
                {run.status === 'running'
                  ? t('dashboard.steps', { done: run.steps_done, total: run.steps_total })
                  : t('dashboard.barsWritten', { bars: fmt.number(run.bars_written) })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  )
}
