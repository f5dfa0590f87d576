import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { healthKey } from '@/lib/api/health'
import { queryKeys } from '@/lib/api/keys'
import {
  evaluateWatchlist,
  fetchLatestEvaluations,
  fetchSyncRuns,
  fetchWatchlist,
  fetchWatchlists,
  startSync,
} from '../api/dashboard'

export const LATEST_EVALUATIONS = 10
const SYNC_RUNS = 5

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

export function useLatestEvaluations() {
  return useQuery({
    queryKey: queryKeys.evaluations.list({ limit: LATEST_EVALUATIONS }),
    queryFn: () => fetchLatestEvaluations(LATEST_EVALUATIONS),
  })
}

/** Recent sync runs; polls every 3 s while one runs (`running` also comes from /health). */
export function useSyncRuns(running: boolean) {
  return useQuery({
    queryKey: queryKeys.syncRuns,
    queryFn: () => fetchSyncRuns(SYNC_RUNS),
    refetchInterval: (query) =>
      running || query.state.data?.some((run) => run.status === 'running') ? 3_000 : false,
  })
}

export function useStartSync() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: startSync,
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.syncRuns })
      void queryClient.invalidateQueries({ queryKey: healthKey })
    },
  })
}
