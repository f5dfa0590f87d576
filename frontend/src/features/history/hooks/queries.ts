import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { queryKeys } from '@/lib/api/keys'
import { fetchEvaluations, fetchTimeline } from '../api/history'
import type { EvaluationQuery } from '../model/filters'

export function useEvaluations(query: EvaluationQuery) {
  return useQuery({
    queryKey: queryKeys.evaluations.list({ ...query }),
    queryFn: () => fetchEvaluations(query),
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
