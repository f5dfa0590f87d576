import { api, unwrap } from '@/lib/api/client'
import type { EvaluationList, SyncRun, WatchlistRead } from '@/lib/api/types'

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

export async function fetchSyncRuns(limit: number): Promise<SyncRun[]> {
  return unwrap(api.GET('/api/v1/sync/runs', { params: { query: { limit } } }))
}
