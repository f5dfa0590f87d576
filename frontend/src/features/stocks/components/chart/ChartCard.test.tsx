import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { vi } from 'vitest'
import i18n from '@/lib/i18n'
import { mockApi } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import { ChartCard } from './ChartCard'

// The canvas chart itself needs a browser; here: what the card asks for and offers.
vi.mock('./PriceChart', () => ({
  PriceChart: ({ data }: { data: { bars: unknown[]; sma: Record<number, (number | null)[]> } }) => (
    <output data-testid="chart">
      {data.bars.length} bars; sma5 {data.sma[5]!.filter((v) => v !== null).length}; sma200{' '}
      {data.sma[200]!.filter((v) => v !== null).length}
    </output>
  ),
}))

function bars(n: number, stepDays: number) {
  const start = Date.UTC(2015, 0, 2)
  return Array.from({ length: n }, (_, i) => {
    const date = new Date(start + i * stepDays * 86_400_000).toISOString().slice(0, 10)
    const close = 1000 + i
    return { date, open: close - 2, high: close + 5, low: close - 5, close, volume: 1000 }
  })
}

function mockPrices() {
  return mockApi([
    {
      path: '/api/v1/stocks/7203/prices',
      body: (_request: Request, url: URL) => {
        const interval = url.searchParams.get('interval') ?? '1d'
        const items = interval === '1w' ? bars(500, 7) : interval === '1mo' ? bars(120, 30) : bars(500, 1)
        return { code: '7203', adjusted: true, interval, period: url.searchParams.get('period'), from: null, to: null, items, demo: true }
      },
    },
  ])
}

describe('ChartCard intervals', () => {
  it('switches to weekly and monthly candles with the averages of those charts', async () => {
    const { calls } = mockPrices()
    renderWithProviders(<ChartCard code="7203" name="トヨタ自動車" levels={null} />)
    await screen.findByTestId('chart')
    const daily = calls.filter((c) => c.url.pathname.endsWith('/prices'))
    expect(daily.at(-1)!.url.searchParams.get('interval')).toBe('1d')
    expect(screen.getByRole('checkbox', { name: 'SMA 200' })).toBeInTheDocument()

    await userEvent.click(screen.getByRole('radio', { name: '週足' }))
    await waitFor(() => expect(screen.getByRole('radio', { name: '週足' })).toHaveAttribute('aria-checked', 'true'))
    const weekly = calls.filter((c) => c.url.searchParams.get('interval') === '1w')
    expect(weekly).toHaveLength(1)
    expect(weekly[0]!.url.searchParams.get('period')).toBe('max')
    // 13/26/52-week averages over the candles; no 200-bar slot on a weekly chart.
    expect(screen.getAllByRole('checkbox').map((box) => box.parentElement!.textContent)).toEqual([
      'SMA 13週',
      'SMA 26週',
      'SMA 52週',
      'ボリンジャー (20, 2σ)',
    ])
    await waitFor(() => expect(screen.getByTestId('chart')).toHaveTextContent('500 bars; sma5 488; sma200 0'))
    expect(screen.getByRole('radio', { name: '2年' })).toHaveAttribute('aria-checked', 'true')

    await userEvent.click(screen.getByRole('radio', { name: '月足' }))
    await waitFor(() => expect(screen.getByTestId('chart')).toHaveTextContent('120 bars; sma5 109; sma200 0'))
    expect(screen.getByRole('checkbox', { name: 'SMA 60か月' })).toBeInTheDocument()
  })

  it('names the switch in English', async () => {
    mockPrices()
    await i18n.changeLanguage('en')
    renderWithProviders(<ChartCard code="7203" name="Toyota" levels={null} />)
    expect(screen.getByRole('radiogroup', { name: 'Candles' })).toBeInTheDocument()
    expect(screen.getAllByRole('radio', { name: /Daily|Weekly|Monthly/ })).toHaveLength(3)
  })
})
