/**
 * The cost option as the API takes it (backtests/costs.py): `zero`, `sbi`, `rakuten` or
 * `pct:RATE[,min:YEN]`. The form edits it as a choice plus two numbers.
 */
export type CostKind = 'zero' | 'sbi' | 'rakuten' | 'pct'

export interface CostChoice {
  kind: CostKind
  /** percent of each order (pct only), as typed */
  rate: string
  /** yen at least per order (pct only), as typed */
  minimum: string
}

export function costSpec(choice: CostChoice): string {
  if (choice.kind !== 'pct') return choice.kind
  const rate = choice.rate.trim()
  const minimum = choice.minimum.trim()
  return minimum === '' ? `pct:${rate}` : `pct:${rate},min:${minimum}`
}

const PCT = /^pct:([0-9.]+)(?:,min:([0-9.]+))?$/

export function parseCost(spec: string | undefined): CostChoice {
  const text = (spec ?? 'zero').trim().toLowerCase()
  if (text === 'zero' || text === 'sbi' || text === 'rakuten') return { kind: text, rate: '0.1', minimum: '' }
  const match = PCT.exec(text)
  if (match) return { kind: 'pct', rate: match[1] ?? '', minimum: match[2] ?? '' }
  return { kind: 'zero', rate: '0.1', minimum: '' }
}
