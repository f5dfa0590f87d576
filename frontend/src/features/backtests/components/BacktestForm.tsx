import { type FormEvent, useEffect, useState } from 'react'
import { Link } from 'react-router'
import { ErrorMessage } from '@/components/ErrorMessage'
import { Field } from '@/components/Field'
import { isApiError } from '@/lib/api/errors'
import { useHealth } from '@/lib/api/health'
import { usePolicies } from '@/lib/api/policies'
import { currentLanguage } from '@/lib/i18n'
import { usePolicyVersions } from '../hooks/queries'
import { useBacktestsT } from '../i18n'
import { type CostChoice, type CostKind, costSpec, parseCost } from '../model/costs'
import type { BacktestCreate, StoredParams } from '../model/types'

export interface FormStart {
  policyId: number | null
  /** a run's parameters to start from ("run again with other settings") */
  params?: StoredParams
}

interface BacktestFormProps {
  start: FormStart
  pending: boolean
  /** the last answer of the server: a 422 is shown under the field it names */
  error: unknown
  onSubmit: (body: BacktestCreate) => void
}

type FieldName = 'policy_id' | 'version' | 'from' | 'to' | 'cash' | 'cost' | 'slippage_bps' | 'max_positions' | 'sizing'

const COSTS: CostKind[] = ['zero', 'sbi', 'rakuten', 'pct']

/** A year before the last stored session: the default period. */
function yearBefore(day: string): string {
  const date = new Date(`${day}T00:00:00Z`)
  date.setUTCFullYear(date.getUTCFullYear() - 1)
  return date.toISOString().slice(0, 10)
}

/**
 * The backtest's settings: the policy and its version, the period, the account and the costs.
 * What the browser can check (a policy chosen, dates given and in order, numbers above 0) is said
 * before sending; everything else the server's 422 says, under the field it names.
 */
export function BacktestForm({ start, pending, error, onSubmit }: BacktestFormProps) {
  const { t } = useBacktestsT()
  const policies = usePolicies()
  const health = useHealth()
  const latest = health.data?.data.latest_bar_date ?? null
  const p = start.params ?? {}

  const [policyId, setPolicyId] = useState<number | null>(start.policyId)
  const [version, setVersion] = useState<number | null>(p.version ?? null)
  // null: not typed yet — the period defaults to the last year of the stored market.
  const [from, setFrom] = useState<string | null>(p.start ?? null)
  const [to, setTo] = useState<string | null>(p.end ?? null)
  const [cash, setCash] = useState(String(p.cash ?? 10_000_000))
  const [cost, setCost] = useState<CostChoice>(parseCost(p.cost))
  const [slippage, setSlippage] = useState(String(p.slippage_bps ?? 0))
  const [maxPositions, setMaxPositions] = useState(String(p.max_positions ?? 10))
  const [sizing, setSizing] = useState<'equal' | 'risk'>(p.sizing === 'risk' ? 'risk' : 'equal')
  const [checkLookahead, setCheckLookahead] = useState(false)
  const [local, setLocal] = useState<Partial<Record<FieldName, string>>>({})
  const versions = usePolicyVersions(policyId)

  const fromValue = from ?? (latest ? yearBefore(latest) : '')
  const toValue = to ?? latest ?? ''
  const policy = policies.data?.items.find((item) => item.id === policyId) ?? null

  const serverError = (name: FieldName): string | null => (isApiError(error) && error.status === 422 ? error.messageFor(name) : null)
  const fieldError = (name: FieldName) => local[name] ?? serverError(name)
  // A 422 that names no field of the form (or any other failure) goes above the button.
  const formLevel =
    error && !(isApiError(error) && error.status === 422 && [error.field, ...error.errors.map((e) => e.field)].some((f) => f && f in FIELDS))
      ? error
      : null

  // The server named a field: take the reader there.
  useEffect(() => {
    if (!isApiError(error) || error.status !== 422) return
    const named = [error.field, ...error.errors.map((e) => e.field)].find((f): f is FieldName => Boolean(f && f in FIELDS))
    if (named) document.getElementById(FIELDS[named])?.focus()
  }, [error])

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const problems: Partial<Record<FieldName, string>> = {}
    if (policyId === null) problems.policy_id = t('form.policyRequired')
    if (!fromValue) problems.from = t('form.dateRequired')
    if (!toValue) problems.to = t('form.dateRequired')
    if (fromValue && toValue && toValue < fromValue) problems.to = t('form.toBeforeFrom')
    if (!(Number(cash) > 0)) problems.cash = t('form.positive')
    if (!(Number(maxPositions) > 0)) problems.max_positions = t('form.positive')
    setLocal(problems)
    if (Object.keys(problems).length || policyId === null) {
      const first = Object.keys(problems)[0] as FieldName
      document.getElementById(FIELDS[first])?.focus()
      return
    }
    onSubmit({
      policy_id: policyId,
      version,
      from: fromValue,
      to: toValue,
      cash: Number(cash),
      cost: costSpec(cost),
      slippage_bps: Number(slippage || 0),
      max_positions: Number(maxPositions),
      sizing,
      min_match_score: 60,
      min_recommendation: 'buy',
      lang: currentLanguage(),
      check_lookahead: checkLookahead,
    })
  }

  if (policies.error) return <ErrorMessage error={policies.error} onRetry={() => void policies.refetch()} />
  if (policies.data && policies.data.items.length === 0) {
    return (
      <p className="muted">
        {t('form.noPolicies')}{' '}
        <Link to="/policies">{t('form.makePolicy')}</Link>
      </p>
    )
  }

  const input = (name: FieldName, control: { id: string; invalid: boolean; describedBy: string | undefined }) => ({
    id: control.id,
    name,
    'aria-invalid': control.invalid || undefined,
    'aria-describedby': control.describedBy,
  })

  return (
    <form className="form bt-form" onSubmit={submit} noValidate aria-busy={pending}>
      <div className="bt-form__grid">
        <Field label={t('form.policy')} error={fieldError('policy_id')} id={FIELDS.policy_id}>
          {(control) => (
            <select
              {...input('policy_id', control)}
              className="input select"
              value={policyId ?? ''}
              onChange={(event) => {
                setPolicyId(event.target.value ? Number(event.target.value) : null)
                setVersion(null)
              }}
            >
              <option value="">{t('form.choosePolicy')}</option>
              {(policies.data?.items ?? []).map((item) => (
                <option key={item.id} value={item.id}>
                  {item.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('form.version')} error={fieldError('version')} id={FIELDS.version}>
          {(control) => (
            <select
              {...input('version', control)}
              className="input select"
              value={version ?? ''}
              disabled={!policy}
              onChange={(event) => setVersion(event.target.value ? Number(event.target.value) : null)}
            >
              <option value="">{policy ? t('form.current', { version: policy.version }) : '—'}</option>
              {(versions.data ?? [])
                .filter((v) => v !== policy?.version)
                .map((v) => (
                  <option key={v} value={v}>
                    {t('form.versionN', { version: v })}
                  </option>
                ))}
            </select>
          )}
        </Field>
        <Field label={t('form.from')} error={fieldError('from')} id={FIELDS.from}>
          {(control) => <input {...input('from', control)} className="input" type="date" value={fromValue} onChange={(e) => setFrom(e.target.value)} />}
        </Field>
        <Field label={t('form.to')} error={fieldError('to')} id={FIELDS.to}>
          {(control) => <input {...input('to', control)} className="input" type="date" value={toValue} onChange={(e) => setTo(e.target.value)} />}
        </Field>
        <Field label={t('form.cash')} error={fieldError('cash')} id={FIELDS.cash}>
          {(control) => (
            <input {...input('cash', control)} className="input num" type="number" inputMode="numeric" min={1} step={100000} value={cash} onChange={(e) => setCash(e.target.value)} />
          )}
        </Field>
        <Field label={t('form.maxPositions')} error={fieldError('max_positions')} id={FIELDS.max_positions}>
          {(control) => (
            <input {...input('max_positions', control)} className="input num" type="number" inputMode="numeric" min={1} max={1000} value={maxPositions} onChange={(e) => setMaxPositions(e.target.value)} />
          )}
        </Field>
        <Field label={t('form.cost')} error={fieldError('cost')} id={FIELDS.cost}>
          {(control) => (
            <select {...input('cost', control)} className="input select" value={cost.kind} onChange={(e) => setCost({ ...cost, kind: e.target.value as CostKind })}>
              {COSTS.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`form.costs.${kind}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {cost.kind === 'pct' ? (
          <div className="bt-form__pair">
            <Field label={t('form.rate')} id="bt-rate">
              {(control) => (
                <input {...input('cost', control)} name="rate" className="input num" type="number" inputMode="decimal" min={0} step={0.01} value={cost.rate} onChange={(e) => setCost({ ...cost, rate: e.target.value })} />
              )}
            </Field>
            <Field label={t('form.minimum')} id="bt-minimum">
              {(control) => (
                <input {...input('cost', control)} name="minimum" className="input num" type="number" inputMode="numeric" min={0} value={cost.minimum} onChange={(e) => setCost({ ...cost, minimum: e.target.value })} />
              )}
            </Field>
          </div>
        ) : null}
        <Field label={t('form.slippage')} hint={t('form.slippageHint')} error={fieldError('slippage_bps')} id={FIELDS.slippage_bps}>
          {(control) => (
            <input {...input('slippage_bps', control)} className="input num" type="number" inputMode="decimal" min={0} max={1000} step={1} value={slippage} onChange={(e) => setSlippage(e.target.value)} />
          )}
        </Field>
        <Field label={t('form.sizing')} error={fieldError('sizing')} id={FIELDS.sizing}>
          {(control) => (
            <select {...input('sizing', control)} className="input select" value={sizing} onChange={(e) => setSizing(e.target.value === 'risk' ? 'risk' : 'equal')}>
              <option value="equal">{t('form.sizings.equal')}</option>
              <option value="risk">{t('form.sizings.risk')}</option>
            </select>
          )}
        </Field>
      </div>
      <div>
        <label className="bt-check">
          <input type="checkbox" checked={checkLookahead} onChange={(e) => setCheckLookahead(e.target.checked)} />
          <span>{t('form.checkLookahead')}</span>
        </label>
        <p className="field__hint">{t('form.checkLookaheadHint')}</p>
      </div>
      {formLevel ? <ErrorMessage error={formLevel} compact /> : null}
      <div>
        <button type="submit" className="button button--primary" disabled={pending}>
          {pending ? t('form.submitting') : t('form.submit')}
        </button>
      </div>
    </form>
  )
}

/** The control of each field the server may name (its 422's `field`). */
const FIELDS: Record<FieldName, string> = {
  policy_id: 'bt-policy',
  version: 'bt-version',
  from: 'bt-from',
  to: 'bt-to',
  cash: 'bt-cash',
  cost: 'bt-cost',
  slippage_bps: 'bt-slippage',
  max_positions: 'bt-max-positions',
  sizing: 'bt-sizing',
}
