import type { Formatters } from '@/lib/format'
import type { BacktestSummary } from './types'

/** How a figure is written. */
type Kind = 'pct' | 'signedPct' | 'ratio' | 'yen' | 'signedYen' | 'count' | 'days' | 'sessions' | 'times'

export interface StatDef {
  /** the summary's key; its label and explanation are stats.<key>.label / .help */
  key: StatKey
  kind: Kind
  /** higher is better (true), lower is better (false), neither (undefined): used to mark the better side in a comparison */
  better?: boolean
}

export type StatKey =
  | 'return_pct'
  | 'cagr_pct'
  | 'volatility_pct'
  | 'sharpe'
  | 'sortino'
  | 'max_drawdown_pct'
  | 'calmar'
  | 'win_rate_pct'
  | 'profit_factor'
  | 'expectancy_yen'
  | 'avg_holding_sessions'
  | 'trades'
  | 'exposure_pct'
  | 'turnover'
  | 'beta'
  | 'alpha_pct'
  | 'benchmark_return_pct'
  | 'final_equity'
  | 'commissions'

/** The figures shown, in order (everything the API's summary gives that a reader can act on). */
export const STATS: StatDef[] = [
  { key: 'return_pct', kind: 'signedPct', better: true },
  { key: 'cagr_pct', kind: 'signedPct', better: true },
  { key: 'benchmark_return_pct', kind: 'signedPct' },
  { key: 'final_equity', kind: 'yen', better: true },
  { key: 'volatility_pct', kind: 'pct', better: false },
  { key: 'sharpe', kind: 'ratio', better: true },
  { key: 'sortino', kind: 'ratio', better: true },
  { key: 'max_drawdown_pct', kind: 'pct', better: true }, // negative: the higher, the shallower
  { key: 'calmar', kind: 'ratio', better: true },
  { key: 'win_rate_pct', kind: 'pct', better: true },
  { key: 'profit_factor', kind: 'ratio', better: true },
  { key: 'expectancy_yen', kind: 'signedYen', better: true },
  { key: 'avg_holding_sessions', kind: 'sessions' },
  { key: 'trades', kind: 'count' },
  { key: 'exposure_pct', kind: 'pct' },
  { key: 'turnover', kind: 'times' },
  { key: 'beta', kind: 'ratio' },
  { key: 'alpha_pct', kind: 'signedPct', better: true },
  { key: 'commissions', kind: 'yen', better: false },
]

export function statValue(summary: BacktestSummary, key: StatKey): number | null {
  const value = summary[key]
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

/** The figure as text; words around it (日, 回) come from the caller's i18n through `unit`. */
export function formatStat(kind: Kind, value: number | null, fmt: Formatters, unit: (kind: 'sessions' | 'times', n: string) => string): string {
  if (value === null) return '—'
  switch (kind) {
    case 'pct':
      return fmt.pct(value)
    case 'signedPct':
      return fmt.pct(value, { signed: true })
    case 'ratio':
      return fmt.number(value, 2)
    case 'yen':
      return fmt.yen(value, { maxFractionDigits: 0 })
    case 'signedYen':
      return fmt.yen(value, { signed: true, maxFractionDigits: 0 })
    case 'count':
      return fmt.number(value)
    case 'days':
    case 'sessions':
      return unit('sessions', fmt.number(value, 1))
    case 'times':
      return unit('times', fmt.number(value, 1))
  }
}
