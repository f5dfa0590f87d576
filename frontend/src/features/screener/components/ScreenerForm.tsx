import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { PolicySelect } from '@/components/PolicySelect'
import type { PolicyRead } from '@/lib/api/types'
import { useScreenerT } from '../i18n'
import { SECTORS } from '../model/sectors'
import type { ScreenRequest } from '../model/sort'

export const LIMITS = [20, 50, 100, 200] as const
export const MARKETS = ['prime', 'standard', 'growth'] as const

interface ScreenerFormProps {
  policies: PolicyRead[]
  initial: ScreenRequest
  busy: boolean
  onSubmit: (request: ScreenRequest) => void
}

/** Policy, sector, market and how many to show; "Screen" runs it. */
export function ScreenerForm({ policies, initial, busy, onSubmit }: ScreenerFormProps) {
  const { t, i18n } = useScreenerT()
  const common = useTranslation().t
  const [policyId, setPolicyId] = useState(initial.policy_id)
  const [sector, setSector] = useState(initial.sector ?? '')
  const [market, setMarket] = useState(initial.market ?? '')
  const [limit, setLimit] = useState(initial.limit === null ? 'all' : String(initial.limit ?? 50))
  const en = i18n.language.startsWith('en')

  function submit(event: FormEvent) {
    event.preventDefault()
    onSubmit({
      policy_id: policyId,
      sector: sector || null,
      market: market || null,
      limit: limit === 'all' ? null : Number(limit),
    })
  }

  return (
    <form className="scr-form" onSubmit={submit} aria-label={t('form.label')}>
      <PolicySelect
        className="scr-form__policy"
        label={t('form.policy')}
        policies={policies}
        value={policyId}
        onChange={(id) => {
          if (id !== null) setPolicyId(id)
        }}
      />
      <div className="field">
        <label className="field__label" htmlFor="scr-sector">
          {t('form.sector')}
        </label>
        <select id="scr-sector" className="input select" value={sector} onChange={(e) => setSector(e.target.value)}>
          <option value="">{t('form.allSectors')}</option>
          {SECTORS.map((s) => (
            <option key={s.code} value={s.code}>
              {en ? s.en : s.ja}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor="scr-market">
          {t('form.market')}
        </label>
        <select id="scr-market" className="input select" value={market} onChange={(e) => setMarket(e.target.value)}>
          <option value="">{t('form.allMarkets')}</option>
          {MARKETS.map((m) => (
            <option key={m} value={m}>
              {common(`market.${m}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field scr-form__limit">
        <label className="field__label" htmlFor="scr-limit">
          {t('form.limit')}
        </label>
        <select id="scr-limit" className="input select" value={limit} onChange={(e) => setLimit(e.target.value)}>
          {LIMITS.map((n) => (
            <option key={n} value={n}>
              {t('form.limitN', { n })}
            </option>
          ))}
          <option value="all">{t('form.limitAll')}</option>
        </select>
      </div>
      <button type="submit" className="button button--primary scr-form__run" disabled={busy}>
        {busy ? t('form.running') : t('form.run')}
      </button>
    </form>
  )
}
