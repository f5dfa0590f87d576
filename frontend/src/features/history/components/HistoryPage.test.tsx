import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { mockApi, type RecordedCall } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import evaluations from '../fixtures/evaluations-5512.json'
import timeline from '../fixtures/timeline-5512.json'
import { HistoryPage } from './HistoryPage'

// The chart library needs a canvas; the chart itself is checked in the browser (screenshots).
vi.mock('./TimelineChart', () => ({
  default: ({ ariaLabel }: { ariaLabel: string }) => <div role="img" aria-label={ariaLabel} />,
}))

const policies = { items: [{ id: 1, name: 'バリュー投資（割安・健全）' }, { id: 2, name: 'モメンタム投資（順張り）' }], total: 2 }

function renderHistory(route = '/history', total = evaluations.total) {
  const api = mockApi([
    { path: '/api/v1/evaluations', body: { ...evaluations, total } },
    { path: '/api/v1/evaluations/timeline', body: timeline },
    { path: '/api/v1/policies', body: policies },
  ])
  renderWithProviders(<HistoryPage />, { route })
  return api
}

/** The query of the last GET /evaluations, as a plain object. */
function lastListQuery(calls: RecordedCall[]): Record<string, string> {
  const call = calls.filter((c) => c.url.pathname === '/api/v1/evaluations').at(-1)!
  return Object.fromEntries(call.url.searchParams)
}

describe('HistoryPage', () => {
  it('lists the evaluations, newest first, and opens one from its row', async () => {
    const { calls } = renderHistory()
    const table = await screen.findByRole('table', { name: '評価の一覧' })
    const rows = within(table).getAllByRole('row').slice(1)
    expect(rows).toHaveLength(3)
    expect(rows[0]).toHaveTextContent('2026/11/27')
    expect(rows[0]).toHaveTextContent('5512 錦特殊鋼')
    expect(rows[0]).toHaveTextContent('バリュー投資（割安・健全）（v1）')
    expect(rows[0]).toHaveTextContent('43.2')
    expect(lastListQuery(calls)).toEqual({ limit: '20', offset: '0' })
    expect(screen.getByText('19 件中 1〜19 件')).toBeInTheDocument()

    await userEvent.click(within(rows[1]!).getByText('62.3'))
    expect(screen.getByTestId('location')).toHaveTextContent(`/history/${evaluations.items[1]!.id}`)
  })

  it('builds the query from the filters: code, policy, dates and page', async () => {
    const { calls } = renderHistory('/history', 45)
    await screen.findByRole('table', { name: '評価の一覧' })

    await userEvent.type(screen.getByLabelText('銘柄コード'), '5512')
    await waitFor(() => expect(lastListQuery(calls)).toEqual({ stock_code: '5512', limit: '20', offset: '0' }))

    await userEvent.selectOptions(screen.getByLabelText('投資方針'), 'バリュー投資（割安・健全）')
    await waitFor(() => expect(lastListQuery(calls)).toMatchObject({ stock_code: '5512', policy_id: '1' }))

    await userEvent.type(screen.getByLabelText('開始日'), '2026-06-01')
    await userEvent.type(screen.getByLabelText('終了日'), '2026-09-30')
    await waitFor(() =>
      expect(lastListQuery(calls)).toEqual({
        stock_code: '5512',
        policy_id: '1',
        from: '2026-06-01',
        to: '2026-09-30',
        limit: '20',
        offset: '0',
      }),
    )
    expect(screen.getByTestId('location')).toHaveTextContent('/history?code=5512&policy=1&from=2026-06-01&to=2026-09-30')

    await userEvent.click(screen.getByRole('button', { name: /次へ/ }))
    await waitFor(() => expect(lastListQuery(calls)).toMatchObject({ offset: '20', limit: '20' }))
    expect(screen.getByText('2 / 3 ページ')).toBeInTheDocument()

    await userEvent.click(screen.getByRole('button', { name: '条件をクリア' }))
    // back to the unfiltered first page (already in the cache: no new request needed)
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/history$/)
    expect(screen.getByLabelText('銘柄コード')).toHaveValue('')
  })

  it('does not search with a code that cannot be one', async () => {
    const { calls } = renderHistory()
    await screen.findByRole('table', { name: '評価の一覧' })
    const before = calls.length
    await userEvent.type(screen.getByLabelText('銘柄コード'), '55-1')
    expect(screen.getByLabelText('銘柄コード')).toHaveAccessibleDescription('4〜5 文字の英数字で入力してください')
    await act(() => new Promise((resolve) => setTimeout(resolve, 450)))
    expect(calls.slice(before).filter((c) => c.url.pathname === '/api/v1/evaluations')).toHaveLength(0)
  })

  it('draws the score timeline of the chosen stock under the chosen policy', async () => {
    const { calls } = renderHistory('/history?code=5512&policy=1')
    const card = await screen.findByRole('region', { name: /5512 錦特殊鋼 のスコア推移/ })
    expect(
      await within(card).findByRole('img', { name: '5512 の買いスコア・売りスコア・適合度の推移（2026/10/23〜2026/11/27、5 回の評価）' }),
    ).toBeInTheDocument()
    const request = calls.find((c) => c.url.pathname === '/api/v1/evaluations/timeline')!
    expect(Object.fromEntries(request.url.searchParams)).toEqual({ stock_code: '5512', policy_id: '1' })

    const rows = within(within(card).getByRole('table')).getAllByRole('row').slice(1)
    expect(rows).toHaveLength(5)
    expect(rows[0]).toHaveTextContent('2026/11/2743.213.194.7')
  })

  it('explains how to get evaluations when there are none', async () => {
    mockApi([
      { path: '/api/v1/evaluations', body: { items: [], total: 0, limit: 20, offset: 0 } },
      { path: '/api/v1/policies', body: policies },
    ])
    renderWithProviders(<HistoryPage />, { route: '/history' })
    expect(await screen.findByText('評価はまだありません')).toBeInTheDocument()
  })
})
