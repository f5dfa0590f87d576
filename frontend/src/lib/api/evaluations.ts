import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api, unwrap } from './client'
import { queryKeys } from './keys'
import type { EvaluationRead } from './types'

/** One evaluation with its reasons in `lang` (Accept-Language), and what the price did since. */
export async function fetchEvaluation(id: number, lang: string): Promise<EvaluationRead> {
  return unwrap(
    api.GET('/api/v1/evaluations/{evaluation_id}', {
      params: { path: { evaluation_id: id }, header: { 'Accept-Language': lang } },
    }),
  )
}

/**
 * An evaluation in the UI language (null: none yet): switching language re-reads it with
 * translated reasons, keeping the previous one on screen meanwhile.
 */
export function useEvaluation(id: number | null, lang: string, options: { staleTime?: number } = {}) {
  return useQuery({
    queryKey: queryKeys.evaluations.detail(id ?? 0, lang),
    queryFn: () => fetchEvaluation(id as number, lang),
    enabled: id !== null,
    placeholderData: keepPreviousData,
    ...options,
  })
}
