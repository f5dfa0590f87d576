import { act, screen, within } from '@testing-library/react'
import { useHealth } from '@/lib/api/health'
import i18n from '@/lib/i18n'
import { demoHealth, mockApi } from '@/test/fetchMock'
import afterFirstLoad from '@/test/fixtures/health-after-first-load.json'
import firstLoad from '@/test/fixtures/health-first-load.json'
import { renderWithProviders } from '@/test/render'
import { DemoBanner } from './DemoBanner'

// Recorded from `kabu-trade serve` on an empty data directory (300 demo symbols): the first load
// half-way (chunk 15 of 30), and the same server once it had finished.
const queuedFirstLoad = {
  ...firstLoad,
  jobs: { ...firstLoad.jobs, active: firstLoad.jobs.active.map((job) => ({ ...job, status: 'queued', progress_done: 0, progress_total: 0, progress_label: '' })) },
}

/** Shows the server's version once /health has answered: the banner has rendered with it too. */
function HealthAnswered() {
  const { data } = useHealth()
  return data ? <output>version {data.version}</output> : null
}

afterEach(() => {
  vi.useRealTimers()
})

describe('DemoBanner', () => {
  it('says the data is fictional while the API reports demo data', async () => {
    mockApi([{ path: '/api/v1/health', body: demoHealth(true) }])
    renderWithProviders(<DemoBanner />)
    expect(await screen.findByText('デモデータ（架空の企業）を表示しています')).toBeInTheDocument()
    expect(screen.getByRole('note')).toHaveTextContent('実在の銘柄・株価ではありません。')
  })

  it('speaks English when the UI does', async () => {
    await i18n.changeLanguage('en')
    mockApi([{ path: '/api/v1/health', body: demoHealth(true) }])
    renderWithProviders(<DemoBanner />)
    expect(await screen.findByText('Showing demo data (fictional companies)')).toBeInTheDocument()
  })

  it('is absent with real data, and does not poll while nothing runs', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    const { calls } = mockApi([{ path: '/api/v1/health', body: demoHealth(false) }])
    renderWithProviders(
      <>
        <DemoBanner />
        <HealthAnswered />
      </>,
    )
    expect(await screen.findByText('version 0.1.0')).toBeInTheDocument()
    await act(() => vi.advanceTimersByTimeAsync(120_000))
    expect(calls).toHaveLength(1)
    expect(screen.queryByRole('note')).not.toBeInTheDocument()
    expect(screen.queryByRole('region')).not.toBeInTheDocument()
  })

  it('shows the first demo load with its progress, and that the app works meanwhile', async () => {
    mockApi([{ path: '/api/v1/health', body: firstLoad }])
    renderWithProviders(<DemoBanner />)
    const panel = await screen.findByRole('region', { name: 'デモデータを準備しています' })
    expect(panel).toHaveTextContent('完了を待たずにアプリを使えます')
    const bar = within(panel).getByRole('progressbar', { name: 'データ同期の進み具合' })
    expect(bar).toHaveAttribute('aria-valuenow', '50')
    expect(bar).toHaveAttribute('aria-valuetext', '50% · 2024/04/17〜2024/06/14 の株価')
    expect(panel).toHaveTextContent('2024/04/17〜2024/06/14 の株価')
    // The first load replaces the demo notice while it runs (the data is still partial).
    expect(screen.queryByRole('note')).not.toBeInTheDocument()
  })

  it('says so in English too', async () => {
    await i18n.changeLanguage('en')
    mockApi([{ path: '/api/v1/health', body: firstLoad }])
    renderWithProviders(<DemoBanner />)
    const panel = await screen.findByRole('region', { name: 'Preparing the demo data' })
    expect(panel).toHaveTextContent('You can use the app meanwhile')
    expect(within(panel).getByRole('progressbar', { name: 'Progress: Data sync' })).toHaveAttribute(
      'aria-valuetext',
      '50% · prices Apr 17, 2024 – Jun 14, 2024',
    )
  })

  it('says it waits for a worker while the load is queued, with a bar that does not pretend to measure', async () => {
    mockApi([{ path: '/api/v1/health', body: queuedFirstLoad }])
    renderWithProviders(<DemoBanner />)
    const bar = await screen.findByRole('progressbar')
    expect(bar).not.toHaveAttribute('aria-valuenow')
    expect(bar).toHaveAttribute('aria-valuetext', 'ワーカーが受け付けるのを待っています')
  })

  it('follows the load every 2 s, then gives way to the demo notice and stops polling', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    let answer: unknown = firstLoad
    const { calls } = mockApi([{ path: '/api/v1/health', body: () => answer }])
    renderWithProviders(<DemoBanner />)
    expect(await screen.findByRole('region', { name: 'デモデータを準備しています' })).toBeInTheDocument()

    answer = afterFirstLoad
    await act(() => vi.advanceTimersByTimeAsync(2_000))
    expect(await screen.findByText('デモデータ（架空の企業）を表示しています')).toBeInTheDocument()
    expect(screen.queryByRole('region')).not.toBeInTheDocument()

    const asked = calls.length
    await act(() => vi.advanceTimersByTimeAsync(60_000))
    expect(calls).toHaveLength(asked)
  })

  it('on the sign-in and setup pages, shows only the first load', async () => {
    mockApi([{ path: '/api/v1/health', body: demoHealth(true) }])
    const { unmount } = renderWithProviders(
      <>
        <DemoBanner placement="auth" />
        <HealthAnswered />
      </>,
    )
    expect(await screen.findByText('version 0.1.0')).toBeInTheDocument()
    expect(screen.queryByRole('note')).not.toBeInTheDocument()
    unmount()

    mockApi([{ path: '/api/v1/health', body: firstLoad }])
    renderWithProviders(<DemoBanner placement="auth" />)
    expect(await screen.findByRole('region', { name: 'デモデータを準備しています' })).toHaveClass('demo-banner--auth')
  })
})
