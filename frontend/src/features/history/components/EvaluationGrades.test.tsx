import { screen, within } from '@testing-library/react'
import i18n from '@/lib/i18n'
import type { EvaluationRead } from '@/lib/api/types'
import { mockApi } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import recorded from '../fixtures/evaluation-5512-ja.json'
import { EvaluationDetailPage } from './EvaluationDetailPage'

// The recording was made on the day of its data: every horizon pending. The test grades three.
const evaluation = recorded as EvaluationRead
const pendingLong = evaluation.grades.find((g) => g.horizon === 'policy')!
const graded: EvaluationRead = {
  ...evaluation,
  grades: [
    { horizon: '5', sessions: 5, status: 'graded', end_date: '2026-12-04', forward_return_pct: 3.2, benchmark_return_pct: 1.0, excess_return_pct: 2.2, entry_reached: true, first_hit: 'neither' },
    { horizon: '20', sessions: 20, status: 'graded', end_date: '2026-12-25', forward_return_pct: -4.5, benchmark_return_pct: -1.0, excess_return_pct: -3.5, entry_reached: false, first_hit: 'stop_loss' },
    { horizon: '60', sessions: 60, status: 'no_data', end_date: '2027-02-26', forward_return_pct: null, benchmark_return_pct: null, excess_return_pct: null, entry_reached: null, first_hit: null },
    pendingLong,
  ],
}

function renderDetail(body: unknown) {
  mockApi([
    { path: '/api/v1/evaluations/1', body },
    { path: '/api/v1/policies/vocabulary', body: { metrics: [] } },
  ])
  renderWithProviders(<EvaluationDetailPage />, { route: '/history/1', path: '/history/:id' })
}

describe('EvaluationDetailPage grades', () => {
  afterEach(async () => {
    await i18n.changeLanguage('ja')
  })

  it('lists each horizon: return, excess, entry zone, first hit; pending says when it ends', async () => {
    renderDetail(graded)
    const card = await screen.findByRole('region', { name: '答え合わせ（期間別）' })
    const rows = within(within(card).getByRole('table')).getAllByRole('row').slice(1)
    expect(rows).toHaveLength(4)
    expect(rows[0]).toHaveTextContent('5営業日後▲上昇 3.20%▲上昇 2.20%到達どちらも未到達')
    expect(rows[1]).toHaveTextContent('20営業日後▼下落 4.50%▼下落 3.50%未到達損切り')
    expect(rows[2]).toHaveTextContent('60営業日後データなし')
    // 500 sessions reach past the calendar the server knows: pending, without a day yet.
    expect(rows[3]).toHaveTextContent(/^方針の期間500営業日未確定$/)
    expect(rows[3]).not.toHaveTextContent('%')
  })

  it('shows a fresh evaluation as pending at every horizon, in English too', async () => {
    await i18n.changeLanguage('en')
    renderDetail(evaluation)
    const card = await screen.findByRole('region', { name: 'Track record by horizon' })
    const rows = within(within(card).getByRole('table')).getAllByRole('row').slice(1)
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/^\+5 sessionsPending \(final on .+\)$/),
      expect.stringMatching(/^\+20 sessionsPending/),
      expect.stringMatching(/^\+60 sessionsPending/),
      "Policy's horizon500 sessionsPending",
    ])
  })

  it('has no grades card for an evaluation without grades', async () => {
    renderDetail({ ...evaluation, grades: [] })
    await screen.findByRole('heading', { level: 1 })
    expect(screen.queryByRole('region', { name: '答え合わせ（期間別）' })).not.toBeInTheDocument()
  })
})
