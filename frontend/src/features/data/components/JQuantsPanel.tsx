import { useId, useState, type FormEvent } from 'react'
import { ErrorMessage } from '@/components/ErrorMessage'
import type { DataSourceState, JQuantsPlan, SyncJob } from '@/lib/api/dataSource'
import { isApiError } from '@/lib/api/errors'
import { useFormat } from '@/lib/format'
import { planName } from '../format'
import { useCheckKey, useEstimate, useForgetKey, useSaveJQuants } from '../hooks/queries'
import { useDataT } from '../i18n'
import { EstimateView } from './EstimateView'
import { PlansTable } from './PlansTable'
import { StartSync } from './StartSync'

/** A refusal of the key itself belongs under the key field; anything else is said above the buttons. */
function keyError(error: unknown): string | null {
  return isApiError(error) ? error.messageFor('api_key') : null
}

/**
 * J-Quants: the key (a password field, never filled in: the server never returns it), the plan
 * with the table of plans, "check key", save, the estimate of the first sync, and start.
 */
export function JQuantsPanel({ state, busy, onJob }: { state: DataSourceState; busy: boolean; onJob: (job: SyncJob) => void }) {
  const { t } = useDataT()
  const fmt = useFormat()
  const ids = useId()
  const jquants = state.jquants
  const [apiKey, setApiKey] = useState('')
  const [plan, setPlan] = useState<JQuantsPlan>(jquants.plan)
  const [missingKey, setMissingKey] = useState(false)
  const check = useCheckKey()
  const save = useSaveJQuants()
  const forget = useForgetKey()
  const estimate = useEstimate('jquants', true, plan)
  const locked = jquants.from_environment

  const lastError = save.error ?? check.error
  const fieldError = missingKey ? t('jquants.keyRequired') : keyError(lastError)
  const otherError = lastError && !keyError(lastError) ? lastError : null

  function reset() {
    setMissingKey(false)
    check.reset()
    save.reset()
  }

  function onCheck() {
    reset()
    if (!apiKey.trim()) return setMissingKey(true)
    check.mutate({ apiKey: apiKey.trim(), plan })
  }

  function onSave(event: FormEvent) {
    event.preventDefault()
    reset()
    const key = apiKey.trim() || null
    if (!key && !jquants.configured) return setMissingKey(true)
    // The key is not kept in the page once it is stored: it is never shown again.
    save.mutate({ apiKey: key, plan }, { onSuccess: () => setApiKey('') })
  }

  return (
    <section className="data-panel" aria-labelledby={`${ids}-title`}>
      <h2 className="card__title" id={`${ids}-title`}>
        {t('jquants.title')}
      </h2>
      <p className="data-configured" role="status">
        {jquants.configured ? (
          <>
            <span className="chip chip--ok">{t('jquants.configured')}</span>{' '}
            {t('jquants.configuredDetail', {
              plan: planName(t, jquants.plan),
              checkedAt: jquants.checked_at ? fmt.dateTime(jquants.checked_at) : t('jquants.neverChecked'),
            })}
          </>
        ) : (
          <span className="chip chip--muted">{t('jquants.notConfigured')}</span>
        )}
      </p>
      {locked ? <p className="notice">{t('jquants.fromEnvironment')}</p> : null}

      <form className="form data-form" onSubmit={onSave} noValidate>
        <div className="field">
          <label className="field__label" htmlFor={`${ids}-plan`}>
            {t('jquants.plan')}
          </label>
          <select
            id={`${ids}-plan`}
            className="input select"
            value={plan}
            onChange={(event) => setPlan(event.target.value as JQuantsPlan)}
          >
            {state.plans.map((item) => (
              <option key={item.plan} value={item.plan}>
                {planName(t, item.plan)}
              </option>
            ))}
          </select>
        </div>
        <PlansTable plans={state.plans} selected={plan} />

        {locked ? null : (
          <div className={`field ${fieldError ? 'field--invalid' : ''}`}>
            <label className="field__label" htmlFor={`${ids}-key`}>
              {t('jquants.key')}
            </label>
            <input
              id={`${ids}-key`}
              name="api_key"
              type="password"
              className="input"
              autoComplete="off"
              spellCheck={false}
              value={apiKey}
              placeholder={jquants.configured ? t('jquants.keyPlaceholderConfigured') : undefined}
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={`${ids}-key-hint${fieldError ? ` ${ids}-key-error` : ''}`}
              onChange={(event) => {
                setApiKey(event.target.value)
                setMissingKey(false)
              }}
            />
            <p className="field__hint" id={`${ids}-key-hint`}>
              {jquants.configured ? t('jquants.keyHintConfigured') : t('jquants.keyHint')}
            </p>
            {fieldError ? (
              <p className="field__error" id={`${ids}-key-error`}>
                {fieldError}
              </p>
            ) : null}
          </div>
        )}

        {otherError ? <ErrorMessage error={otherError} compact /> : null}
        <p className="data-message data-message--ok" role="status">
          {check.isSuccess ? t('jquants.checked', { count: fmt.number(check.data.listed_stocks) }) : save.isSuccess ? t('jquants.saved') : ''}
        </p>
        <div className="data-actions">
          {locked ? null : (
            <button type="button" className="button" disabled={check.isPending} onClick={onCheck}>
              {check.isPending ? t('jquants.checking') : t('jquants.check')}
            </button>
          )}
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            {save.isPending ? t('jquants.saving') : t('jquants.save')}
          </button>
          {jquants.configured && !locked ? (
            <button type="button" className="button button--link" disabled={forget.isPending} onClick={() => forget.mutate()}>
              {forget.isPending ? t('jquants.forgetting') : t('jquants.forget')}
            </button>
          ) : null}
        </div>
        {forget.isError ? <ErrorMessage error={forget.error} compact /> : null}
      </form>

      <EstimateView
        estimate={estimate.data}
        pending={estimate.isPending}
        error={estimate.isError ? estimate.error : null}
        onRetry={() => void estimate.refetch()}
      />
      {jquants.configured && plan !== jquants.plan ? <p className="field__hint">{t('jquants.planUnsaved')}</p> : null}
      {jquants.configured ? (
        <StartSync
          source="jquants"
          state={state}
          label={t('jquants.start')}
          estimate={estimate.data ?? null}
          disabled={busy || !estimate.isSuccess || plan !== jquants.plan}
          onJob={onJob}
        />
      ) : (
        <p className="muted data-lead">{t('estimate.needsSetup')}</p>
      )}
    </section>
  )
}
