import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { queryKeys } from '@/lib/api/keys'
import { fetchEvaluation, fetchEvaluations, fetchPolicies, fetchTimeline, fetchVocabulary } from '../api/history'
import type { EvaluationQuery } from '../model/filters'

export function useEvaluations(query: EvaluationQuery) {
  return useQuery({
    queryKey: queryKeys.evaluations.list({ ...query }),
    queryFn: () => fetchEvaluations(query),
    placeholderData: keepPreviousData,
  })
}

/** An evaluation in the UI language: switching language re-reads it with translated reasons. */
export function useEvaluation(id: number | null, lang: string) {
  return useQuery({
    queryKey: queryKeys.evaluations.detail(id ?? 0, lang),
    queryFn: () => fetchEvaluation(id as number, lang),
    enabled: id !== null,
    placeholderData: keepPreviousData,
  })
}

export function useTimeline(code: string | null, policyId: number | null) {
  return useQuery({
    queryKey: [...queryKeys.evaluations.all, 'timeline', code, policyId],
    queryFn: () => fetchTimeline(code as string, policyId),
    enabled: code !== null,
  })
}

export function usePolicies() {
  return useQuery({ queryKey: queryKeys.policies, queryFn: fetchPolicies })
}

export function useVocabulary() {
  return useQuery({ queryKey: [...queryKeys.policies, 'vocabulary'], queryFn: fetchVocabulary, staleTime: Infinity })
}
