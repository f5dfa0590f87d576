import type { JobStatus } from '@/lib/api/types'
import { useJobsT } from './i18n'

const MARKS: Record<JobStatus, string> = { queued: '…', running: '↻', succeeded: '✓', failed: '✕' }

/** A job's status as a small badge: a mark and a word (never colour alone). */
export function JobStatusBadge({ status }: { status: JobStatus }) {
  const { t } = useJobsT()
  return (
    <span className={`status status--${status}`}>
      <span aria-hidden="true">{MARKS[status]}</span> {t(`status.${status}`)}
    </span>
  )
}
