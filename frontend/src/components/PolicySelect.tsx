import type { PolicyRead } from '@/lib/api/types'
import { Field } from './Field'

interface PolicySelectProps {
  label: string
  policies: Pick<PolicyRead, 'id' | 'name'>[]
  /** the chosen policy (null: the empty option) */
  value: number | null
  onChange: (policyId: number | null) => void
  /** the option for "no policy" / "all policies" (none: a policy must be chosen) */
  emptyLabel?: string
  disabled?: boolean
  className?: string
}

/** A labelled picker of the user's policies (the stock page, the screener, the history filters). */
export function PolicySelect({ label, policies, value, onChange, emptyLabel, disabled, className }: PolicySelectProps) {
  return (
    <Field label={label} className={className}>
      {({ id }) => (
        <select
          id={id}
          className="input select"
          value={value ?? ''}
          disabled={disabled}
          onChange={(event) => onChange(event.target.value ? Number(event.target.value) : null)}
        >
          {emptyLabel !== undefined ? <option value="">{emptyLabel}</option> : null}
          {policies.map((policy) => (
            <option key={policy.id} value={policy.id}>
              {policy.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  )
}
