import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from './client'
import { queryKeys } from './keys'
import type { PolicyList, Vocabulary } from './types'

export async function fetchPolicies(): Promise<PolicyList> {
  return unwrap(api.GET('/api/v1/policies'))
}

/** The user's policies: one query (and key) for every picker and the policies page. */
export function usePolicies() {
  return useQuery({ queryKey: queryKeys.policies, queryFn: fetchPolicies })
}

/** Metrics (with ja/en labels and units), rule types and operators of the policy language. */
export async function fetchVocabulary(): Promise<Vocabulary> {
  return unwrap(api.GET('/api/v1/policies/vocabulary'))
}

export function useVocabulary() {
  return useQuery({ queryKey: queryKeys.vocabulary, queryFn: fetchVocabulary, staleTime: Infinity })
}
