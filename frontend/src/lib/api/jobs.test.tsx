import { useQuery } from '@tanstack/react-query'
import { act, screen, waitFor } from '@testing-library/react'
import { mockApi } from '@/test/fetchMock'
import afterFirstLoad from '@/test/fixtures/health-after-first-load.json'
import firstLoad from '@/test/fixtures/health-first-load.json'
import { renderWithProviders } from '@/test/render'
import { api, unwrap } from './client'
import { isJobConflict, queueJob, startSync, useRefreshWhenJobsFinish } from './jobs'
import { queryKeys } from './keys'
import { fetchMe } from './me'

const conflict = { error: 'conflict', detail: 'A refresh job is already queued or running (#3, running).', field: null }
const runningRefresh = {
  id: 3,
  kind: 'refresh',
  status: 'running',
  params: {},
  requested_by: 1,
  created_at: '2026-12-01T09:43:03.960843Z',
  started_at: '2026-12-01T09:43:05.312471Z',
  finished_at: null,
  heartbeat_at: '2026-12-01T09:43:05.313904Z',
  worker: 'worker:vm:11021:fb508172',
  progress_done: 0,
  progress_total: 1,
  progress_label: 'metrics',
  result: null,
  error: null,
}

afterEach(() => {
  vi.useRealTimers()
})

describe('queueing a job', () => {
  it('sends the kind, and answers a 409 with the job in the way', async () => {
    const { calls } = mockApi([
      { method: 'POST', path: '/api/v1/jobs', status: 409, body: conflict },
      { path: '/api/v1/jobs', body: [runningRefresh] },
    ])
    const error = await queueJob('refresh').catch((caught: unknown) => caught)
    expect(isJobConflict(error)).toBe(true)
    if (!isJobConflict(error)) return
    expect(error.status).toBe(409)
    expect(error.kind).toBe('refresh')
    expect(error.active?.id).toBe(3)
    expect(error.detail).toBe(conflict.detail)
    expect(JSON.parse(calls[0]!.body)).toEqual({ kind: 'refresh', replace: false })
    const lookup = calls[1]!.url
    expect(Object.fromEntries(lookup.searchParams)).toEqual({ active: 'true', kind: 'refresh', limit: '1' })
  })

  it('still says it is a conflict when the job in the way cannot be read', async () => {
    mockApi([
      { method: 'POST', path: '/api/v1/sync', status: 409, body: { ...conflict, detail: 'A sync job is already queued or running (#2, queued).' } },
      { path: '/api/v1/jobs', status: 503, body: { error: 'unavailable', detail: 'Database is down.', field: null } },
    ])
    const error = await startSync().catch((caught: unknown) => caught)
    expect(isJobConflict(error) && error.active).toBe(null)
    expect(isJobConflict(error) && error.kind).toBe('sync')
  })

  it('passes other failures through as they are', async () => {
    mockApi([{ method: 'POST', path: '/api/v1/jobs', status: 403, body: { error: 'forbidden', detail: 'Administrators only.', field: null } }])
    const error = await queueJob('sync').catch((caught: unknown) => caught)
    expect(isJobConflict(error)).toBe(false)
    expect(error).toMatchObject({ status: 403, detail: 'Administrators only.' })
  })
})

/** The layout's watcher, beside a query built on market data and the account (not). */
function Watcher() {
  useRefreshWhenJobsFinish()
  const watchlists = useQuery({ queryKey: queryKeys.watchlists.all, queryFn: () => unwrap(api.GET('/api/v1/watchlists')) })
  const me = useQuery({ queryKey: queryKeys.me, queryFn: fetchMe })
  return <output>{watchlists.data && me.data ? 'ready' : 'loading'}</output>
}

describe('useRefreshWhenJobsFinish', () => {
  it('reads the data again once the first load leaves the queue, and only then', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    let health: unknown = firstLoad
    const { calls } = mockApi([
      { path: '/api/v1/health', body: () => health },
      { path: '/api/v1/watchlists', body: [] },
      { path: '/api/v1/users/me', body: { id: 1, username: 'investor' } },
    ])
    const asked = (path: string) => calls.filter((call) => call.url.pathname === path).length
    renderWithProviders(<Watcher />)
    expect(await screen.findByText('ready')).toBeInTheDocument()
    await waitFor(() => expect(asked('/api/v1/health')).toBe(1))

    // Still running: /health is asked again, nothing else.
    await act(() => vi.advanceTimersByTimeAsync(2_000))
    expect(asked('/api/v1/health')).toBe(2)
    expect(asked('/api/v1/watchlists')).toBe(1)

    health = afterFirstLoad
    await act(() => vi.advanceTimersByTimeAsync(2_000))
    await waitFor(() => expect(asked('/api/v1/watchlists')).toBe(2))
    expect(asked('/api/v1/users/me')).toBe(1)
  })
})
