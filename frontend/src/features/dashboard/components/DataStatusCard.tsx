import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { Card } from '@/components/Card'
import { ErrorMessage } from '@/components/ErrorMessage'
import { Skeleton } from '@/components/Skeleton'
import { healthKey, useHealth } from '@/lib/api/health'
import { queryKeys } from '@/lib/api/keys'
import { useMe } from '@/lib/api/me'
import type { SyncRun } from '@/lib/api/types'
import { useFormat } from '@/lib/format'
import { useStartSync, useSyncRuns } from '../hooks/queries'

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

function Progress({ done, total }: { done: number; total: number }) {
  const { t } = useTranslation()
  // Before the sync knows how many steps it has, the bar is indeterminate.
  const known = total > 0
  const pct = known ? Math.round((done / total) * 100) : 0
  const text = known ? t('dashboard.steps', { done, total }) : t('syncStatus.running')
  return (
    <div className="progress">
      <div
        className="progress__bar"
        role="progressbar"
        aria-label={t('dashboard.lastSync')}
        aria-valuemin={known ? 0 : undefined}
        aria-valuemax={known ? total : undefined}
        aria-valuenow={known ? done : undefined}
        aria-valuetext={text}
      >
        <span className={`progress__fill ${known ? '' : 'progress__fill--indeterminate'}`} style={known ? { width: `${pct}%` } : undefined} />
      </div>
      <span className="progress__text">{text}</span>
    </div>
  )
}

/** Data freshness and sync status (GET /health, GET /sync/runs), polling while a sync runs. */
export function DataStatusCard() {
  const { t } = useTranslation()
  const fmt = useFormat()
  const queryClient = useQueryClient()
  const health = useHealth()
  const lastSync = health.data?.data.last_sync ?? null
  const running = lastSync?.status === 'running'
  const runs = useSyncRuns(running)
  const me = useMe()
  const start = useStartSync()
  const current: SyncRun | undefined = runs.data?.find((run) => run.status === 'running')
  const anyRunning = running || current !== undefined

  // When a sync finishes, the data (and the batch evaluation after it) changed: refresh what shows it.
  const wasRunning = useRef(false)
  useEffect(() => {
    if (wasRunning.current && !anyRunning) {
      void queryClient.invalidateQueries({ queryKey: queryKeys.watchlists.all })
      void queryClient.invalidateQueries({ queryKey: queryKeys.evaluations.all })
      void queryClient.invalidateQueries({ queryKey: healthKey })
    }
    wasRunning.current = anyRunning
  }, [anyRunning, queryClient])

  return (
    <Card
      title={t('dashboard.dataStatus')}
      id="data-status"
      actions={
        me.data?.is_admin ? (
          <button
            type="button"
            className="button button--small"
            onClick={() => start.mutate()}
            disabled={start.isPending || anyRunning}
          >
            {t('dashboard.syncNow')}
          </button>
        ) : null
      }
    >
      {health.isError ? <ErrorMessage error={health.error} compact onRetry={() => void health.refetch()} /> : null}
      {start.isError ? <ErrorMessage error={start.error} compact /> : null}
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
      </dl>
      <div className="progress-slot" aria-live="polite">
        {anyRunning ? (
          <Progress
            done={current?.steps_done ?? lastSync?.steps_done ?? 0}
            total={current?.steps_total ?? lastSync?.steps_total ?? 0}
          />
        ) : null}
      </div>
      {lastSync?.status === 'failed' && lastSync.error ? <p className="field__error">{lastSync.error}</p> : null}
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
