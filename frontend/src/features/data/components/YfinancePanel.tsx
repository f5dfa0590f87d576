import { useQuery } from '@tanstack/react-query'
import { useId, useState, type FormEvent } from 'react'
import { ErrorMessage } from '@/components/ErrorMessage'
import type { DataSourceState, SyncJob } from '@/lib/api/dataSource'
import { isApiError } from '@/lib/api/errors'
import { useFormat } from '@/lib/format'
import { useDebouncedValue } from '@/lib/useDebouncedValue'
import { suggestStocks } from '../api/dataSource'
import { parseCodes } from '../format'
import { useEstimate, useSaveYfinance } from '../hooks/queries'
import { useDataT } from '../i18n'
import { EstimateView } from './EstimateView'
import { StartSync } from './StartSync'

/** Names from the stored (real) stock list that match what is typed; a click adds the code. */
function StockSuggestions({ onPick, chosen }: { onPick: (code: string) => void; chosen: string[] }) {
  const { t } = useDataT()
  const ids = useId()
  const [q, setQ] = useState('')
  const term = useDebouncedValue(q.trim(), 250)
  const hits = useQuery({
    queryKey: ['data-source', 'suggest', term],
    queryFn: ({ signal }) => suggestStocks(term, signal),
    enabled: term.length > 0,
  })
  return (
    <div className="field data-suggest">
      <label className="field__label" htmlFor={`${ids}-q`}>
        {t('yfinance.search')}
      </label>
      <input
        id={`${ids}-q`}
        type="search"
        className="input"
        value={q}
        autoComplete="off"
        aria-describedby={`${ids}-q-hint`}
        onChange={(event) => setQ(event.target.value)}
      />
      <p className="field__hint" id={`${ids}-q-hint`}>
        {t('yfinance.searchHint')}
      </p>
      {term && hits.data?.items.length ? (
        <ul className="data-suggest__list">
          {hits.data.items.map((stock) => (
            <li key={stock.code}>
              <button
                type="button"
                className="button button--small"
                disabled={chosen.includes(stock.code)}
                onClick={() => onPick(stock.code)}
              >
                {t('yfinance.add', { code: stock.code, name: stock.name })}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

/**
 * yfinance: the codes to fetch (typed, or picked from the listed names once a real stock list is
 * stored), its caveats in plain sight, save, the estimate, and start.
 */
export function YfinancePanel({ state, busy, onJob }: { state: DataSourceState; busy: boolean; onJob: (job: SyncJob) => void }) {
  const { t } = useDataT()
  const fmt = useFormat()
  const ids = useId()
  const saved = state.yfinance.codes
  const [text, setText] = useState(saved.join(', '))
  const [empty, setEmpty] = useState(false)
  const save = useSaveYfinance()
  const estimate = useEstimate('yfinance', saved.length > 0)
  const codes = parseCodes(text)
  const dirty = codes.join(',') !== saved.join(',')
  const codesError = empty ? t('yfinance.codesRequired') : isApiError(save.error) ? save.error.messageFor('codes') : null
  const otherError = save.isError && !codesError ? save.error : null

  function onSubmit(event: FormEvent) {
    event.preventDefault()
    save.reset()
    if (!codes.length) return setEmpty(true)
    save.mutate(codes, { onSuccess: (state) => setText(state.yfinance.codes.join(', ')) })
  }

  function pick(code: string) {
    if (codes.includes(code)) return
    setText([...codes, code].join(', '))
    setEmpty(false)
  }

  return (
    <section className="data-panel" aria-labelledby={`${ids}-title`}>
      <h2 className="card__title" id={`${ids}-title`}>
        {t('yfinance.title')}
      </h2>
      <div className="data-caveats" role="note" aria-labelledby={`${ids}-caveats`}>
        <p className="data-caveats__title" id={`${ids}-caveats`}>
          <span aria-hidden="true">⚠ </span>
          {t('yfinance.caveatTitle')}
        </p>
        <ul>
          <li>{t('yfinance.caveats.unofficial')}</li>
          <li>{t('yfinance.caveats.mayBreak')}</li>
          <li>{t('yfinance.caveats.personal')}</li>
        </ul>
      </div>

      <form className="form data-form" onSubmit={onSubmit} noValidate>
        <div className={`field ${codesError ? 'field--invalid' : ''}`}>
          <label className="field__label" htmlFor={`${ids}-codes`}>
            {t('yfinance.codes')}
          </label>
          <textarea
            id={`${ids}-codes`}
            name="codes"
            className="input data-codes"
            rows={3}
            value={text}
            spellCheck={false}
            aria-invalid={codesError ? true : undefined}
            aria-describedby={`${ids}-codes-hint${codesError ? ` ${ids}-codes-error` : ''}`}
            onChange={(event) => {
              setText(event.target.value)
              setEmpty(false)
            }}
          />
          <p className="field__hint" id={`${ids}-codes-hint`}>
            {t('yfinance.codesHint')} · {t('yfinance.count', { count: fmt.number(codes.length) })}
          </p>
          {codesError ? (
            <p className="field__error" id={`${ids}-codes-error`}>
              {codesError}
            </p>
          ) : null}
        </div>
        {state.stored_data === 'real' && state.stocks > 0 ? <StockSuggestions chosen={codes} onPick={pick} /> : null}
        {otherError ? <ErrorMessage error={otherError} compact /> : null}
        <p className="data-message data-message--ok" role="status">
          {save.isSuccess && !dirty ? t('yfinance.saved') : ''}
        </p>
        <div className="data-actions">
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            {save.isPending ? t('yfinance.saving') : t('yfinance.save')}
          </button>
        </div>
      </form>

      {saved.length ? (
        <>
          <EstimateView
            estimate={estimate.data}
            pending={estimate.isPending}
            error={estimate.isError ? estimate.error : null}
            onRetry={() => void estimate.refetch()}
          />
          <StartSync
            source="yfinance"
            state={state}
            label={t('yfinance.start')}
            estimate={estimate.data ?? null}
            disabled={busy || dirty || !estimate.isSuccess}
            onJob={onJob}
          />
        </>
      ) : (
        <p className="muted data-lead">{t('estimate.needsCodes')}</p>
      )}
    </section>
  )
}
