import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { queryKeys } from '@/lib/api/keys'
import type { JobRead } from '@/lib/api/types'
import { demoHealth, mockApi, type MockRoute } from '@/test/fetchMock'
import firstLoadHealth from '@/test/fixtures/health-first-load.json'
import recent from '@/test/fixtures/jobs-recent.json'
import { renderWithProviders } from '@/test/render'
import failed from '../fixtures/job-sync-failed.json'
import queued from '../fixtures/job-sync-queued.json'
import running from '../fixtures/job-sync-running.json'
import succeeded from '../fixtures/job-sync-succeeded.json'
import { DataStatusCard } from './DataStatusCard'

// Recorded from the API: POST /sync (job 2 queued), GET /jobs/2 while it ran and once it had
// finished (the demo had nothing new), and a J-Quants sync (job 4) that failed without an API key.
const admin = { id: 1, username: 'investor', is_admin: true, language: 'ja', created_at: '2026-11-28T11:38:51Z', last_login_at: null }
const member = { ...admin, id: 2, username: 'member', is_admin: false }
const syncRuns = [
  {
    id: 1,
    source: 'demo',
    status: 'succeeded',
    started_at: '2026-12-01T09:41:33.187549Z',
    finished_at: '2026-12-01T09:41:44.146973Z',
    from_date: '2022-01-04',
    to_date: '2026-12-01',
    steps_total: 30,
    steps_done: 30,
    stocks_written: 300,
    bars_written: 359700,
    fundamentals_written: 7200,
    error: null,
    stale: false,
  },
]

/** Answers GET /jobs/{id} with each of `answers` in turn, then the last one for ever. */
function inTurn(answers: unknown[]) {
  let asked = 0
  return () => answers[Math.min(asked++, answers.length - 1)]
}

function renderCard(routes: MockRoute[], me: object = admin) {
  const api = mockApi([
    ...routes,
    { path: '/api/v1/users/me', body: me },
    { path: '/api/v1/sync/runs', body: syncRuns },
    { path: '/api/v1/health', body: demoHealth(true) },
  ])
  const rendered = renderWithProviders(<DataStatusCard />)
  return { ...api, ...rendered }
}

const tick = () => act(() => vi.advanceTimersByTimeAsync(2_000))

/** The followed job's status line (announced as it changes), inside the card. */
async function jobStatus(): Promise<HTMLElement> {
  const card = await screen.findByRole('region', { name: 'データの状態' })
  return within(card).findByRole('status')
}

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true })
})

afterEach(() => {
  vi.useRealTimers()
})

describe('DataStatusCard', () => {
  it('queues a sync and follows it every 2 s: queued, running, done — then the data is read again', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    const { calls, queryClient } = renderCard([
      { method: 'POST', path: '/api/v1/sync', status: 202, body: queued },
      { path: '/api/v1/jobs/2', body: inTurn([running, succeeded]) },
    ])
    queryClient.setQueryData(queryKeys.watchlists.all, [])
    const button = await screen.findByRole('button', { name: '今すぐ同期' })
    await waitFor(() => expect(button).toBeEnabled())
    await user.click(button)

    const status = await jobStatus()
    expect(status).toHaveTextContent('待機中')
    expect(status).toHaveTextContent('データ同期 #2')
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuetext', 'ワーカーが受け付けるのを待っています')
    expect(button).toBeDisabled()
    expect(calls.find((call) => call.method === 'POST')!.url.pathname).toBe('/api/v1/sync')

    await tick()
    await waitFor(() => expect(status).toHaveTextContent('実行中'))
    expect(queryClient.getQueryState(queryKeys.watchlists.all)?.isInvalidated).toBe(false)

    await tick()
    await waitFor(() => expect(status).toHaveTextContent('完了'))
    expect(status).toHaveTextContent('新しいデータはありませんでした')
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument()
    expect(queryClient.getQueryState(queryKeys.watchlists.all)?.isInvalidated).toBe(true)
    await waitFor(() => expect(button).toBeEnabled())

    // Finished: no more questions about it.
    const asked = calls.filter((call) => call.url.pathname === '/api/v1/jobs/2').length
    await act(() => vi.advanceTimersByTimeAsync(20_000))
    expect(calls.filter((call) => call.url.pathname === '/api/v1/jobs/2')).toHaveLength(asked)
  })

  it('answers a 409 by naming the sync in the way, and follows that one', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    renderCard([
      {
        method: 'POST',
        path: '/api/v1/sync',
        status: 409,
        body: { error: 'conflict', detail: 'A sync job is already queued or running (#2, running).', field: null },
      },
      { path: '/api/v1/jobs', body: [running] },
      { path: '/api/v1/jobs/2', body: running },
    ])
    const button = await screen.findByRole('button', { name: '今すぐ同期' })
    await waitFor(() => expect(button).toBeEnabled())
    await user.click(button)
    const notice = await screen.findByText('データ同期（#2）がすでに実行中です。終わるまでお待ちください。')
    expect(notice).toHaveClass('notice')
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
    const line = screen.getAllByRole('status').find((el) => el.classList.contains('sync-line'))
    expect(line).toHaveTextContent('実行中')
    expect(line).toHaveTextContent('データ同期 #2')
  })

  it('follows a sync someone else started, and shows why it failed (members see it too, without the button)', async () => {
    const reported = {
      ...demoHealth(true),
      jobs: { queue: { queued: 0, running: 1 }, active: [{ id: 4, kind: 'sync', status: 'running', first_load: false, progress_done: 0, progress_total: 0, progress_label: '', created_at: failed.created_at }] },
    }
    renderCard(
      [
        { path: '/api/v1/health', body: reported },
        { path: '/api/v1/jobs/4', body: inTurn([{ ...failed, status: 'running', finished_at: null, error: null }, failed]) },
      ],
      member,
    )
    const line = await jobStatus()
    await waitFor(() => expect(line).toHaveTextContent('実行中'))
    expect(screen.queryByRole('button', { name: '今すぐ同期' })).not.toBeInTheDocument()

    await tick()
    await waitFor(() => expect(line).toHaveTextContent('失敗'))
    expect(line).toHaveTextContent('The J-Quants provider needs an API key: set KABU_JQUANTS_API_KEY')
  })

  it('shows the first demo load as the job in progress', async () => {
    const first = (recent as JobRead[])[3]!
    const loading = { ...first, status: 'running', finished_at: null, result: null, progress_done: 15, progress_total: 30, progress_label: '2024-04-17…2024-06-14' }
    renderCard([
      { path: '/api/v1/health', body: firstLoadHealth },
      { path: '/api/v1/jobs/1', body: loading },
    ])
    const card = await screen.findByRole('region', { name: 'データの状態' })
    await waitFor(() => expect(within(card).getByText('初回のデモデータ読み込み')).toBeInTheDocument())
    expect(within(card).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '50')
    // A sync is running: nobody can queue another.
    expect(within(card).getByRole('button', { name: '今すぐ同期' })).toBeDisabled()
  })
})
