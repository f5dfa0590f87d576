import { api, unwrap } from '@/lib/api/client'
import type { StockList } from '@/lib/api/types'

export const SEARCH_LIMIT = 10

/** GET /stocks?q=…&limit=10 — code prefix or part of a name (漢字/かな/English). */
export async function searchStocks(q: string, signal?: AbortSignal): Promise<StockList> {
  return unwrap(api.GET('/api/v1/stocks', { params: { query: { q, limit: SEARCH_LIMIT } }, signal }))
}
