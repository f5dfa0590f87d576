import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import i18n from '@/lib/i18n'
import type { MarketOverview } from '@/lib/api/types'
import { mockApi } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import { MarketOverviewCard } from './MarketOverviewCard'

const sector = (name: string, code: string, move: number, count = 3) => ({
  sector: name,
  sector_code: code,
  count,
  advancers: move > 0 ? count : 0,
  decliners: move < 0 ? count : 0,
  average_change_pct: move,
})

const overview: MarketOverview = {
  as_of: '2024-12-30',
  stocks: 40,
  advancers: 22,
  decliners: 15,
  unchanged: 3,
  average_change_pct: 0.4123,
  sectors: [
    sector('銀行業', '7050', 1.8),
    sector('電気機器', '3650', 1.1),
    sector('輸送用機器', '3700', 0.7),
    sector('化学', '3200', 0.2),
    sector('食料品', '3050', -0.3),
    sector('小売業', '6100', -0.9),
    sector('不動産業', '8050', -1.6),
  ],
  benchmark: { kind: 'equal_weight_universe', change_pct: 0.4123 },
  demo: true,
}

describe('MarketOverviewCard', () => {
  it('shows the equal-weight benchmark by its name, the breadth and the sectors at both ends', async () => {
    const { calls } = mockApi([{ path: '/api/v1/market/overview', body: overview }])
    renderWithProviders(<MarketOverviewCard />)
    await screen.findByText('全銘柄の単純平均')
    const card = document.getElementById('market-overview')!
    expect(calls.map((c) => c.url.pathname)).toContain('/api/v1/market/overview')
    expect(screen.getByText(/指数（TOPIX など）がないため/)).toBeInTheDocument()
    expect(card.querySelector('.market-overview__move.change--up')).toHaveTextContent('0.41%')
    expect(screen.getByRole('img', { name: '値上がり 22、値下がり 15、変わらず 3（40 銘柄）' })).toBeInTheDocument()

    const strongest = screen.getByRole('heading', { name: '上昇上位' }).parentElement!
    expect(within(strongest).getAllByRole('listitem').map((li) => li.firstChild!.textContent)).toEqual([
      '銀行業',
      '電気機器',
      '輸送用機器',
    ])
    const weakest = screen.getByRole('heading', { name: '下落上位' }).parentElement!
    const first = within(weakest).getAllByRole('listitem')[0]!
    expect(first).toHaveTextContent('不動産業')
    expect(first.querySelector('.change--down')).toHaveTextContent('1.60%')

    await userEvent.click(screen.getByText('すべての業種（7）'))
    expect(screen.getByText('化学')).toBeVisible()
  })

  it('names sectors in English and says when there are no prices yet', async () => {
    await i18n.changeLanguage('en')
    mockApi([{ path: '/api/v1/market/overview', body: overview }])
    const { unmount } = renderWithProviders(<MarketOverviewCard />)
    expect(await screen.findByText('Equal-weight average of all stocks')).toBeInTheDocument()
    expect(screen.getAllByText('Banks').length).toBeGreaterThan(0)
    unmount()
    mockApi([
      {
        path: '/api/v1/market/overview',
        body: { ...overview, as_of: null, stocks: 0, advancers: 0, decliners: 0, unchanged: 0, sectors: [], average_change_pct: null, benchmark: { kind: 'equal_weight_universe', change_pct: null } },
      },
    ])
    renderWithProviders(<MarketOverviewCard />)
    expect(await screen.findByText(/No prices yet/)).toBeInTheDocument()
  })

  it('shows the stored index by its name, with its close and change, beside the universe average', async () => {
    await i18n.changeLanguage('ja')
    const topix = {
      kind: 'index',
      code: 'TOPIX',
      name: 'TOPIX',
      close: 2525.5,
      change: -25.25,
      change_pct: -0.9899,
    }
    mockApi([{ path: '/api/v1/market/overview', body: { ...overview, benchmark: topix } }])
    const { unmount } = renderWithProviders(<MarketOverviewCard />)
    await screen.findByText('TOPIX（東証株価指数）')
    const card = document.getElementById('market-overview')!
    expect(card.querySelector('.market-overview__move.change--down')).toHaveTextContent('0.99%')
    expect(card.querySelector('.market-overview__index-close')).toHaveTextContent('2,525.50 ポイント')
    expect(card.querySelector('.market-overview__index-change.change--down')).toHaveTextContent('25.25 ポイント')
    expect(card.querySelector('.market-overview__average')).toHaveTextContent('全銘柄の単純平均')
    expect(card.querySelector('.market-overview__average .change--up')).toHaveTextContent('0.41%')
    expect(screen.queryByText(/指数（TOPIX など）がないため/)).not.toBeInTheDocument()
    expect(screen.getByText('前営業日の終値との比較です。')).toBeInTheDocument()
    unmount()

    await i18n.changeLanguage('en')
    const demo = { ...topix, code: 'TOPIX_DEMO', name: 'TOPIX (demo)', change: 12, change_pct: 0.5 }
    mockApi([{ path: '/api/v1/market/overview', body: { ...overview, benchmark: demo } }])
    renderWithProviders(<MarketOverviewCard />)
    expect(await screen.findByText('TOPIX (demo)')).toBeInTheDocument()
    expect(screen.getByText('A fictional index of the demo data, not the real TOPIX.')).toBeInTheDocument()
    const demoCard = document.getElementById('market-overview')!
    expect(demoCard.querySelector('.market-overview__index-change.change--up')).toHaveTextContent('12.00 points')
    expect(demoCard.querySelector('.market-overview__index-close')).toHaveTextContent('2,525.50 points')
  })
})
