import { screen, within } from '@testing-library/react'
import type { EvaluationRead } from '@/lib/api/types'
import recordedJa from '@/test/fixtures/evaluation-ja.json'
import { renderWithProviders } from '@/test/render'
import { EvaluationReasons } from './EvaluationReasons'
import { EvaluationScores } from './EvaluationScores'

// Recorded from the real API: POST /api/v1/evaluations {"stock_code": "8334", "policy_id": 1}
// (demo universe, value-investing preset), Accept-Language ja.
const evaluationJa = recordedJa as EvaluationRead

describe('EvaluationScores', () => {
  it('shows the scores as meters, the policy verdict and the data coverage', () => {
    renderWithProviders(<EvaluationScores evaluation={evaluationJa} />)
    expect(screen.getAllByRole('meter').map((m) => m.getAttribute('aria-valuenow'))).toEqual([
      '51.02',
      '13.17',
      String(evaluationJa.match_score),
    ])
    expect(screen.getByText('必須条件を満たさない')).toBeInTheDocument()
    expect(screen.getByText(/^データ充足率 \d+%/)).toBeInTheDocument()
  })

  it('leaves out the match gauge and the verdict without a policy', () => {
    renderWithProviders(<EvaluationScores evaluation={{ ...evaluationJa, match_score: null, qualifies: null }} />)
    expect(screen.getAllByRole('meter')).toHaveLength(2)
    expect(screen.queryByText(/必須条件/)).not.toBeInTheDocument()
  })
})

describe('EvaluationReasons (recorded evaluation)', () => {
  it('lists every signal with its reason and contribution, strongest first', () => {
    renderWithProviders(<EvaluationReasons evaluation={evaluationJa} />)
    const buyList = screen.getByRole('heading', { name: /買いシグナル/ }).parentElement!
    const buyItems = within(buyList).getAllByRole('listitem')
    expect(buyItems).toHaveLength(evaluationJa.signals.filter((s) => s.side === 'buy').length)
    expect(buyItems[0]).toHaveTextContent('PER 8.8倍と15倍未満で割安（+11.9点）')
    expect(buyItems[0]).toHaveTextContent('+11.9 点')
    const sellList = screen.getByRole('heading', { name: /売りシグナル/ }).parentElement!
    expect(within(sellList).getAllByRole('listitem')[0]).toHaveTextContent('自己資本比率4.5%')
  })

  it('shows the rules passed and failed with value and distance', () => {
    renderWithProviders(<EvaluationReasons evaluation={evaluationJa} />)
    const table = screen.getByRole('table')
    const rows = within(table).getAllByRole('row').slice(1)
    expect(rows).toHaveLength(6)
    const equity = rows.find((row) => row.textContent?.includes('equity_ratio >= 40'))!
    expect(equity).toHaveTextContent('必須')
    expect(equity).toHaveTextContent('不合格')
    expect(equity).toHaveTextContent('4.52')
    expect(equity).toHaveTextContent('35.48')
    const per = rows.find((row) => row.textContent?.includes('per <= 15'))!
    expect(per).toHaveTextContent('合格')
    expect(within(table).getAllByText('合格')).toHaveLength(4)
    expect(within(table).getAllByText('不合格')).toHaveLength(2)
  })

  it('shows the key points with type and priority, and the price levels', () => {
    renderWithProviders(<EvaluationReasons evaluation={evaluationJa} />)
    const points = within(screen.getByRole('heading', { name: '見極めポイント' }).parentElement!).getAllByRole('listitem')
    expect(points).toHaveLength(evaluationJa.key_points.length)
    expect(points[0]).toHaveTextContent('注意')
    expect(points[0]).toHaveTextContent('優先度 高')
    expect(points[0]).toHaveTextContent('方針の必須条件「equity_ratio >= 40」を満たしていません')
    expect(screen.getByText('¥3,730〜¥3,770')).toBeInTheDocument()
    expect(screen.getByText('¥4,875')).toBeInTheDocument()
    expect(screen.getByText('¥3,190')).toBeInTheDocument()
  })

  it('uses the heading level it is given', () => {
    renderWithProviders(<EvaluationReasons evaluation={evaluationJa} headingLevel={2} />)
    expect(screen.getByRole('heading', { level: 2, name: '見極めポイント' })).toBeInTheDocument()
    expect(screen.getByRole('heading', { level: 3, name: /買いシグナル/ })).toBeInTheDocument()
  })
})
