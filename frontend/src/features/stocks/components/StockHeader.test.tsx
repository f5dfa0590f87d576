import { screen } from '@testing-library/react'
import i18n from '@/lib/i18n'
import type { StockDetail } from '@/lib/api/types'
import { mockApi } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import { StockHeader } from './StockHeader'

const stock: StockDetail = {
  code: '7203',
  name: 'トヨタ自動車',
  name_kana: null,
  name_en: 'TOYOTA MOTOR CORPORATION',
  sector: '輸送用機器',
  sector_code: '3700',
  sector_en: 'Transportation Equipment',
  market: 'prime',
  lot_size: 100,
  source: 'jquants',
  demo: false,
  as_of: '2026-11-27',
  last_close: 3000,
  previous_close: 2950,
  change: 50,
  change_pct: 1.69,
  fundamentals: null,
}

describe('StockHeader', () => {
  beforeEach(() => {
    mockApi([{ path: '/api/v1/watchlists', body: { items: [] } }])
  })

  it('leads with the English company and sector names in English, the Japanese name below', async () => {
    await i18n.changeLanguage('en')
    renderWithProviders(<StockHeader stock={stock} />)
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('TOYOTA MOTOR CORPORATION')
    expect(screen.getByText('トヨタ自動車')).toHaveClass('stock-header__sub')
    expect(screen.getByText('Transportation Equipment')).toHaveClass('chip')
    expect(screen.queryByText('輸送用機器')).not.toBeInTheDocument()
  })

  it('keeps the Japanese names in Japanese', () => {
    renderWithProviders(<StockHeader stock={stock} />)
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('トヨタ自動車')
    expect(screen.getByText('輸送用機器')).toHaveClass('chip')
    expect(screen.getByText('TOYOTA MOTOR CORPORATION')).toHaveClass('stock-header__sub')
  })

  it('shows the Japanese name alone in English when the data has no English one', async () => {
    await i18n.changeLanguage('en')
    renderWithProviders(<StockHeader stock={{ ...stock, name_en: null, sector_en: null, sector: '独自業種', sector_code: null }} />)
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('トヨタ自動車')
    expect(screen.getAllByText('トヨタ自動車')).toHaveLength(1) // not repeated as a second line
    expect(screen.getByText('独自業種')).toHaveClass('chip')
  })
})

describe('StockHeader next earnings', () => {
  beforeEach(() => {
    mockApi([{ path: '/api/v1/watchlists', body: { items: [] } }])
  })

  it('shows the estimated earnings date with the sessions left, in both languages', async () => {
    const next = { date: '2026-12-11', days: 14, sessions: 10, estimated: true }
    const { unmount } = renderWithProviders(<StockHeader stock={{ ...stock, next_earnings: next }} />)
    expect(screen.getByText('次回決算発表（推定）').parentElement).toHaveTextContent('2026/12/11（あと10営業日）')
    unmount()
    await i18n.changeLanguage('en')
    renderWithProviders(<StockHeader stock={{ ...stock, next_earnings: next }} />)
    expect(screen.getByText('Next earnings (estimate)').parentElement).toHaveTextContent('(10 sessions away)')
  })

  it('says when the expected date has passed, and shows nothing without an estimate', () => {
    const overdue = { date: '2026-11-20', days: -7, sessions: 0, estimated: true }
    const { unmount } = renderWithProviders(<StockHeader stock={{ ...stock, next_earnings: overdue }} />)
    expect(screen.getByText(/予定日を過ぎています/)).toBeInTheDocument()
    unmount()
    renderWithProviders(<StockHeader stock={stock} />)
    expect(screen.queryByText('次回決算発表（推定）')).not.toBeInTheDocument()
  })
})
