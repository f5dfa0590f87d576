import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from './client'
import type { Health } from './types'

export const healthKey = ['health'] as const

export async function fetchHealth(): Promise<Health> {
  return (await unwrap(api.GET('/api/v1/health'))) as Health
}

/**
 * Data freshness, sync status and whether the data is demo (public endpoint: works signed out).
 * Polls every few seconds while a sync runs, every minute otherwise.
 */
export function useHealth() {
  return useQuery({
    queryKey: healthKey,
    queryFn: fetchHealth,
    staleTime: 15_000,
    refetchInterval: (query) => (query.state.data?.data.last_sync?.status === 'running' ? 3_000 : 60_000),
  })
}
