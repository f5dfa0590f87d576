import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import i18n from '@/lib/i18n'
import type { GradingReport } from '@/lib/api/grading'
import { mockApi } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import { GradingCard } from './GradingCard'

const figures = (horizon: '20' | '60', graded: number, mean: number | null, pending = 0) => ({
  horizon,
  graded,
  pending,
  hit_rate: graded ? 0.6667 : null,
  excess_hit_rate: graded ? 0.3333 : null,
  mean_return_pct: mean,
  median_return_pct: mean,
  mean_excess_pct: mean === null ? null : mean - 1,
  median_excess_pct: mean === null ? null : mean - 1,
  entry_reached_rate: null,
  target_first_rate: graded ? 0.3333 : null,
  stop_first_rate: graded ? 0.3333 : null,
})

const band = (k: number, count: number, mean: number | null, hit: number | null) => ({
  band: k + 1,
  score_from: k * 10,
  score_to: (k + 1) * 10,
  count,
  mean_return_pct: mean,
  hit_rate: hit,
  mean_excess_pct: mean,
})

function report(horizon: '20' | '60', policyId: number | null): GradingReport {
  return {
    policy_id: policyId,
    policy_name: policyId ? '割安株' : null,
    version: null,
    horizon,
    benchmark: 'equal_weight_universe_mean_forward_return',
    evaluations: 4,
    groups: [
      { policy_id: 1, policy_version: 1, recommendation: null, evaluations: 4, horizons: [figures(horizon, 3, 2.67, 1)] },
      { policy_id: 1, policy_version: 1, recommendation: 'buy', evaluations: 2, horizons: [figures(horizon, 2, 5)] },
      { policy_id: 1, policy_version: 1, recommendation: 'neutral', evaluations: 2, horizons: [figures(horizon, 1, -2)] },
    ],
    calibration: Array.from({ length: 10 }, (_, k) =>
      k === 8 ? band(k, 2, 1, 0.5) : k === 3 ? band(k, 1, 6, 1) : band(k, 0, null, null),
    ),
  }
}

function renderCard(empty = false) {
  return mockApi([
    { path: '/api/v1/policies', body: { items: [{ id: 1, name: '割安株' }], total: 1, limit: 100, offset: 0 } },
    {
      path: '/api/v1/evaluations/grading',
      body: (_request: Request, url: URL) =>
        empty
          ? { ...report('20', null), evaluations: 1, groups: [], calibration: report('20', null).calibration.map((b) => ({ ...b, count: 0, mean_return_pct: null, hit_rate: null })) }
          : report((url.searchParams.get('horizon') ?? '20') as '20' | '60', Number(url.searchParams.get('policy_id')) || null),
    },
  ])
}

describe('GradingCard', () => {
  afterEach(async () => {
    await i18n.changeLanguage('ja')
  })

  it('shows the figures per call and the calibration table at +20 sessions', async () => {
    renderCard()
    renderWithProviders(<GradingCard />)
    const card = await screen.findByRole('region', { name: '答え合わせ' })
    expect(await within(card).findByRole('status')).toHaveTextContent('評価 4 件（採点済み 3 件・未確定 1 件）')
    const byCall = within(card).getByRole('table', { name: '判定ごとの成績（20営業日後）' })
    const rows = within(byCall).getAllByRole('row')
    expect(rows[1]).toHaveTextContent('すべて367%33%▲上昇 2.67%▲上昇 1.67%')
    expect(rows[2]).toHaveTextContent('買い267%33%▲上昇 5.00%▲上昇 4.00%')
    expect(rows[3]).toHaveTextContent('中立167%33%▼下落 2.00%▼下落 3.00%')
    const calibration = within(card).getByRole('table', { name: 'スコア帯ごとの平均騰落率と勝率（20営業日後）' })
    const bands = within(calibration).getAllByRole('row').slice(1)
    expect(bands).toHaveLength(10)
    expect(bands[8]).toHaveTextContent('80–902▲上昇 1.00%50%')
    expect(bands[0]).toHaveTextContent('0–100——')
    expect(within(card).getByRole('link', { name: '履歴で詳しく見る' })).toHaveAttribute('href', '/history#grading')
  })

  it('asks again for the chosen policy and horizon', async () => {
    const { calls } = renderCard()
    renderWithProviders(<GradingCard />)
    await screen.findByRole('table', { name: /判定ごとの成績/ })
    await userEvent.selectOptions(await screen.findByLabelText('採点する方針'), '1')
    await userEvent.selectOptions(screen.getByLabelText('期間'), '60')
    expect(await screen.findByRole('table', { name: '判定ごとの成績（60営業日後）' })).toBeInTheDocument()
    const last = calls.filter((c) => c.url.pathname === '/api/v1/evaluations/grading').at(-1)!
    expect(last.url.searchParams.get('policy_id')).toBe('1')
    expect(last.url.searchParams.get('horizon')).toBe('60')
  })

  it('says so when nothing can be graded yet, in English too', async () => {
    await i18n.changeLanguage('en')
    renderCard(true)
    renderWithProviders(<GradingCard />)
    expect(await screen.findByText(/No evaluation can be graded yet/)).toBeInTheDocument()
    expect(screen.getByRole('region', { name: 'Track record' })).toBeInTheDocument()
    expect(screen.queryByRole('table')).not.toBeInTheDocument()
  })
})
