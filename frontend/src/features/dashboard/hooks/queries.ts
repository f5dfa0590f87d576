import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ACTIVE_POLL_MS } from '@/lib/api/health'
import { queryKeys } from '@/lib/api/keys'
import {
  createWatchlist,
  deleteWatchlist,
  evaluateWatchlist,
  fetchLatestEvaluations,
  fetchMarketOverview,
  fetchSyncRuns,
  fetchWatchlist,
  fetchWatchlists,
  removeFromWatchlist,
  updateWatchlist,
  type WatchlistChange,
} from '../api/dashboard'

export const LATEST_EVALUATIONS = 10
const SYNC_RUNS = 5

export function useMarketOverview() {
  return useQuery({ queryKey: queryKeys.marketOverview, queryFn: fetchMarketOverview, staleTime: 5 * 60_000 })
}

export function useWatchlists() {
  return useQuery({ queryKey: queryKeys.watchlists.all, queryFn: fetchWatchlists })
}

export function useWatchlist(id: number) {
  return useQuery({ queryKey: queryKeys.watchlists.detail(id), queryFn: () => fetchWatchlist(id) })
}

export function useEvaluateWatchlist(id: number) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => evaluateWatchlist(id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.watchlists.all })
      void queryClient.invalidateQueries({ queryKey: queryKeys.evaluations.all })
    },
  })
}

export function useCreateWatchlist() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ name, policyId }: { name: string; policyId: number | null }) => createWatchlist(name, policyId),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.watchlists.all }),
  })
}

/** Rename, or set / clear the policy; the scores shown follow the list's policy, so all is read again. */
export function useUpdateWatchlist(id: number) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (change: WatchlistChange) => updateWatchlist(id, change),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.watchlists.all }),
  })
}

export function useDeleteWatchlist(id: number) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => deleteWatchlist(id),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: queryKeys.watchlists.detail(id) })
      void queryClient.invalidateQueries({ queryKey: queryKeys.watchlists.all })
    },
  })
}

export function useRemoveFromWatchlist(id: number) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (code: string) => removeFromWatchlist(id, code),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.watchlists.all }),
  })
}

export function useLatestEvaluations() {
  return useQuery({
    queryKey: queryKeys.evaluations.list({ limit: LATEST_EVALUATIONS }),
    queryFn: () => fetchLatestEvaluations(LATEST_EVALUATIONS),
  })
}

/**
 * Recent sync runs; polls every 2 s while one runs (`running`: a sync job in progress, from /health
 * or the job this card follows). A run whose process died (`stale`) is not waited for.
 */
export function useSyncRuns(running: boolean) {
  return useQuery({
    queryKey: queryKeys.syncRuns,
    queryFn: () => fetchSyncRuns(SYNC_RUNS),
    refetchInterval: (query) =>
      running || query.state.data?.some((run) => run.status === 'running' && !run.stale) ? ACTIVE_POLL_MS : false,
  })
}
