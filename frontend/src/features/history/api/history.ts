import { api, unwrap } from '@/lib/api/client'
import type { components } from '@/lib/api/schema'
import type { EvaluationList, EvaluationRead, PolicyList } from '@/lib/api/types'
import type { EvaluationQuery } from '../model/filters'

export type Timeline = components['schemas']['Timeline']
export type TimelinePoint = components['schemas']['TimelinePoint']
export type Vocabulary = components['schemas']['RuleVocabulary']

export async function fetchEvaluations(query: EvaluationQuery): Promise<EvaluationList> {
  return unwrap(api.GET('/api/v1/evaluations', { params: { query } }))
}

/** One evaluation with its reasons in `lang`, and what the price did since. */
export async function fetchEvaluation(id: number, lang: string): Promise<EvaluationRead> {
  return unwrap(
    api.GET('/api/v1/evaluations/{evaluation_id}', {
      params: { path: { evaluation_id: id }, header: { 'Accept-Language': lang } },
    }),
  )
}

/** A stock's scores over time, oldest first (optionally under one policy). */
export async function fetchTimeline(code: string, policyId: number | null): Promise<Timeline> {
  return unwrap(
    api.GET('/api/v1/evaluations/timeline', {
      params: { query: policyId ? { stock_code: code, policy_id: policyId } : { stock_code: code } },
    }),
  )
}

export async function fetchPolicies(): Promise<PolicyList> {
  return unwrap(api.GET('/api/v1/policies'))
}

/** Metric labels (ja/en) for the figures an evaluation used. */
export async function fetchVocabulary(): Promise<Vocabulary> {
  return unwrap(api.GET('/api/v1/policies/vocabulary'))
}
