import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import { api, unwrap } from './client'
import { ApiError, isApiError } from './errors'
import { ACTIVE_POLL_MS, activeJobs, healthKey, useHealth } from './health'
import { queryKeys } from './keys'
import type { JobKind, JobRead, JobStatus } from './types'

/**
 * Jobs (sync, metrics refresh) run by a worker on the server; the API only queues them and reports
 * their progress. Used by the dashboard's data card, the settings page and the first-load banner.
 */

export function isActive(status: JobStatus | string): boolean {
  return status === 'queued' || status === 'running'
}

export interface JobsQuery {
  limit?: number
  active?: boolean
  kind?: JobKind
}

export async function fetchJobs(query: JobsQuery = {}): Promise<JobRead[]> {
  return unwrap(api.GET('/api/v1/jobs', { params: { query } }))
}

export async function fetchJob(id: number): Promise<JobRead> {
  return unwrap(api.GET('/api/v1/jobs/{job_id}', { params: { path: { job_id: id } } }))
}

/**
 * A 409: a job of this kind is already queued or running. `active` is that job (looked up, so the
 * screen can name it in the reader's language and follow it), or null if it could not be read.
 */
export class JobConflictError extends ApiError {
  readonly kind: JobKind
  readonly active: JobRead | null

  constructor(cause: ApiError, kind: JobKind, active: JobRead | null) {
    super(cause.status, { error: cause.code, detail: cause.detail, field: cause.field, errors: cause.errors })
    this.name = 'JobConflictError'
    this.kind = kind
    this.active = active
  }
}

export function isJobConflict(error: unknown): error is JobConflictError {
  return error instanceof JobConflictError
}

/** Turn a 409 into a JobConflictError that knows the job in the way. */
async function explainConflict(error: unknown, kind: JobKind): Promise<never> {
  if (!isApiError(error) || error.status !== 409) throw error
  const active = await fetchJobs({ active: true, kind, limit: 1 }).then(
    (jobs) => jobs[0] ?? null,
    () => null, // the 409 itself is what matters: say it without the job's details
  )
  throw new JobConflictError(error, kind, active)
}

/** POST /jobs (administrators): queue a sync or a refresh of the metrics. */
export async function queueJob(kind: JobKind): Promise<JobRead> {
  return unwrap(api.POST('/api/v1/jobs', { body: { kind, replace: false } })).catch((error: unknown) =>
    explainConflict(error, kind),
  )
}

/** POST /sync (administrators): queue a sync from the server's configured source. */
export async function startSync(): Promise<JobRead> {
  return unwrap(api.POST('/api/v1/sync')).catch((error: unknown) => explainConflict(error, 'sync'))
}

/** One job; polls every 2 s while it is queued or running, stops once it has finished. */
export function useJob(id: number | null) {
  return useQuery({
    queryKey: queryKeys.jobs.detail(id ?? 0),
    queryFn: () => fetchJob(id as number),
    enabled: id !== null,
    refetchInterval: (query) => (query.state.data && isActive(query.state.data.status) ? ACTIVE_POLL_MS : false),
  })
}

/** Recent jobs, newest first; polls every 2 s while one of them is queued or running. */
export function useJobs(query: JobsQuery = {}, enabled = true) {
  return useQuery({
    queryKey: queryKeys.jobs.list({ ...query }),
    queryFn: () => fetchJobs(query),
    enabled,
    refetchInterval: (state) => (state.state.data?.some((job) => isActive(job.status)) ? ACTIVE_POLL_MS : false),
  })
}

/**
 * Queue a job (`startSync` for POST /sync, `queueJob` for POST /jobs). The new job, or the one a
 * 409 names, goes into the cache so that `useJob` shows it at once; /health and the job list are
 * asked again so that they poll while it runs.
 */
export function useQueueJob<Args>(queue: (args: Args) => Promise<JobRead>) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: queue,
    onSuccess: (job) => queryClient.setQueryData(queryKeys.jobs.detail(job.id), job),
    onError: (error) => {
      if (isJobConflict(error) && error.active) queryClient.setQueryData(queryKeys.jobs.detail(error.active.id), error.active)
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobs.lists })
      void queryClient.invalidateQueries({ queryKey: healthKey })
    },
  })
}

/** Queries that never depend on market data: kept when a job changes the data. */
const UNRELATED_TO_DATA = new Set(['me', 'policies', 'auth'])
const refreshedFor = new WeakMap<QueryClient, Set<number>>()

/**
 * A job finished (succeeded or failed: a failed sync keeps the chunks it wrote): everything built
 * on the market data is read again — watchlists, evaluations, stocks, the screener, /health.
 * Once per job, however many places notice it.
 */
export function refreshAfterJob(queryClient: QueryClient, jobId: number): void {
  let seen = refreshedFor.get(queryClient)
  if (!seen) {
    seen = new Set()
    refreshedFor.set(queryClient, seen)
  }
  if (seen.has(jobId)) return
  seen.add(jobId)
  void queryClient.invalidateQueries({ predicate: (query) => !UNRELATED_TO_DATA.has(String(query.queryKey[0])) })
}

/**
 * Watches /health for jobs that leave the queue (the first demo load, a sync someone else
 * started) and refreshes the data they changed. Mounted once, in the signed-in layout.
 */
export function useRefreshWhenJobsFinish(): void {
  const queryClient = useQueryClient()
  const { data } = useHealth()
  const lastActive = useRef<Set<number> | null>(null)
  useEffect(() => {
    if (!data) return
    const active = new Set(activeJobs(data).map((job) => job.id))
    for (const id of lastActive.current ?? []) if (!active.has(id)) refreshAfterJob(queryClient, id)
    lastActive.current = active
  }, [data, queryClient])
}
