import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { queryKeys } from '@/lib/api/keys'
import type { EvaluationRead, Interval, Period } from '@/lib/api/types'
import {
  addToWatchlist,
  createEvaluation,
  createWatchlist,
  fetchFinancials,
  fetchLatestEvaluation,
  fetchPrices,
  fetchStock,
  fetchWatchlists,
} from '../api/stocks'

export function useStock(code: string) {
  return useQuery({ queryKey: queryKeys.stocks.detail(code), queryFn: () => fetchStock(code) })
}

export function usePrices(code: string, period: Period, interval: Interval = '1d') {
  return useQuery({
    queryKey: queryKeys.stocks.prices(code, period, interval),
    queryFn: () => fetchPrices(code, period, interval),
    placeholderData: (previous, query) => (query?.queryKey[1] === code ? previous : undefined),
    staleTime: 5 * 60_000,
  })
}

export function useFinancials(code: string) {
  return useQuery({ queryKey: queryKeys.stocks.financials(code), queryFn: () => fetchFinancials(code) })
}

/** The newest evaluation of the stock; under ``policyId`` when the page was opened with one. */
export function useLatestEvaluation(code: string, policyId?: number | null) {
  return useQuery({
    queryKey: queryKeys.evaluations.list(policyId ? { stock_code: code, policy_id: policyId, limit: 1 } : { stock_code: code, limit: 1 }),
    queryFn: () => fetchLatestEvaluation(code, policyId),
  })
}

export function useEvaluate(code: string, lang: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (policyId: number | null) => createEvaluation(code, policyId, lang),
    onSuccess: (evaluation: EvaluationRead) => {
      queryClient.setQueryData(queryKeys.evaluations.detail(evaluation.id, lang), evaluation)
      void queryClient.invalidateQueries({ queryKey: [...queryKeys.evaluations.all, 'list'] })
      void queryClient.invalidateQueries({ queryKey: queryKeys.watchlists.all })
    },
  })
}

export function useWatchlistsForAdding(enabled: boolean) {
  return useQuery({ queryKey: queryKeys.watchlists.all, queryFn: fetchWatchlists, enabled })
}

export function useAddToWatchlist(code: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (target: { id: number } | { name: string }) => {
      if ('id' in target) await addToWatchlist(target.id, code)
      else await createWatchlist(target.name, [code])
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.watchlists.all }),
  })
}
