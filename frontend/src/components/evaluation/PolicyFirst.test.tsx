import { screen, within } from '@testing-library/react'
import i18n from '@/lib/i18n'
import type { EvaluationRead } from '@/lib/api/types'
import renderedEn from '@/test/fixtures/evaluation-policy-en.json'
import renderedJa from '@/test/fixtures/evaluation-policy-ja.json'
import { renderWithProviders } from '@/test/render'
import { EvaluationReasons } from './EvaluationReasons'

// The recorded evaluation of 8334 under the value preset (evaluation-ja.json), rendered again by
// the current engine from its own recorded inputs (same scores), in Japanese and in English.
const evaluationJa = renderedJa as EvaluationRead
const evaluationEn = renderedEn as EvaluationRead
const RAW_RULE = /\b[a-z][a-z0-9_]* (<=|>=|<|>|==|!=) [a-z0-9_.]+/

describe('an evaluation that leads with the policy', () => {
  afterEach(async () => {
    await i18n.changeLanguage('ja')
  })

  it('shows the rules as the rule editor writes them, never as identifiers', () => {
    renderWithProviders(<EvaluationReasons evaluation={evaluationJa} />)
    const table = screen.getByRole('table')
    expect(table.textContent).not.toMatch(RAW_RULE)
    const rows = within(table).getAllByRole('row').slice(1)
    const equity = rows.find((row) => row.textContent?.includes('自己資本比率40%以上'))!
    expect(equity).toHaveTextContent('必須')
    expect(equity).toHaveTextContent('不合格')
    expect(rows[0]).toHaveTextContent('PER（実績）15倍以下')
  })

  it('opens the key points with the verdict and the failed rules', () => {
    renderWithProviders(<EvaluationReasons evaluation={evaluationJa} />)
    const points = within(screen.getByRole('heading', { name: '見極めポイント' }).parentElement!).getAllByRole('listitem')
    expect(points[0]).toHaveTextContent('方針「バリュー投資（割安・健全）」に不適合')
    expect(points[1]).toHaveTextContent('必須条件：自己資本比率40%以上 → 4.5%で不合格（35.5%不足）')
    expect(points[2]).toHaveTextContent('ROE8%以上 → 6.1%で不合格')
    for (const point of points) expect(point.textContent).not.toMatch(RAW_RULE)
  })

  it('shows a contribution once per signal', () => {
    renderWithProviders(<EvaluationReasons evaluation={evaluationJa} />)
    const buyList = screen.getByRole('heading', { name: /買いシグナル/ }).parentElement!
    const first = within(buyList).getAllByRole('listitem')[0]!
    expect(first.textContent!.match(/点/g)).toHaveLength(1)
  })

  it('in English too', async () => {
    await i18n.changeLanguage('en')
    renderWithProviders(<EvaluationReasons evaluation={evaluationEn} />)
    const table = screen.getByRole('table')
    expect(table.textContent).not.toMatch(RAW_RULE)
    expect(within(table).getAllByRole('row')[1]).toHaveTextContent('PER (trailing) ≤ 15x')
    expect(screen.getByText(/Equity ratio ≥ 40% → 4.5%, failed/)).toBeInTheDocument()
  })
})
