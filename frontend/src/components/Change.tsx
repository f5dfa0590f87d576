import { useTranslation } from 'react-i18next'

interface ChangeProps {
  /** The change; its sign picks ▲ / ▼ and the colour. */
  value: number | null | undefined
  /** How to print the magnitude (the sign is carried by the arrow). */
  format: (magnitude: number) => string
  className?: string
}

/**
 * A change shown as ▲ (rise, red) or ▼ (fall, blue) — the Japanese convention, where rising is red —
 * always with the arrow and a screen-reader word, never by colour alone.
 */
export function Change({ value, format, className = '' }: ChangeProps) {
  const { t } = useTranslation()
  if (value === null || value === undefined || Number.isNaN(value)) {
    return <span className={`change change--none ${className}`}>{t('common.none')}</span>
  }
  if (value === 0) {
    return (
      <span className={`change change--flat ${className}`}>
        <span aria-hidden="true">±</span>
        {format(0)}
        <span className="visually-hidden">（{t('common.unchanged')}）</span>
      </span>
    )
  }
  const up = value > 0
  return (
    <span className={`change ${up ? 'change--up' : 'change--down'} ${className}`}>
      <span aria-hidden="true">{up ? '▲' : '▼'}</span>
      <span className="visually-hidden">{up ? t('common.up') : t('common.down')} </span>
      {format(Math.abs(value))}
    </span>
  )
}
