import { useState } from 'react'
import { ErrorMessage } from '@/components/ErrorMessage'
import { useJobText } from '@/components/jobs'
import type { DataSourceState, SourceName, SyncEstimate, SyncJob } from '@/lib/api/dataSource'
import { useFormat } from '@/lib/format'
import { estimateTime } from '../format'
import { useActivate } from '../hooks/queries'
import { useDataT } from '../i18n'
import { ConfirmDialog } from './ConfirmDialog'

type Activated = Exclude<SourceName, 'csv'>

/** Whether starting `source` deletes what is stored: demo and real data never mix. */
export function replacesStored(state: DataSourceState, source: SourceName): 'demo' | 'real' | null {
  if (state.stored_data === 'demo' && source !== 'demo') return 'demo'
  if (state.stored_data === 'real' && source === 'demo') return 'real'
  return null
}

interface StartSyncProps {
  source: Activated
  state: DataSourceState
  label: string
  estimate?: SyncEstimate | null
  disabled?: boolean
  className?: string
  onJob: (job: SyncJob) => void
}

/**
 * The button that makes a source active and queues its sync, after a confirmation that says what
 * happens to the stored data (the switch from demo to real data is this one confirmed action).
 */
export function StartSync({ source, state, label, estimate, disabled = false, className = 'button button--primary', onJob }: StartSyncProps) {
  const { t } = useDataT()
  const fmt = useFormat()
  const text = useJobText()
  const [open, setOpen] = useState(false)
  const activate = useActivate(onJob)
  const sourceName = t(`source.${source}`)
  const replaces = replacesStored(state, source)
  const conflict = text.conflict(activate.error)

  function start() {
    activate.mutate(source, { onSettled: () => setOpen(false) })
  }

  return (
    <div className="data-start">
      <button type="button" className={className} disabled={disabled || activate.isPending} onClick={() => setOpen(true)}>
        {label}
      </button>
      {conflict ? (
        <p className="data-message data-message--conflict" role="status">
          {conflict}
        </p>
      ) : activate.isError ? (
        <ErrorMessage error={activate.error} compact />
      ) : null}
      {open ? (
        <ConfirmDialog
          title={t('confirm.title', { source: sourceName })}
          confirmLabel={activate.isPending ? t('confirm.starting') : t('confirm.start')}
          pending={activate.isPending}
          onConfirm={start}
          onClose={() => setOpen(false)}
        >
          <p className={replaces ? 'data-dialog__warning' : undefined}>
            {replaces === 'demo'
              ? t('confirm.replaceDemo', { source: sourceName })
              : replaces === 'real'
                ? t('confirm.replaceReal')
                : t('confirm.keep', { source: sourceName })}
          </p>
          {estimate ? (
            <p>{t('confirm.estimate', { requests: fmt.number(estimate.requests), time: estimateTime(t, estimate.minutes) })}</p>
          ) : null}
        </ConfirmDialog>
      ) : null}
    </div>
  )
}
