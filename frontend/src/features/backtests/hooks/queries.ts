import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { isActive } from '@/lib/api/jobs'
import { createBacktest, deleteBacktest, fetchBacktest, fetchBacktests, fetchPolicyVersions } from '../api/backtests'
import type { BacktestRead } from '../model/types'

/** How often a queued or running backtest is asked again (as the jobs are). */
export const POLL_MS = 2000

export const backtestKeys = {
  all: ['backtests'] as const,
  list: ['backtests', 'list'] as const,
  detail: (id: number) => ['backtests', 'detail', id] as const,
  versions: (policyId: number) => ['policies', policyId, 'versions'] as const,
}

export function useBacktests() {
  return useQuery({
    queryKey: backtestKeys.list,
    queryFn: fetchBacktests,
    refetchInterval: (query) => (query.state.data?.some((b) => isActive(b.status)) ? POLL_MS : false),
  })
}

/** One run; polls while its job is queued or running, stops once it has a result or failed. */
export function useBacktest(id: number | null) {
  const queryClient = useQueryClient()
  return useQuery({
    queryKey: backtestKeys.detail(id ?? 0),
    queryFn: async () => {
      const backtest = await fetchBacktest(id as number)
      if (!isActive(backtest.status)) void queryClient.invalidateQueries({ queryKey: backtestKeys.list })
      return backtest
    },
    enabled: id !== null,
    refetchInterval: (query) => (query.state.data && isActive(query.state.data.status) ? POLL_MS : false),
  })
}

export function useCreateBacktest() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: createBacktest,
    onSuccess: (backtest: BacktestRead) => {
      // The answer has no result yet: the page asks for the whole run.
      void queryClient.invalidateQueries({ queryKey: backtestKeys.all })
      return backtest
    },
  })
}

export function useDeleteBacktest() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: deleteBacktest,
    onSuccess: (_: void, id: number) => {
      queryClient.removeQueries({ queryKey: backtestKeys.detail(id) })
      void queryClient.invalidateQueries({ queryKey: backtestKeys.list })
    },
  })
}

export function usePolicyVersions(policyId: number | null) {
  return useQuery({
    queryKey: backtestKeys.versions(policyId ?? 0),
    queryFn: () => fetchPolicyVersions(policyId as number),
    enabled: policyId !== null,
  })
}
