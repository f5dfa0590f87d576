import type { components } from '@/lib/api/schema'

export type ScreenItem = components['schemas']['ScreenItem']
export type ScreenResult = components['schemas']['ScreenResult']
export type ScreenRequest = components['schemas']['ScreenRequest']

export type SortKey =
  | 'rank'
  | 'stock_code'
  | 'match_score'
  | 'buy_score'
  | 'sell_score'
  | 'recommendation'
  | 'close'
  | 'change_pct'
  | 'per'
  | 'pbr'
  | 'roe'
  | 'dividend_yield'
  | 'rsi_14'
  | 'return_60d_pct'
  | 'market_cap'
export type SortDirection = 'ascending' | 'descending'

export interface Sort {
  key: SortKey
  direction: SortDirection
}

const RECOMMENDATION_ORDER: Record<string, number> = { strong_sell: 0, sell: 1, neutral: 2, buy: 3, strong_buy: 4 }

/** Which way a column sorts on its first click: rank, code and "cheap" multiples up; scores and returns down. */
export const FIRST_DIRECTION: Record<SortKey, SortDirection> = {
  rank: 'ascending',
  stock_code: 'ascending',
  match_score: 'descending',
  buy_score: 'descending',
  sell_score: 'descending',
  recommendation: 'descending',
  close: 'descending',
  change_pct: 'descending',
  per: 'ascending',
  pbr: 'ascending',
  roe: 'descending',
  dividend_yield: 'descending',
  rsi_14: 'ascending',
  return_60d_pct: 'descending',
  market_cap: 'descending',
}

function valueOf(item: ScreenItem, key: SortKey): number | string | null {
  if (key === 'recommendation') return RECOMMENDATION_ORDER[item.recommendation] ?? null
  const value = item[key]
  return value === undefined ? null : value
}

/** The items in the given order; missing values go last either way, ties keep the rank order. */
export function sortItems(items: readonly ScreenItem[], sort: Sort): ScreenItem[] {
  const sign = sort.direction === 'ascending' ? 1 : -1
  return [...items].sort((a, b) => {
    const x = valueOf(a, sort.key)
    const y = valueOf(b, sort.key)
    if (x === null || y === null) {
      if (x === y) return a.rank - b.rank
      return x === null ? 1 : -1
    }
    const order = typeof x === 'string' && typeof y === 'string' ? x.localeCompare(y) : (x as number) - (y as number)
    return order === 0 ? a.rank - b.rank : sign * order
  })
}

/** Clicking a header: the same column flips, another starts in its natural direction. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' }
  return { key, direction: FIRST_DIRECTION[key] }
}
