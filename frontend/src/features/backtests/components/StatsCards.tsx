import { useId } from 'react'
import { type Formatters, useFormat } from '@/lib/format'
import { type BacktestsT, useBacktestsT } from '../i18n'
import { STATS, type StatDef, formatStat, statValue } from '../model/stats'
import type { BacktestSummary } from '../model/types'

/** The figure of one stat as text, and its second line (the drawdown's length, the average return). */
export function statText(def: StatDef, summary: BacktestSummary, fmt: Formatters, t: BacktestsT): { value: string; detail: string | null } {
  const value = formatStat(def.kind, statValue(summary, def.key), fmt, (unit, n) => t(`stats.${unit}`, { n }))
  let detail: string | null = null
  if (def.key === 'max_drawdown_pct' && summary.max_drawdown_days > 0) {
    detail = t('stats.ddLength', { days: fmt.number(summary.max_drawdown_days), sessions: fmt.number(summary.max_drawdown_sessions) })
  }
  if (def.key === 'expectancy_yen' && summary.expectancy_pct !== null) {
    detail = t('stats.perTrade', { pct: fmt.pct(summary.expectancy_pct, { signed: true }) })
  }
  return { value, detail }
}

function tone(def: StatDef, value: number | null): string {
  if (value === null || !def.kind.startsWith('signed')) return ''
  return value > 0 ? 'bt-stat__value--gain' : value < 0 ? 'bt-stat__value--loss' : ''
}

function StatCard({ def, summary }: { def: StatDef; summary: BacktestSummary }) {
  const { t } = useBacktestsT()
  const fmt = useFormat()
  const helpId = useId()
  const label = t(`stats.${def.key}.label`)
  const { value, detail } = statText(def, summary, fmt, t)
  return (
    <div className="bt-stat" data-stat={def.key}>
      <dt className="bt-stat__label">
        <span aria-describedby={helpId}>{label}</span>
        {/* The explanation: read with the label, shown on hover or focus of the ⓘ. */}
        <button type="button" className="bt-stat__info" aria-label={t('stats.explain', { label })} aria-describedby={helpId}>
          ?
        </button>
        <span role="tooltip" id={helpId} className="bt-stat__help">
          {t(`stats.${def.key}.help`)}
        </span>
      </dt>
      <dd className={`bt-stat__value num ${tone(def, statValue(summary, def.key))}`}>{value}</dd>
      {detail ? <dd className="bt-stat__detail muted">{detail}</dd> : null}
    </div>
  )
}

/** Every figure of the run as a card: label, value, and a short explanation on hover or focus. */
export function StatsCards({ summary }: { summary: BacktestSummary }) {
  const { t } = useBacktestsT()
  return (
    <section className="bt-section" aria-labelledby="bt-stats-title">
      <h2 className="subheading" id="bt-stats-title">
        {t('stats.title')}
      </h2>
      <dl className="bt-stats">
        {STATS.filter((def) => def.key in summary).map((def) => (
          <StatCard key={def.key} def={def} summary={summary} />
        ))}
      </dl>
    </section>
  )
}
