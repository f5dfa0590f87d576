import { useId } from 'react'

interface ScoreGaugeProps {
  label: string
  /** 0–100 */
  value: number | null | undefined
  tone: 'buy' | 'sell' | 'match'
  caption?: string
}

const RADIUS = 42
const ARC = Math.PI * RADIUS

/** A half-circle gauge for a 0–100 score, exposed as a meter to assistive technology. */
export function ScoreGauge({ label, value, tone, caption }: ScoreGaugeProps) {
  const id = useId()
  const score = value === null || value === undefined ? null : Math.max(0, Math.min(100, value))
  const dash = score === null ? 0 : (score / 100) * ARC
  return (
    <div
      className={`gauge gauge--${tone}`}
      role="meter"
      aria-labelledby={`${id}-label`}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={score ?? undefined}
      aria-valuetext={score === null ? '—' : `${Math.round(score)} / 100`}
    >
      <svg viewBox="0 0 100 56" className="gauge__svg" aria-hidden="true">
        <path d="M8 50 A42 42 0 0 1 92 50" className="gauge__track" />
        <path d="M8 50 A42 42 0 0 1 92 50" className="gauge__fill" strokeDasharray={`${dash} ${ARC}`} />
      </svg>
      <div className="gauge__value">{score === null ? '—' : Math.round(score)}</div>
      <div className="gauge__label" id={`${id}-label`}>
        {label}
      </div>
      {caption ? <div className="gauge__caption">{caption}</div> : null}
    </div>
  )
}
