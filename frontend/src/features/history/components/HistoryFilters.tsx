import { useEffect, useState } from 'react'
import { PolicySelect } from '@/components/PolicySelect'
import type { PolicyRead } from '@/lib/api/types'
import { useDebouncedValue } from '@/lib/useDebouncedValue'
import { useHistoryT } from '../i18n'
import { hasFilters, isCode, type Filters } from '../model/filters'

interface HistoryFiltersProps {
  filters: Filters
  policies: PolicyRead[]
  onChange: (filters: Filters) => void
}

/**
 * Stock code (applied once it is a valid code, after a short pause), policy and date range
 * (applied at once). Any change goes back to the first page.
 */
export function HistoryFilters({ filters, policies, onChange }: HistoryFiltersProps) {
  const { t } = useHistoryT()
  const [code, setCode] = useState(filters.code)
  const typed = code.trim().toUpperCase()
  const codeValid = typed === '' || isCode(typed)
  const debounced = useDebouncedValue(typed, 350)
  const rangeInvalid = Boolean(filters.from && filters.to && filters.from > filters.to)

  // The address changed elsewhere (Back, "clear"): show its code.
  useEffect(() => {
    setCode(filters.code)
  }, [filters.code])

  useEffect(() => {
    if (debounced !== typed) return
    if ((debounced === '' || isCode(debounced)) && debounced !== filters.code) {
      onChange({ ...filters, code: debounced, page: 1 })
    }
    // Only a new debounced code triggers this.
  }, [debounced])

  return (
    <form className="his-filters" role="search" aria-label={t('filters.label')} onSubmit={(e) => e.preventDefault()}>
      <div className={`field his-filters__code ${codeValid ? '' : 'field--invalid'}`}>
        <label className="field__label" htmlFor="his-code">
          {t('filters.code')}
        </label>
        <input
          id="his-code"
          className="input"
          type="search"
          inputMode="text"
          autoComplete="off"
          spellCheck={false}
          maxLength={5}
          placeholder={t('filters.codePlaceholder')}
          value={code}
          aria-invalid={codeValid ? undefined : true}
          aria-describedby={codeValid ? undefined : 'his-code-error'}
          onChange={(event) => setCode(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && codeValid && typed !== filters.code) onChange({ ...filters, code: typed, page: 1 })
          }}
        />
        {codeValid ? null : (
          <p className="field__error" id="his-code-error">
            {t('filters.codeInvalid')}
          </p>
        )}
      </div>
      <PolicySelect
        className="his-filters__policy"
        label={t('filters.policy')}
        policies={policies}
        value={filters.policyId}
        emptyLabel={t('filters.allPolicies')}
        onChange={(policyId) => onChange({ ...filters, policyId, page: 1 })}
      />
      <div className={`field ${rangeInvalid ? 'field--invalid' : ''}`}>
        <label className="field__label" htmlFor="his-from">
          {t('filters.from')}
        </label>
        <input
          id="his-from"
          className="input"
          type="date"
          value={filters.from}
          max={filters.to || undefined}
          aria-invalid={rangeInvalid || undefined}
          aria-describedby={rangeInvalid ? 'his-range-error' : undefined}
          onChange={(event) => onChange({ ...filters, from: event.target.value, page: 1 })}
        />
      </div>
      <div className={`field ${rangeInvalid ? 'field--invalid' : ''}`}>
        <label className="field__label" htmlFor="his-to">
          {t('filters.to')}
        </label>
        <input
          id="his-to"
          className="input"
          type="date"
          value={filters.to}
          min={filters.from || undefined}
          aria-invalid={rangeInvalid || undefined}
          aria-describedby={rangeInvalid ? 'his-range-error' : undefined}
          onChange={(event) => onChange({ ...filters, to: event.target.value, page: 1 })}
        />
      </div>
      <button
        type="button"
        className="button his-filters__clear"
        disabled={!hasFilters(filters) && code === ''}
        onClick={() => {
          setCode('')
          onChange({ code: '', policyId: null, from: '', to: '', page: 1 })
        }}
      >
        {t('filters.clear')}
      </button>
      {rangeInvalid ? (
        <p className="field__error his-filters__error" id="his-range-error">
          {t('filters.rangeInvalid')}
        </p>
      ) : null}
    </form>
  )
}
