import { useFormat } from '@/lib/format'
import { usePoliciesT } from '../i18n'
import { LIMITS } from '../model/validate'

interface WeightSlidersProps {
  parts: readonly string[]
  weights: Record<string, number>
  onChange: (weights: Record<string, number>) => void
}

/** One 0–5 slider per score part (step 0.1; arrow keys move by 0.1, Page Up/Down by 1). */
export function WeightSliders({ parts, weights, onChange }: WeightSlidersProps) {
  const { t } = usePoliciesT()
  const fmt = useFormat()
  const allDefault = parts.every((part) => (weights[part] ?? 1) === 1)
  return (
    <div className="pol-weights">
      <ul className="pol-weights__list">
        {parts.map((part) => {
          const value = weights[part] ?? 1
          const id = `pol-weight-${part}`
          return (
            <li key={part} className="pol-weights__item">
              <label htmlFor={id} className="pol-weights__label">
                {t(`part.${part as 'trend'}`, { defaultValue: part })}
              </label>
              <input
                id={id}
                type="range"
                className="pol-weights__slider"
                min={0}
                max={LIMITS.partMax}
                step={0.1}
                value={value}
                aria-valuetext={t('weights.value', { value: fmt.number(value, 1) })}
                style={{ ['--fill' as string]: `${(value / LIMITS.partMax) * 100}%` }}
                onChange={(event) => onChange({ ...weights, [part]: Math.round(Number(event.target.value) * 10) / 10 })}
              />
              <output htmlFor={id} className="pol-weights__value">
                {t('weights.value', { value: fmt.number(value, 1) })}
              </output>
            </li>
          )
        })}
      </ul>
      <button
        type="button"
        className="button button--small"
        disabled={allDefault}
        onClick={() => onChange(Object.fromEntries(parts.map((part) => [part, 1])))}
      >
        {t('weights.reset')}
      </button>
    </div>
  )
}
