import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import i18n from '@/lib/i18n'
import type { EvaluationRead } from '@/lib/api/types'
import recordedEn from '@/test/fixtures/evaluation-en.json'
import recordedJa from '@/test/fixtures/evaluation-ja.json'
import { mockApi } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import { EvaluatePanel } from './EvaluatePanel'
import { EvaluationResult } from './EvaluationResult'

// Recorded from the real API: POST /api/v1/evaluations {"stock_code": "8334", "policy_id": 1}
// (demo universe, value-investing preset), once with Accept-Language ja and once with en.
const evaluationJa = recordedJa as EvaluationRead
const evaluationEn = recordedEn as EvaluationRead

describe('EvaluationResult (recorded evaluation)', () => {
  it('shows the scores as meters, the recommendation and the policy', () => {
    renderWithProviders(<EvaluationResult evaluation={evaluationJa} />)
    const meters = screen.getAllByRole('meter')
    expect(meters.map((m) => m.getAttribute('aria-valuenow'))).toEqual(['51.02', '13.17', String(evaluationJa.match_score)])
    expect(screen.getByRole('meter', { name: '買いスコア' })).toHaveAttribute('aria-valuetext', '51 / 100')
    expect(screen.getByRole('meter', { name: '適合度' })).toHaveTextContent('72')
    expect(screen.getByText('買い', { selector: '.badge--lg' })).toBeInTheDocument()
    expect(screen.getByText('方針: バリュー投資（割安・健全）（v1）')).toBeInTheDocument()
    expect(screen.getByText('2026/11/27 のデータで評価')).toBeInTheDocument()
    expect(screen.getByText('必須条件を満たさない')).toBeInTheDocument()
  })

  it('renders the English recording in English', async () => {
    await i18n.changeLanguage('en')
    renderWithProviders(<EvaluationResult evaluation={evaluationEn} />)
    expect(screen.getByText('Buy', { selector: '.badge--lg' })).toBeInTheDocument()
    expect(screen.getByText('¥3,730〜¥3,770')).toBeInTheDocument()
    expect(screen.getByRole('meter', { name: 'Sell score' })).toHaveAttribute('aria-valuenow', '13.17')
    expect(screen.getAllByText(/Close ¥3,770 is 0.3 % above the 25-day MA/).length).toBeGreaterThan(0)
  })
})

describe('EvaluatePanel', () => {
  it('evaluates under the chosen policy in the UI language', async () => {
    const { calls } = mockApi([
      {
        path: '/api/v1/policies',
        body: { items: [{ id: 1, name: 'バリュー投資（割安・健全）' }], total: 1 },
      },
      { method: 'POST', path: '/api/v1/evaluations', body: evaluationJa },
    ])
    const onEvaluated = vi.fn()
    renderWithProviders(
      <EvaluatePanel code="8334" evaluation={undefined} loading={false} onEvaluated={onEvaluated} lang="ja" />,
    )
    expect(screen.getByText(/投資方針を選んで評価すると/)).toBeInTheDocument()
    const select = screen.getByLabelText('投資方針')
    await screen.findByRole('option', { name: 'バリュー投資（割安・健全）' })
    await userEvent.selectOptions(select, '1')
    await userEvent.click(screen.getByRole('button', { name: '評価する' }))

    await waitFor(() => expect(onEvaluated).toHaveBeenCalledWith(evaluationJa))
    const post = calls.find((c) => c.method === 'POST')!
    expect(JSON.parse(post.body)).toEqual({ stock_code: '8334', policy_id: 1 })
    expect(post.headers.get('Accept-Language')).toBe('ja')
  })

  it('evaluates without a policy, and shows an error detail', async () => {
    const { calls } = mockApi([
      { path: '/api/v1/policies', body: { items: [], total: 0 } },
      {
        method: 'POST',
        path: '/api/v1/evaluations',
        status: 404,
        body: { error: 'not_found', detail: "No stock with code '9999'.", field: 'stock_code' },
      },
    ])
    renderWithProviders(<EvaluatePanel code="9999" evaluation={undefined} loading={false} onEvaluated={vi.fn()} lang="en" />)
    await userEvent.click(screen.getByRole('button', { name: '評価する' }))
    expect(await screen.findByRole('alert')).toHaveTextContent("No stock with code '9999'.")
    expect(JSON.parse(calls.find((c) => c.method === 'POST')!.body)).toEqual({ stock_code: '9999', policy_id: null })
    expect(calls.find((c) => c.method === 'POST')!.headers.get('Accept-Language')).toBe('en')
  })

  it('shows the evaluation it is given, with its policy preselected', async () => {
    mockApi([{ path: '/api/v1/policies', body: { items: [{ id: 1, name: 'バリュー投資（割安・健全）' }], total: 1 } }])
    renderWithProviders(<EvaluatePanel code="8334" evaluation={evaluationJa} loading={false} onEvaluated={vi.fn()} lang="ja" />)
    await screen.findByRole('option', { name: 'バリュー投資（割安・健全）' })
    expect(screen.getByLabelText('投資方針')).toHaveValue('1')
    expect(screen.getAllByRole('meter')).toHaveLength(3)
  })
})
