import { screen, within } from '@testing-library/react'
import { mockApi } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import { WatchlistsSection } from './WatchlistsSection'

const watchlist = {
  id: 1,
  name: '高配当候補',
  policy_id: 1,
  created_at: '2026-11-28T11:23:25Z',
  items: [
    {
      code: '8334',
      name: '光陵銀行',
      sector: '銀行業',
      market: 'prime',
      note: null,
      added_at: '2026-11-28T11:23:25Z',
      close: 3770,
      change_pct: -0.2646,
      latest: {
        evaluation_id: 4,
        as_of: '2026-11-27',
        buy_score: 51.02,
        sell_score: 13.17,
        match_score: 71.54,
        recommendation: 'buy',
        buy_change: 3.4,
        sell_change: -1.25,
        match_change: 0,
      },
    },
    {
      code: '1356',
      name: '立山水産',
      sector: '水産・農林業',
      market: 'standard',
      note: null,
      added_at: '2026-11-28T11:23:25Z',
      close: 1767,
      change_pct: 0.6264,
      latest: null,
    },
  ],
}

describe('WatchlistsSection', () => {
  it('explains how to make a watchlist when there is none', async () => {
    mockApi([{ path: '/api/v1/watchlists', body: { items: [], total: 0 } }])
    renderWithProviders(<WatchlistsSection />)
    expect(await screen.findByText('ウォッチリストがまだありません')).toBeInTheDocument()
    expect(screen.getByText(/「ウォッチリストに追加」/)).toBeInTheDocument()
  })

  it('shows each stock with its close, change and latest scores with ▲▼ changes', async () => {
    mockApi([
      { path: '/api/v1/watchlists', body: { items: [{ ...watchlist, items: undefined, size: 2 }], total: 1 } },
      { path: '/api/v1/watchlists/1', body: watchlist },
    ])
    renderWithProviders(<WatchlistsSection />)
    expect(await screen.findByRole('heading', { name: '高配当候補' })).toBeInTheDocument()
    const rows = (await screen.findAllByRole('row')).slice(1)
    expect(rows).toHaveLength(2)
    const bank = within(rows[0]!)
    expect(bank.getByRole('link', { name: /8334 光陵銀行/ })).toHaveAttribute('href', '/stocks/8334')
    expect(rows[0]).toHaveTextContent('¥3,770')
    expect(rows[0]).toHaveTextContent('▼下落 0.26%')
    expect(rows[0]).toHaveTextContent('51.0▲上昇 3.4')
    expect(rows[0]).toHaveTextContent('13.2▼下落 1.3')
    expect(bank.getByText('買い')).toBeInTheDocument()
    expect(rows[1]).toHaveTextContent('▲上昇 0.63%')
    expect(rows[1]).toHaveTextContent('未評価')
  })
})
