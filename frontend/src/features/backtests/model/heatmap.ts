import type { MonthlyReturn } from './types'

export interface HeatmapRow {
  year: number
  /** twelve months, January first; null: no session that month */
  months: (number | null)[]
  /** the months compounded (null: none) */
  total: number | null
}

/** Monthly returns as years × months, oldest year first, with each year's compounded total. */
export function heatmapRows(months: MonthlyReturn[]): HeatmapRow[] {
  const byYear = new Map<number, (number | null)[]>()
  for (const { month, return_pct: value } of months) {
    const [year, m] = month.split('-').map(Number)
    if (!year || !m || m < 1 || m > 12) continue
    const row = byYear.get(year) ?? Array<number | null>(12).fill(null)
    row[m - 1] = value
    byYear.set(year, row)
  }
  return [...byYear.entries()]
    .sort(([a], [b]) => a - b)
    .map(([year, row]) => {
      const known = row.filter((v): v is number => v !== null)
      const total = known.length ? (known.reduce((acc, v) => acc * (1 + v / 100), 1) - 1) * 100 : null
      return { year, months: row, total }
    })
}

/**
 * The cell's background: green for a gain, red for a loss, deeper with the size (saturating at
 * ±10 %). The text says the figure too, so colour is never the only signal.
 */
export function heatColor(value: number | null): string {
  if (value === null) return 'transparent'
  const strength = Math.min(1, Math.abs(value) / 10)
  const alpha = (0.12 + 0.68 * strength).toFixed(2)
  return value >= 0 ? `rgba(22, 135, 74, ${alpha})` : `rgba(200, 40, 40, ${alpha})`
}
