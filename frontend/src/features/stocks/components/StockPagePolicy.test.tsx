import { screen, waitFor } from '@testing-library/react'
import type { EvaluationRead } from '@/lib/api/types'
import { mockApi } from '@/test/fetchMock'
import recordedJa from '@/test/fixtures/evaluation-policy-ja.json'
import { renderWithProviders } from '@/test/render'
import { StockPage } from './StockPage'

const evaluation = recordedJa as EvaluationRead
const stock = {
  code: '8334',
  name: '光陵銀行',
  name_kana: null,
  name_en: null,
  sector: '銀行業',
  sector_code: '7050',
  market: 'prime',
  lot_size: 100,
  source: 'demo',
  demo: true,
  as_of: '2026-11-27',
  last_close: 3770,
  previous_close: 3750,
  change: 20,
  change_pct: 0.53,
  fundamentals: null,
}
const policies = {
  items: [
    { id: 2, name: 'モメンタム投資（順張り）' },
    { id: 1, name: 'バリュー投資（割安・健全）' },
  ],
  total: 2,
}

describe('the stock page opened from a screener hit', () => {
  it('selects the policy of the link and shows the latest evaluation under it', async () => {
    const { calls } = mockApi([
      { path: '/api/v1/stocks/8334', body: stock },
      { path: '/api/v1/policies', body: policies },
      { path: '/api/v1/evaluations', body: { items: [evaluation], total: 1, limit: 1, offset: 0 } },
      { path: `/api/v1/evaluations/${evaluation.id}`, body: evaluation },
    ])
    renderWithProviders(<StockPage />, { route: '/stocks/8334?policy=1', path: '/stocks/:code' })
    await screen.findByRole('option', { name: 'バリュー投資（割安・健全）' })
    await waitFor(() => expect(screen.getByLabelText('投資方針')).toHaveValue('1'))
    const latest = calls.find((c) => c.url.pathname === '/api/v1/evaluations')!
    expect(latest.url.searchParams.get('policy_id')).toBe('1')
    expect(await screen.findByText(/方針「バリュー投資（割安・健全）」に不適合/)).toBeInTheDocument()
  })
})
