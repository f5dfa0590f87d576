import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { setToken } from '@/lib/auth/session'
import { mockApi } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import recorded from '../fixtures/screen-momentum.json'
import { ScreenerPage } from './ScreenerPage'

// Recorded from the API: POST /api/v1/screener {"policy_id": 2, "limit": 5} on the demo universe.
// One P/E is taken away to check that missing values sort last.
const result = { ...recorded, items: recorded.items.map((item) => (item.stock_code === '3192' ? { ...item, per: null } : item)) }
const policies = {
  items: [
    { id: 2, name: 'モメンタム投資（順張り）' },
    { id: 1, name: 'バリュー投資（割安・健全）' },
  ],
  total: 2,
}

function renderScreener(route = '/screener') {
  const api = mockApi([
    { path: '/api/v1/policies', body: policies },
    { method: 'POST', path: '/api/v1/screener', body: result },
    { method: 'POST', path: '/api/v1/screener/export.csv', body: 'rank,stock_code\n1,5512\n' },
  ])
  renderWithProviders(<ScreenerPage />, { route })
  return api
}

const codes = () =>
  within(screen.getByRole('table'))
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getByRole('rowheader').textContent?.slice(0, 4))

describe('ScreenerPage', () => {
  it('runs the first policy and says how many of the universe qualify', async () => {
    const { calls } = renderScreener()
    expect(await screen.findByText('20 銘柄中 11 銘柄が必須条件を満たしています')).toBeInTheDocument()
    expect(screen.getByText('上位 5 件を表示 · 2026/11/27 のデータ · モメンタム投資（順張り）（v2）')).toBeInTheDocument()
    const post = calls.find((c) => c.method === 'POST' && c.url.pathname === '/api/v1/screener')!
    expect(JSON.parse(post.body)).toEqual({ policy_id: 2, sector: null, market: null, limit: 50 })
    expect(screen.getByTestId('location')).toHaveTextContent('/screener?policy=2&limit=50')

    const first = screen.getAllByRole('row')[1]!
    expect(first).toHaveTextContent('5512錦特殊鋼鉄鋼 · スタンダード')
    expect(first).toHaveTextContent('¥7,740')
    expect(first).toHaveTextContent('▲上昇 6.76%')
    expect(first).toHaveTextContent('11.56倍')
    expect(first).toHaveTextContent('522.1億円')
    expect(within(first).getByText('強い買い')).toBeInTheDocument()
  })

  it('sends the filters chosen in the form', async () => {
    const { calls } = renderScreener()
    await screen.findByText('20 銘柄中 11 銘柄が必須条件を満たしています')
    await userEvent.selectOptions(screen.getByLabelText('投資方針'), '1')
    await userEvent.selectOptions(screen.getByLabelText('業種'), '化学')
    await userEvent.selectOptions(screen.getByLabelText('市場'), 'プライム')
    await userEvent.selectOptions(screen.getByLabelText('表示件数'), 'すべて')
    await userEvent.click(screen.getByRole('button', { name: 'スクリーニング' }))
    await waitFor(() => expect(calls.filter((c) => c.url.pathname === '/api/v1/screener')).toHaveLength(2))
    const last = calls.filter((c) => c.url.pathname === '/api/v1/screener').at(-1)!
    expect(JSON.parse(last.body)).toEqual({ policy_id: 1, sector: '3200', market: 'prime', limit: null })
    expect(screen.getByTestId('location')).toHaveTextContent('/screener?policy=1&sector=3200&market=prime&limit=all')
  })

  it('sorts by a clicked heading, reverses on the second click, and keeps missing values last', async () => {
    renderScreener()
    await screen.findByText('20 銘柄中 11 銘柄が必須条件を満たしています')
    const rank = screen.getByRole('columnheader', { name: /順位/ })
    expect(rank).toHaveAttribute('aria-sort', 'ascending')
    expect(codes()).toEqual(['5512', '8244', '3192', '2299', '7155'])

    await userEvent.click(screen.getByRole('button', { name: /^PER/ }))
    const per = screen.getByRole('columnheader', { name: /PER/ })
    expect(per).toHaveAttribute('aria-sort', 'ascending')
    expect(rank).not.toHaveAttribute('aria-sort')
    expect(codes()).toEqual(['5512', '7155', '2299', '8244', '3192'])
    expect(screen.getByText('PERの昇順で並べ替えました')).toBeInTheDocument()

    // the keyboard: the heading is a button
    screen.getByRole('button', { name: /^PER/ }).focus()
    await userEvent.keyboard('{Enter}')
    expect(per).toHaveAttribute('aria-sort', 'descending')
    expect(codes()).toEqual(['8244', '2299', '7155', '5512', '3192'])

    await userEvent.click(screen.getByRole('button', { name: /^前日比/ }))
    expect(screen.getByRole('columnheader', { name: /前日比/ })).toHaveAttribute('aria-sort', 'descending')
    expect(codes()).toEqual(['5512', '3192', '8244', '7155', '2299'])
  })

  it('downloads the CSV with the same request and the sign-in token, as a file', async () => {
    setToken('tok-123')
    const createObjectURL = vi.fn((_blob: Blob) => 'blob:csv')
    const revokeObjectURL = vi.fn()
    // jsdom has no object URLs
    Object.assign(URL, { createObjectURL, revokeObjectURL })
    onTestFinished(() => {
      Reflect.deleteProperty(URL, 'createObjectURL')
      Reflect.deleteProperty(URL, 'revokeObjectURL')
    })
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined)
    const { calls } = renderScreener('/screener?policy=2&market=growth&limit=20')
    await screen.findByText('20 銘柄中 11 銘柄が必須条件を満たしています')

    await userEvent.click(screen.getByRole('button', { name: 'CSV ダウンロード' }))
    await waitFor(() => expect(click).toHaveBeenCalledTimes(1))
    const csv = calls.find((c) => c.url.pathname === '/api/v1/screener/export.csv')!
    expect(csv.method).toBe('POST')
    expect(JSON.parse(csv.body)).toEqual({ policy_id: 2, sector: null, market: 'growth', limit: 20 })
    expect(csv.headers.get('Authorization')).toBe('Bearer tok-123')
    expect(createObjectURL).toHaveBeenCalledTimes(1)
    // (the mock API answers JSON: the CSV text comes back quoted)
    expect(await (createObjectURL.mock.calls[0] as unknown as [Blob])[0].text()).toBe('"rank,stock_code\\n1,5512\\n"')
    const link = click.mock.contexts[0] as HTMLAnchorElement
    expect(link.download).toBe('screen-policy2.csv')
    expect(link.href).toBe('blob:csv')
  })

  it('opens the stock when a row is clicked', async () => {
    renderScreener()
    await screen.findByText('20 銘柄中 11 銘柄が必須条件を満たしています')
    await userEvent.click(screen.getAllByRole('row')[2]!.querySelector('td.num')!)
    expect(screen.getByTestId('location')).toHaveTextContent('/stocks/8244')
  })

  it('asks for a policy first when there is none', async () => {
    mockApi([{ path: '/api/v1/policies', body: { items: [], total: 0 } }])
    renderWithProviders(<ScreenerPage />, { route: '/screener' })
    expect(await screen.findByText('投資方針がまだありません')).toBeInTheDocument()
    expect(screen.getByRole('link', { name: '投資方針を作成' })).toHaveAttribute('href', '/policies')
  })
})
