import { api, unwrap } from '@/lib/api/client'
import type { EvaluationList, MarketOverview, SyncRun, WatchlistRead, WatchlistUpdate } from '@/lib/api/types'

export async function fetchWatchlists() {
  return unwrap(api.GET('/api/v1/watchlists'))
}

/** A watchlist with each stock's close and latest scores with their change. */
export async function fetchWatchlist(id: number): Promise<WatchlistRead> {
  return unwrap(api.GET('/api/v1/watchlists/{watchlist_id}', { params: { path: { watchlist_id: id } } }))
}

export async function evaluateWatchlist(id: number) {
  return unwrap(api.POST('/api/v1/watchlists/{watchlist_id}/evaluate', { params: { path: { watchlist_id: id } } }))
}

export async function fetchLatestEvaluations(limit: number): Promise<EvaluationList> {
  return unwrap(api.GET('/api/v1/evaluations', { params: { query: { limit } } }))
}

/** The latest session: advancers/decliners, the average change, sector moves, the benchmark. */
export async function fetchMarketOverview(): Promise<MarketOverview> {
  return unwrap(api.GET('/api/v1/market/overview'))
}

export async function fetchSyncRuns(limit: number): Promise<SyncRun[]> {
  return unwrap(api.GET('/api/v1/sync/runs', { params: { query: { limit } } }))
}

export async function createWatchlist(name: string, policyId: number | null): Promise<WatchlistRead> {
  return unwrap(api.POST('/api/v1/watchlists', { body: { name, policy_id: policyId, codes: [] } }))
}

/** PATCH /watchlists/{id}: a new name, a policy, or no policy (`clear_policy`). */
export type WatchlistChange = Partial<WatchlistUpdate>

export async function updateWatchlist(id: number, change: WatchlistChange): Promise<WatchlistRead> {
  // `clear_policy` defaults to false on the server; the generated type marks it required.
  const body = change as WatchlistUpdate
  return unwrap(api.PATCH('/api/v1/watchlists/{watchlist_id}', { params: { path: { watchlist_id: id } }, body }))
}

export async function deleteWatchlist(id: number): Promise<void> {
  await unwrap(api.DELETE('/api/v1/watchlists/{watchlist_id}', { params: { path: { watchlist_id: id } } }))
}

export async function removeFromWatchlist(id: number, code: string): Promise<void> {
  await unwrap(
    api.DELETE('/api/v1/watchlists/{watchlist_id}/items/{code}', { params: { path: { watchlist_id: id, code } } }),
  )
}
