import { api, unwrap } from '@/lib/api/client'
import type {
  EvaluationRead,
  EvaluationSummary,
  Financials,
  Interval,
  Period,
  PriceSeries,
  StockDetail,
  WatchlistRead,
} from '@/lib/api/types'

export async function fetchStock(code: string): Promise<StockDetail> {
  return unwrap(api.GET('/api/v1/stocks/{code}', { params: { path: { code } } }))
}

/** Split-adjusted daily bars, or weekly / monthly candles of them, for a period ending at the last bar. */
export async function fetchPrices(code: string, period: Period, interval: Interval = '1d'): Promise<PriceSeries> {
  return unwrap(api.GET('/api/v1/stocks/{code}/prices', { params: { path: { code }, query: { period, interval } } }))
}

export async function fetchFinancials(code: string): Promise<Financials> {
  return unwrap(api.GET('/api/v1/stocks/{code}/financials', { params: { path: { code } } }))
}

/** POST /evaluations — reasons and key points come back in `lang` (Accept-Language). */
export async function createEvaluation(code: string, policyId: number | null, lang: string): Promise<EvaluationRead> {
  return unwrap(
    api.POST('/api/v1/evaluations', {
      body: { stock_code: code, policy_id: policyId },
      params: { header: { 'Accept-Language': lang } },
    }),
  )
}

/** The newest evaluation of a stock (under one policy when given), if any. */
export async function fetchLatestEvaluation(code: string, policyId?: number | null): Promise<EvaluationSummary | null> {
  const query = policyId ? { stock_code: code, policy_id: policyId, limit: 1 } : { stock_code: code, limit: 1 }
  const list = await unwrap(api.GET('/api/v1/evaluations', { params: { query } }))
  return list.items[0] ?? null
}

export async function fetchWatchlists() {
  return unwrap(api.GET('/api/v1/watchlists'))
}

export async function addToWatchlist(watchlistId: number, code: string) {
  return unwrap(
    api.POST('/api/v1/watchlists/{watchlist_id}/items', {
      params: { path: { watchlist_id: watchlistId } },
      body: { code },
    }),
  )
}

export async function createWatchlist(name: string, codes: string[]): Promise<WatchlistRead> {
  return unwrap(api.POST('/api/v1/watchlists', { body: { name, codes } }))
}
