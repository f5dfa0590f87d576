import { Card } from '@/components/Card'
import type { DataSourceState, SyncJob } from '@/lib/api/dataSource'
import { useFormat } from '@/lib/format'
import { useDataT } from '../i18n'
import { StartSync } from './StartSync'

const KNOWN_SOURCES = ['demo', 'jquants', 'csv', 'yfinance']

/** What the database holds now (demo, real or nothing; source, stocks, period) and the active source. */
export function StateCard({ state, busy, onJob }: { state: DataSourceState; busy: boolean; onJob: (job: SyncJob) => void }) {
  const { t } = useDataT()
  const fmt = useFormat()
  const stored = state.stored_source
  const storedName = stored && KNOWN_SOURCES.includes(stored) ? t(`source.${stored as 'demo'}`) : (stored ?? t('state.none'))
  const chip = { demo: 'chip chip--demo', real: 'chip chip--ok', empty: 'chip chip--muted' }[state.stored_data]
  return (
    <Card title={t('state.title')} id="data-state">
      <dl className="data-facts data-facts--wide">
        <div>
          <dt>{t('state.stored')}</dt>
          <dd>
            <span className={chip}>{t(`state.kind.${state.stored_data}`)}</span>
          </dd>
        </div>
        <div>
          <dt>{t('state.storedSource')}</dt>
          <dd>{storedName}</dd>
        </div>
        <div>
          <dt>{t('state.stocks')}</dt>
          <dd>{t('state.stocksValue', { count: fmt.number(state.stocks) })}</dd>
        </div>
        <div>
          <dt>{t('state.period')}</dt>
          <dd>
            {state.first_date && state.last_date
              ? t('state.periodValue', { from: fmt.date(state.first_date), to: fmt.date(state.last_date) })
              : t('state.none')}
          </dd>
        </div>
        <div>
          <dt>{t('state.active')}</dt>
          <dd>{t(`source.${state.active_source}`)}</dd>
        </div>
      </dl>
      {state.stored_data === 'real' ? (
        <StartSync source="demo" state={state} label={t('state.backToDemo')} className="button button--small" disabled={busy} onJob={onJob} />
      ) : null}
    </Card>
  )
}
