import { useEffect, useState } from 'react'
import { Card } from '@/components/Card'
import { ErrorMessage } from '@/components/ErrorMessage'
import { Skeleton } from '@/components/Skeleton'
import type { DataSourceState, SyncJob } from '@/lib/api/dataSource'
import { isActive, useJob } from '@/lib/api/jobs'
import { useMe } from '@/lib/api/me'
import { usePageTitle } from '@/lib/usePageTitle'
import { useActiveSync, useDataSource } from '../hooks/queries'
import { useDataT } from '../i18n'
import { CsvPanel } from './CsvPanel'
import { JQuantsPanel } from './JQuantsPanel'
import { StateCard } from './StateCard'
import { SyncProgress } from './SyncProgress'
import { YfinancePanel } from './YfinancePanel'
import '../data.css'

type Choice = 'jquants' | 'csv' | 'yfinance'
const CHOICES: Choice[] = ['jquants', 'csv', 'yfinance']

/** The source to show first: the active one when it is real, else J-Quants. */
function firstChoice(state: DataSourceState): Choice {
  return (CHOICES as string[]).includes(state.active_source) ? (state.active_source as Choice) : 'jquants'
}

function SourcePicker({ value, onChange }: { value: Choice; onChange: (choice: Choice) => void }) {
  const { t } = useDataT()
  return (
    <fieldset className="data-picker">
      <legend className="data-picker__legend">{t('picker.label')}</legend>
      {CHOICES.map((choice) => (
        <label key={choice} className={`data-picker__option ${value === choice ? 'data-picker__option--on' : ''}`}>
          <input
            type="radio"
            name="data-source"
            value={choice}
            checked={value === choice}
            aria-labelledby={`data-picker-${choice}-name`}
            aria-describedby={`data-picker-${choice}`}
            onChange={() => onChange(choice)}
          />
          <span className="data-picker__name" id={`data-picker-${choice}-name`}>{t(`picker.${choice}`)}</span>
          <span className="data-picker__note" id={`data-picker-${choice}`}>
            {t(`picker.${choice}Note`)}
          </span>
        </label>
      ))}
    </fieldset>
  )
}

function Sources({ state, busy, onJob }: { state: DataSourceState; busy: boolean; onJob: (job: SyncJob) => void }) {
  const [choice, setChoice] = useState<Choice>(() => firstChoice(state))
  return (
    <Card className="data-sources">
      <SourcePicker value={choice} onChange={setChoice} />
      {choice === 'jquants' ? (
        <JQuantsPanel state={state} busy={busy} onJob={onJob} />
      ) : choice === 'csv' ? (
        <CsvPanel state={state} busy={busy} onJob={onJob} />
      ) : (
        <YfinancePanel state={state} busy={busy} onJob={onJob} />
      )}
    </Card>
  )
}

/**
 * /data (administrators): what the database holds, and where the data comes from — J-Quants with
 * its key and plan, CSV files, or yfinance codes — each with what it costs before it starts; then
 * the sync's live progress, found again after a reload (GET /jobs?active=true&kind=sync).
 */
export function DataPage() {
  const { t } = useDataT()
  usePageTitle(t('title'))
  const me = useMe()
  const admin = me.data?.is_admin === true
  const state = useDataSource(admin)
  const active = useActiveSync(admin)
  const [started, setStarted] = useState<number | null>(null)
  // The sync found running when the page opened stays followed once it has finished (the active
  // list, read again then, no longer has it): its outcome stays on the page.
  const [found, setFound] = useState<number | null>(null)
  const activeId = active.data?.id ?? null
  useEffect(() => {
    if (activeId !== null) setFound(activeId)
  }, [activeId])
  const followed = started ?? activeId ?? found
  const job = useJob(followed)
  const busy = job.data !== undefined && isActive(job.data.status)

  if (me.isSuccess && !admin) {
    return (
      <div className="page data-page">
        <h1 className="page__title">{t('title')}</h1>
        <p className="notice">{t('adminOnly')}</p>
      </div>
    )
  }

  return (
    <div className="page data-page">
      <h1 className="page__title">{t('title')}</h1>
      <p className="muted data-lead">{t('lead')}</p>
      {me.isError ? <ErrorMessage error={me.error} onRetry={() => void me.refetch()} /> : null}
      {state.isError ? (
        <ErrorMessage error={state.error} onRetry={() => void state.refetch()} />
      ) : !state.data ? (
        <div aria-busy="true" className="data-skeleton">
          <Skeleton height={120} />
          <Skeleton height={320} />
        </div>
      ) : (
        <div className="data-grid">
          <StateCard state={state.data} busy={busy} onJob={(started) => setStarted(started.id)} />
          {followed !== null ? <SyncProgress jobId={followed} /> : null}
          <Sources state={state.data} busy={busy} onJob={(started) => setStarted(started.id)} />
        </div>
      )}
    </div>
  )
}
