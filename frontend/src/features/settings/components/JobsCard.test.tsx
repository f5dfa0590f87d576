import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { JobRead } from '@/lib/api/types'
import i18n from '@/lib/i18n'
import { mockApi, type MockRoute } from '@/test/fetchMock'
import recent from '@/test/fixtures/jobs-recent.json'
import { renderWithProviders } from '@/test/render'
import { JobsCard } from './JobsCard'

// GET /jobs?limit=10 recorded after a first load, a sync with nothing new, a metrics refresh and
// a J-Quants sync that failed for want of an API key (newest first).
const jobs = recent as JobRead[]
const [, refresh] = jobs
const queuedRefresh: JobRead = {
  ...refresh!,
  id: 5,
  status: 'queued',
  created_at: '2026-12-01T09:50:00Z',
  started_at: null,
  finished_at: null,
  heartbeat_at: null,
  worker: null,
  progress_done: 0,
  progress_total: 0,
  progress_label: '',
  result: null,
}

function renderJobs(routes: MockRoute[] = []) {
  const api = mockApi([...routes, { path: '/api/v1/jobs', body: jobs }])
  renderWithProviders(<JobsCard />, { route: '/settings' })
  return api
}

/** The rows of the jobs table, by job number. */
async function rowOf(id: number): Promise<HTMLElement> {
  const table = await screen.findByRole('table')
  return within(table).getByRole('row', { name: new RegExp(`^#${id} `) })
}

afterEach(() => {
  vi.useRealTimers()
})

describe('JobsCard', () => {
  it('lists recent jobs with kind, status, what they did or why they failed, times and worker', async () => {
    renderJobs()
    const first = await rowOf(1)
    expect(first).toHaveTextContent('データ同期')
    expect(first).toHaveTextContent('初回のデモデータ読み込み')
    expect(first).toHaveTextContent('ソース：デモ（オフライン生成）')
    expect(first).toHaveTextContent('完了')
    expect(first).toHaveTextContent('300 銘柄・日足 359,700 本・財務 7,200 件を更新')
    expect(first).toHaveTextContent('2026/12/01 18:41')
    expect(first).toHaveTextContent('システム') // no one asked: the install queued it
    expect(first).toHaveTextContent('17 秒')
    expect(first).toHaveTextContent('worker:vm:11021:fb508172')

    const failed = await rowOf(4)
    expect(failed).toHaveTextContent('失敗')
    expect(failed).toHaveTextContent('ソース：J-Quants API')
    expect(failed).toHaveTextContent('The J-Quants provider needs an API key')
    expect(await rowOf(3)).toHaveTextContent('指標の再計算')
    expect(await rowOf(3)).toHaveTextContent('300 銘柄の指標を再計算')
  })

  it('queues a metrics refresh and follows it in the list', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    let listed = jobs
    const { calls } = mockApi([
      { method: 'POST', path: '/api/v1/jobs', status: 202, body: queuedRefresh },
      { path: '/api/v1/jobs', body: () => listed },
    ])
    renderWithProviders(<JobsCard />, { route: '/settings' })
    await rowOf(1)
    listed = [queuedRefresh, ...jobs]
    await user.click(screen.getByRole('button', { name: '指標を再計算' }))

    expect(await screen.findByText('指標の再計算（#5）を追加しました。進み具合は下の一覧に表示されます。')).toBeInTheDocument()
    expect(JSON.parse(calls.find((call) => call.method === 'POST')!.body)).toEqual({ kind: 'refresh', replace: false })
    const row = await waitFor(() => rowOf(5))
    expect(row).toHaveTextContent('待機中')
    expect(within(row).getByRole('progressbar')).toHaveAttribute('aria-valuetext', 'ワーカーが受け付けるのを待っています')

    // Queued: the list is read again every 2 s until it has finished.
    listed = [{ ...queuedRefresh, status: 'succeeded', started_at: '2026-12-01T09:50:01Z', finished_at: '2026-12-01T09:50:03Z', worker: 'worker:vm:1:a', result: { metrics: 300 } }, ...jobs]
    await act(() => vi.advanceTimersByTimeAsync(2_000))
    await waitFor(async () => expect(await rowOf(5)).toHaveTextContent('300 銘柄の指標を再計算'))
    const asked = calls.filter((call) => call.method === 'GET').length
    await act(() => vi.advanceTimersByTimeAsync(20_000))
    expect(calls.filter((call) => call.method === 'GET')).toHaveLength(asked)
  })

  it('names the job in the way when one of that kind is already queued or running (409)', async () => {
    const runningSync = { ...jobs[2]!, id: 6, status: 'running', finished_at: null, result: null }
    renderJobs([
      {
        method: 'POST',
        path: '/api/v1/jobs',
        status: 409,
        body: { error: 'conflict', detail: 'A sync job is already queued or running (#6, running).', field: null },
      },
      { path: '/api/v1/jobs', body: (_request: Request, url: URL) => (url.searchParams.get('active') ? [runningSync] : jobs) },
    ])
    await rowOf(1)
    await userEvent.click(screen.getByRole('button', { name: 'データを同期' }))
    const message = await screen.findByText('データ同期（#6）がすでに実行中です。終わるまでお待ちください。')
    expect(message).toHaveClass('set-job-message--conflict')
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
  })

  it('speaks English', async () => {
    await i18n.changeLanguage('en')
    renderJobs()
    const failed = await rowOf(4)
    expect(failed).toHaveTextContent('Data sync')
    expect(failed).toHaveTextContent('Failed')
    expect(await rowOf(1)).toHaveTextContent('First demo load')
    expect(screen.getByRole('button', { name: 'Recompute metrics' })).toBeInTheDocument()
  })
})
