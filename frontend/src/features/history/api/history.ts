import { api, unwrap } from '@/lib/api/client'
import type { components } from '@/lib/api/schema'
import type { EvaluationList } from '@/lib/api/types'
import type { EvaluationQuery } from '../model/filters'

export type Timeline = components['schemas']['Timeline']
export type TimelinePoint = components['schemas']['TimelinePoint']

export async function fetchEvaluations(query: EvaluationQuery): Promise<EvaluationList> {
  return unwrap(api.GET('/api/v1/evaluations', { params: { query } }))
}

/** A stock's scores over time, oldest first (optionally under one policy). */
export async function fetchTimeline(code: string, policyId: number | null): Promise<Timeline> {
  return unwrap(
    api.GET('/api/v1/evaluations/timeline', {
      params: { query: policyId ? { stock_code: code, policy_id: policyId } : { stock_code: code } },
    }),
  )
}
