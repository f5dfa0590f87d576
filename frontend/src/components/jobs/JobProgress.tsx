import type { ActiveJob } from '@/lib/api/types'
import { useJobsT } from './i18n'
import { useJobText } from './useJobText'

type Progress = Pick<ActiveJob, 'kind' | 'status' | 'progress_done' | 'progress_total' | 'progress_label'>

/**
 * A queued or running job's progress bar with what it is doing. A job with several steps shows
 * how far it is; one that is waiting, starting, or on a single step (the metrics) shows a moving
 * bar instead of a fraction that would mean nothing.
 */
export function JobProgress({ job }: { job: Progress }) {
  const { t } = useJobsT()
  const text = useJobText()
  const { progress_done: done, progress_total: total } = job
  const measured = job.status === 'running' && total > 1
  const pct = measured ? Math.min(100, Math.round((done / total) * 100)) : 0
  const step = job.status === 'queued' ? t('progress.waiting') : (text.step(job.progress_label) ?? t('progress.starting'))
  const said = measured ? `${t('progress.percent', { pct })} · ${step}` : step
  return (
    <div className="progress">
      <div
        className="progress__bar"
        role="progressbar"
        aria-label={t('progress.label', { job: text.kind(job.kind) })}
        aria-valuemin={measured ? 0 : undefined}
        aria-valuemax={measured ? 100 : undefined}
        aria-valuenow={measured ? pct : undefined}
        aria-valuetext={said}
      >
        <span
          className={`progress__fill ${measured ? '' : 'progress__fill--indeterminate'}`}
          style={measured ? { width: `${pct}%` } : undefined}
        />
      </div>
      <span className="progress__text">
        {measured ? <span className="progress__pct">{t('progress.percent', { pct })}</span> : null}
        {step}
      </span>
    </div>
  )
}
