import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from './client'
import type { ActiveJob, Health } from './types'

export const healthKey = ['health'] as const

/** How often /health is asked while a job is queued or running (never otherwise). */
export const ACTIVE_POLL_MS = 2_000

export async function fetchHealth(): Promise<Health> {
  return (await unwrap(api.GET('/api/v1/health'))) as Health
}

/** The queued and running jobs /health reports (sync, refresh, the first demo load). */
export function activeJobs(health: Health | undefined): ActiveJob[] {
  return health?.jobs?.active ?? []
}

/** The first demo load of an empty install while it is queued or running, else null. */
export function firstLoadJob(health: Health | undefined): ActiveJob | null {
  return activeJobs(health).find((job) => job.first_load) ?? null
}

/** Whether work is in progress: a job, or a sync run whose process is still alive. */
export function hasWorkInProgress(health: Health | undefined): boolean {
  const lastSync = health?.data.last_sync
  return activeJobs(health).length > 0 || (lastSync?.status === 'running' && !lastSync.stale)
}

/**
 * Data freshness, jobs in progress and whether the data is demo (public endpoint: works signed
 * out). Polls every 2 s while a job is queued or running, and not at all otherwise: every page
 * that shows it reads it afresh when it opens (staleTime).
 */
export function useHealth() {
  return useQuery({
    queryKey: healthKey,
    queryFn: fetchHealth,
    staleTime: 15_000,
    refetchInterval: (query) => (hasWorkInProgress(query.state.data) ? ACTIVE_POLL_MS : false),
  })
}
