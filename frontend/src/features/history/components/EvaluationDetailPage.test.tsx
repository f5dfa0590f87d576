import { screen, within } from '@testing-library/react'
import i18n from '@/lib/i18n'
import type { EvaluationRead } from '@/lib/api/types'
import { mockApi } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import recorded from '../fixtures/evaluation-5512-ja.json'
import { EvaluationDetailPage } from './EvaluationDetailPage'

// Recorded from the API (GET /api/v1/evaluations/1, Accept-Language ja): the value preset on 5512.
// The recording was made on the day of its data, so its outcome is empty; the tests give it one.
const evaluation = recorded as EvaluationRead
const later = {
  ...evaluation,
  outcome: {
    days: 12,
    close_at_evaluation: 7740,
    last_close: 9310,
    last_date: '2026-12-15',
    return_pct: 20.28,
    max_high: 9400,
    min_low: 7420,
    hit_target: true,
    hit_stop_loss: false,
    first_hit: 'target' as const,
  },
}

function renderDetail(body: unknown, status = 200) {
  const api = mockApi([
    { path: '/api/v1/evaluations/1', status, body },
    { path: '/api/v1/policies/vocabulary', body: { metrics: [{ name: 'per', kind: 'fundamental', unit: 'x', label_ja: 'PER（実績）', label_en: 'PER (trailing)' }] } },
  ])
  renderWithProviders(<EvaluationDetailPage />, { route: '/history/1', path: '/history/:id' })
  return api
}

describe('EvaluationDetailPage', () => {
  it('puts what happened since first: return, closes, target and stop-loss', async () => {
    const { calls } = renderDetail(later)
    const outcome = await screen.findByRole('region', { name: 'その後どうなったか' })
    expect(outcome).toHaveTextContent('評価後の騰落率▲上昇 20.28%')
    expect(outcome).toHaveTextContent('12 営業日後（2026/12/15 終値）')
    expect(outcome).toHaveTextContent('「買い」の判定後に上昇')
    expect(outcome).toHaveTextContent('評価時の終値¥7,740（2026/11/27）')
    expect(outcome).toHaveTextContent('最新の終値¥9,310（2026/12/15）')
    expect(outcome).toHaveTextContent('目標株価¥9,240 ✓ 到達')
    expect(outcome).toHaveTextContent('損切りライン¥6,040 未到達')
    expect(outcome).toHaveTextContent('先に目標株価に到達しました')
    expect(calls[0]!.headers.get('Accept-Language')).toBe('ja')
  })

  it('shows the scores, the reasons and the figures used', async () => {
    renderDetail(later)
    expect(await screen.findByRole('heading', { level: 1, name: '錦特殊鋼' })).toBeInTheDocument()
    expect(screen.getByRole('meter', { name: '買いスコア' })).toHaveAttribute('aria-valuenow', String(evaluation.buy_score))
    expect(screen.getByText('必須条件を満たす')).toBeInTheDocument()
    const points = within(screen.getByRole('heading', { name: '見極めポイント' }).parentElement!).getAllByRole('listitem')
    expect(points).toHaveLength(evaluation.key_points.length)
    expect(screen.getByRole('heading', { name: /買いシグナル/ })).toBeInTheDocument()
    // The rules' table (the grades card has one of its own above it).
    const rules = within(screen.getAllByRole('table').at(-1)!).getAllByRole('row').slice(1)
    expect(rules).toHaveLength(evaluation.rules.length)
    expect(screen.getByRole('link', { name: '銘柄ページを開く' })).toHaveAttribute('href', '/stocks/5512?policy=1') // the evaluation's policy kept
    expect(screen.getByRole('link', { name: 'この銘柄の履歴' })).toHaveAttribute('href', '/history?code=5512')
    expect(await screen.findByText('PER（実績）')).toBeInTheDocument()
  })

  it('says the outcome comes later when the evaluation used the latest data', async () => {
    renderDetail(evaluation)
    expect(await screen.findByText('評価した日のデータが最新です。次のデータ更新の後に結果が分かります。')).toBeInTheDocument()
  })

  it('asks the server in English when the UI is in English', async () => {
    await i18n.changeLanguage('en')
    const { calls } = renderDetail(later)
    expect(await screen.findByRole('region', { name: 'What happened since' })).toHaveTextContent('Rose after “Buy”')
    expect(calls[0]!.headers.get('Accept-Language')).toBe('en')
  })

  it('says when the evaluation does not exist', async () => {
    renderDetail({ error: 'not_found', detail: 'No evaluation 1.', field: null }, 404)
    expect(await screen.findByText('評価が見つかりません')).toBeInTheDocument()
  })
})
