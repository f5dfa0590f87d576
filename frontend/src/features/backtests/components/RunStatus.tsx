import { JobProgress } from '@/components/jobs'
import { useBacktestsT } from '../i18n'
import type { BacktestRead } from '../model/types'

/** A run without a result: its job's progress bar while it waits or runs, or why it failed. */
export function RunStatus({ backtest }: { backtest: BacktestRead }) {
  const { t } = useBacktestsT()
  const job = backtest.job
  if (backtest.status === 'failed') {
    return (
      <div className="notice notice--error bt-failed" role="alert">
        <strong>{t('run.failed')}</strong>
        {job?.error ? <p>{job.error}</p> : null}
      </div>
    )
  }
  return (
    <div className="bt-progress" role="status" aria-live="polite">
      <p>{backtest.status === 'queued' ? t('run.queued') : t('run.running')}</p>
      {job ? (
        <JobProgress
          job={{
            kind: 'backtest',
            status: job.status,
            progress_done: job.progress_done,
            progress_total: job.progress_total,
            progress_label: job.progress_label,
          }}
        />
      ) : null}
    </div>
  )
}
