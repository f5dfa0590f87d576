import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { mockApi, type MockRoute } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import { failed, momentumResult, otherVersion, policies, running, succeeded } from '../fixtures'
import { BacktestPage } from './BacktestPage'
import { BacktestsPage } from './BacktestsPage'
import { ComparePage } from './ComparePage'
import { NewBacktestPage } from './NewBacktestPage'

// The canvas chart needs a real browser: the tests check the figure around it (its name says what it shows).
vi.mock('./LineChart', () => ({
  default: ({ series }: { series: { label: string; points: unknown[] }[] }) => (
    <div data-testid="line-chart">{series.map((s) => `${s.label}:${s.points.length}`).join(' ')}</div>
  ),
}))

const health = {
  status: 'ok',
  version: '0.1.0',
  data: { sources: ['demo'], demo: true, latest_bar_date: '2025-06-30', last_sync: null },
}

function api(routes: MockRoute[]) {
  return mockApi([
    ...routes,
    { path: '/api/v1/policies', body: policies },
    { path: '/api/v1/policies/1/versions', body: { items: [{ version: 2 }, { version: 1 }], total: 2 } },
    { path: '/api/v1/health', body: health },
  ])
}

describe('new backtest form', () => {
  it('starts from the policy in the URL and the last year of data; a 422 is said under the field it names', async () => {
    const { calls } = api([
      {
        method: 'POST',
        path: '/api/v1/backtests',
        status: 422,
        body: {
          error: 'validation_error',
          detail: '2024-01-01 から 2024-01-31 の市場データがありません。',
          field: 'from',
          errors: [{ field: 'from', message: '2024-01-01 から 2024-01-31 の市場データがありません。' }],
        },
      },
    ])
    renderWithProviders(<NewBacktestPage />, { route: '/backtests/new?policy=1', path: '/backtests/new' })
    const policy = await screen.findByLabelText('投資方針')
    await waitFor(() => expect(policy).toHaveValue('1'))
    const version = screen.getByLabelText('バージョン')
    await waitFor(() => expect(within(version).getByRole('option', { name: 'v1' })).toBeInTheDocument())
    expect(within(version).getByRole('option', { name: '現在の方針（v2）' })).toBeInTheDocument()
    const from = screen.getByLabelText('開始日')
    await waitFor(() => expect(from).toHaveValue('2024-06-30'))
    expect(screen.getByLabelText('終了日')).toHaveValue('2025-06-30')

    await userEvent.selectOptions(screen.getByLabelText('売買手数料'), 'pct')
    await userEvent.clear(screen.getByLabelText('最低手数料（円）'))
    await userEvent.type(screen.getByLabelText('最低手数料（円）'), '100')
    await userEvent.selectOptions(version, '1')
    await userEvent.click(screen.getByRole('button', { name: 'バックテストを開始' }))

    await waitFor(() => expect(from).toHaveAttribute('aria-invalid', 'true'))
    expect(from).toHaveAccessibleDescription('2024-01-01 から 2024-01-31 の市場データがありません。')
    expect(from).toHaveFocus()
    const sent = JSON.parse(calls.find((c) => c.method === 'POST')!.body)
    expect(sent).toMatchObject({ policy_id: 1, version: 1, from: '2024-06-30', to: '2025-06-30', cost: 'pct:0.1,min:100', sizing: 'equal', lang: 'ja' })
  })

  it('checks what it can before sending: a policy, the dates in order', async () => {
    const { calls } = api([])
    renderWithProviders(<NewBacktestPage />, { route: '/backtests/new', path: '/backtests/new' })
    const to = await screen.findByLabelText('終了日')
    await waitFor(() => expect(to).toHaveValue('2025-06-30'))
    await userEvent.clear(to)
    await userEvent.type(to, '2023-01-01')
    await userEvent.click(screen.getByRole('button', { name: 'バックテストを開始' }))
    expect(screen.getByLabelText('投資方針')).toHaveAccessibleDescription('投資方針を選んでください')
    expect(to).toHaveAccessibleDescription('終了日は開始日より後にしてください')
    expect(calls.some((c) => c.method === 'POST')).toBe(false)
  })

  it('once accepted, goes to the run’s page', async () => {
    api([{ method: 'POST', path: '/api/v1/backtests', status: 202, body: { ...running, id: 42 } }])
    renderWithProviders(<NewBacktestPage />, { route: '/backtests/new?policy=1', path: '/backtests/new' })
    await waitFor(() => expect(screen.getByLabelText('開始日')).toHaveValue('2024-06-30'))
    await userEvent.click(screen.getByRole('button', { name: 'バックテストを開始' }))
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/backtests/42'))
  })
})

describe('the look-ahead check', () => {
  it('is asked for with its switch, and its outcome heads the result', async () => {
    const { calls } = api([{ method: 'POST', path: '/api/v1/backtests', status: 202, body: { ...running, id: 42 } }])
    renderWithProviders(<NewBacktestPage />, { route: '/backtests/new?policy=1', path: '/backtests/new' })
    await waitFor(() => expect(screen.getByLabelText('開始日')).toHaveValue('2024-06-30'))
    await userEvent.click(screen.getByRole('checkbox', { name: '先読みがないことも確かめる' }))
    await userEvent.click(screen.getByRole('button', { name: 'バックテストを開始' }))
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true))
    expect(JSON.parse(calls.find((c) => c.method === 'POST')!.body)).toMatchObject({ check_lookahead: true })
  })

  it('says so when nothing differs, and lists what differs otherwise', async () => {
    const checked = (differences: { text: string }[]) => ({
      ...succeeded,
      result: { ...momentumResult, lookahead: { checked: true, cuts: ['2024-03-01', '2024-06-03'], differences } },
    })
    api([{ path: '/api/v1/backtests/3', body: checked([]) }])
    const { unmount } = renderWithProviders(<BacktestPage />, { route: '/backtests/3', path: '/backtests/:id' })
    expect(await screen.findByText(/先読みなし：2 か所で切ったデータの判断と売買がすべて一致しました/)).toBeInTheDocument()
    unmount()
    api([{ path: '/api/v1/backtests/3', body: checked([{ text: 'rsi_14 differs on 2024-03-01 for 7203' }]) }])
    renderWithProviders(<BacktestPage />, { route: '/backtests/3', path: '/backtests/:id' })
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('先読みの疑いが 1 件あります')
    expect(alert).toHaveTextContent('rsi_14 differs on 2024-03-01 for 7203')
  })
})

describe('a run', () => {
  it('while the worker runs it: the job’s progress in words', async () => {
    api([{ path: '/api/v1/backtests/4', body: running }])
    renderWithProviders(<BacktestPage />, { route: '/backtests/4', path: '/backtests/:id' })
    const bar = await screen.findByRole('progressbar', { name: 'バックテストの進み具合' })
    expect(bar).toHaveAttribute('aria-valuenow', '25')
    expect(bar).toHaveAttribute('aria-valuetext', '25% · 201〜400 銘柄目を判定しています（全 800 銘柄）')
    expect(screen.getByText('計算しています…').closest('[role="status"]')).toHaveAttribute('aria-live', 'polite')
  })

  it('a failed run says why', async () => {
    api([{ path: '/api/v1/backtests/5', body: failed }])
    renderWithProviders(<BacktestPage />, { route: '/backtests/5', path: '/backtests/:id' })
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('バックテストに失敗しました')
    expect(alert).toHaveTextContent('No market data between 2030-01-01 and 2030-12-31.')
  })

  it('its result: figures with their explanations, both charts, trades linking to the stock, the monthly heatmap', async () => {
    api([{ path: '/api/v1/backtests/3', body: succeeded }])
    renderWithProviders(<BacktestPage />, { route: '/backtests/3', path: '/backtests/:id' })
    expect(await screen.findByRole('heading', { level: 1, name: 'モメンタム投資（順張り） v1のバックテスト' })).toBeInTheDocument()
    expect(screen.getByText(/2024\/01\/04〜2025\/06\/30・初期資金 ¥10,000,000・手数料 なし・最大 10 銘柄/)).toBeInTheDocument()

    const stat = (key: string) => document.querySelector(`[data-stat="${key}"]`) as HTMLElement
    expect(stat('cagr_pct')).toHaveTextContent('年率リターン（CAGR）')
    expect(stat('cagr_pct')).toHaveTextContent('+8.71%')
    expect(stat('sharpe')).toHaveTextContent('0.67')
    expect(stat('max_drawdown_pct')).toHaveTextContent('-18.26%')
    expect(stat('max_drawdown_pct')).toHaveTextContent('472 日間（317 営業日）')
    expect(stat('win_rate_pct')).toHaveTextContent('30.60%')
    expect(stat('trades')).toHaveTextContent('134')
    expect(stat('beta')).toHaveTextContent('0.47')
    expect(within(stat('sortino')).getByRole('button', { name: 'ソルティノレシオの説明' })).toHaveAccessibleDescription(
      '下落方向の値動きだけでリスクを測ったシャープレシオ。',
    )

    const equity = screen.getByRole('img', { name: /^資産の推移：この方針 ¥11,322,650（期間リターン \+13\.23%）/ })
    expect(await within(equity).findByTestId('line-chart')).toHaveTextContent(`この方針:${momentumResult.equity.length} ベンチマーク:${momentumResult.equity.length}`)
    expect(screen.getByRole('img', { name: 'ドローダウンの推移：最大 -18.26%' })).toBeInTheDocument()

    const trades = screen.getByRole('table', { name: '取引の一覧（5 件）' })
    const first = within(trades).getAllByRole('row')[1]!
    expect(within(first).getByRole('link', { name: '5512 の株価チャートを開く' })).toHaveAttribute('href', '/stocks/5512')
    expect(first).toHaveTextContent('2024/01/05')
    expect(first).toHaveTextContent('¥947')
    expect(first).toHaveTextContent('-¥75,760')
    expect(first).toHaveTextContent('損切り（−8%）')

    const heatmap = screen.getByRole('table', { name: '月次リターン（年 × 月）' })
    expect(within(heatmap).getByRole('cell', { name: '2024年1月：+5.2%' })).toHaveClass('bt-heatmap__cell--gain')
    expect(within(heatmap).getByRole('cell', { name: '2024年3月：-1.1%' })).toHaveClass('bt-heatmap__cell--loss')
    expect(within(heatmap).getAllByRole('row').map((row) => within(row).queryByRole('rowheader')?.textContent)).toEqual([undefined, '2024', '2025'])
  })
})

describe('the list', () => {
  it('deletes a run after asking, and picks two to compare', async () => {
    const { calls } = api([
      { path: '/api/v1/backtests', body: { items: [otherVersion(), succeeded, running], total: 3 } },
      { method: 'DELETE', path: '/api/v1/backtests/3', status: 204 },
    ])
    renderWithProviders(<BacktestsPage />, { route: '/backtests', path: '/backtests' })
    const table = await screen.findByRole('table', { name: '過去のバックテスト' })
    const row = table.querySelector('tr[data-backtest="3"]') as HTMLElement
    expect(row).toHaveTextContent('モメンタム投資（順張り） v1')
    expect(row).toHaveTextContent('+13.23%')
    expect(table.querySelector('tr[data-backtest="4"]')).toHaveTextContent('実行中')

    await userEvent.click(within(row).getByRole('button', { name: '削除' }))
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false)
    const confirm = within(row).getByRole('group', { name: 'バックテスト #3 を削除しますか？' })
    await userEvent.click(within(confirm).getByRole('button', { name: '削除する' }))
    await waitFor(() => expect(calls.some((c) => c.method === 'DELETE' && c.url.pathname === '/api/v1/backtests/3')).toBe(true))

    const compare = screen.getByRole('button', { name: '選んだ 2 件を比較' })
    expect(compare).toBeDisabled()
    expect(within(table.querySelector('tr[data-backtest="4"]') as HTMLElement).getByRole('checkbox')).toBeDisabled()
    await userEvent.click(within(table.querySelector('tr[data-backtest="6"]') as HTMLElement).getByRole('checkbox'))
    await userEvent.click(within(row).getByRole('checkbox'))
    await userEvent.click(compare)
    expect(screen.getByTestId('location')).toHaveTextContent('/backtests/compare?a=6&b=3')
  })
})

describe('compare', () => {
  it('two versions side by side: every figure in two columns, the better marked, both equity curves on one chart', async () => {
    api([
      { path: '/api/v1/backtests/3', body: succeeded },
      { path: '/api/v1/backtests/6', body: otherVersion() },
    ])
    renderWithProviders(<ComparePage />, { route: '/backtests/compare?a=3&b=6', path: '/backtests/compare' })
    const table = await screen.findByRole('table', { name: 'バックテストの比較' })
    const headers = within(table).getAllByRole('columnheader').map((h) => h.textContent)
    expect(headers[1]).toContain('A: モメンタム投資（順張り） v1')
    expect(headers[2]).toContain('B: モメンタム投資（順張り） v2')
    const row = (label: string) => within(table).getByRole('row', { name: new RegExp(`^${label.replace(/[()（）]/g, '.')}`) })
    expect(row('期間リターン')).toHaveTextContent('期間リターン+13.23%（良い方）+4.50%')
    expect(within(row('期間リターン')).getAllByRole('cell')[0]).toHaveClass('bt-compare__better')
    // The shallower drawdown is the better one.
    expect(within(row('最大ドローダウン')).getAllByRole('cell')[1]).toHaveClass('bt-compare__better')
    expect(within(row('最大ドローダウン')).getAllByRole('cell')[1]).toHaveTextContent('-9.10%（良い方）')
    const chart = screen.getByRole('img', { name: '2 件の資産の推移：A +13.23%、B +4.50%' })
    expect(await within(chart).findByTestId('line-chart')).toHaveTextContent(/A: モメンタム投資（順張り） v1:\d+ B: モメンタム投資（順張り） v2:\d+/)
  })

  it('asks for two runs when the link names fewer', async () => {
    api([])
    renderWithProviders(<ComparePage />, { route: '/backtests/compare?a=3', path: '/backtests/compare' })
    expect(await screen.findByText('比較するバックテストを 2 件選んでください。')).toBeInTheDocument()
  })
})
