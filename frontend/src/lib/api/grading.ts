import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api, unwrap } from './client'
import { queryKeys } from './keys'
import type { components } from './schema'

export type GradingReport = components['schemas']['GradingReport']
export type GradeRead = components['schemas']['GradeRead']
export type GradeHorizon = GradeRead['horizon']

export interface GradingQuery {
  policyId: number | null
  horizon: GradeHorizon
}

/** 答え合わせ in aggregate: the user's graded evaluations (of one policy, or all) at one horizon. */
export async function fetchGrading({ policyId, horizon }: GradingQuery): Promise<GradingReport> {
  return unwrap(
    api.GET('/api/v1/evaluations/grading', {
      params: { query: policyId ? { policy_id: policyId, horizon } : { horizon } },
    }),
  )
}

export function useGrading(query: GradingQuery) {
  return useQuery({
    queryKey: [...queryKeys.evaluations.all, 'grading', query.policyId, query.horizon],
    queryFn: () => fetchGrading(query),
    placeholderData: keepPreviousData,
  })
}
