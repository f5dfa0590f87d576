import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import i18n from '@/lib/i18n'
import { mockApi, type RecordedCall } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import { WatchlistsSection } from './WatchlistsSection'

const item = (code: string, name: string) => ({
  code,
  name,
  sector: '銀行業',
  market: 'prime',
  note: null,
  added_at: '2026-11-28T11:23:25Z',
  close: 3770,
  change_pct: 0.5,
  latest: null,
})

interface List {
  id: number
  name: string
  policy_id: number | null
  created_at: string
  items: ReturnType<typeof item>[]
}

/** The watchlist endpoints over an in-memory state, so a change shows when the page reads again. */
function mockWatchlists(initial: List[]) {
  let lists = initial.map((l) => ({ ...l, items: [...l.items] }))
  let nextId = 10
  const last = (calls: RecordedCall[]) => JSON.parse(calls[calls.length - 1]!.body) as Record<string, unknown>
  const byId = (url: URL) => lists.find((l) => l.id === Number(url.pathname.split('/')[4]))!
  const mock = mockApi([
    {
      path: '/api/v1/policies',
      body: {
        items: [
          { id: 1, name: 'バリュー', style: 'value', version: 1 },
          { id: 2, name: 'モメンタム', style: 'momentum', version: 3 },
        ],
        total: 2,
      },
    },
    {
      path: '/api/v1/watchlists',
      body: () => ({ items: lists.map(({ items, ...l }) => ({ ...l, size: items.length })), total: lists.length }),
    },
    {
      method: 'POST',
      path: '/api/v1/watchlists',
      status: 201,
      body: () => {
        const body = last(mock.calls)
        const created = { id: nextId++, name: String(body.name), policy_id: (body.policy_id as number) ?? null, created_at: '2026-12-01T00:00:00Z', items: [] }
        lists.push(created)
        return created
      },
    },
    { path: /^\/api\/v1\/watchlists\/\d+$/, body: (_r: Request, url: URL) => byId(url) },
    {
      method: 'PATCH',
      path: /^\/api\/v1\/watchlists\/\d+$/,
      body: (_r: Request, url: URL) => {
        const body = last(mock.calls)
        const list = byId(url)
        if (typeof body.name === 'string') list.name = body.name
        if (typeof body.policy_id === 'number') list.policy_id = body.policy_id
        if (body.clear_policy) list.policy_id = null
        return list
      },
    },
    {
      method: 'DELETE',
      path: /^\/api\/v1\/watchlists\/\d+$/,
      status: 204,
      body: (_r: Request, url: URL) => {
        const list = byId(url)
        lists = lists.filter((l) => l !== list)
        return undefined
      },
    },
    {
      method: 'DELETE',
      path: /^\/api\/v1\/watchlists\/\d+\/items\/\w+$/,
      status: 204,
      body: (_r: Request, url: URL) => {
        const list = byId(url)
        const code = url.pathname.split('/')[6]
        list.items = list.items.filter((i) => i.code !== code)
        return undefined
      },
    },
    {
      method: 'POST',
      path: /^\/api\/v1\/watchlists\/\d+\/evaluate$/,
      body: { evaluated: 1, skipped: 2, skipped_codes: ['8334', '8363'], failed: ['1356'] },
    },
  ])
  return mock
}

const bank: List = {
  id: 1,
  name: '高配当候補',
  policy_id: null,
  created_at: '2026-11-28T11:23:25Z',
  items: [item('8334', '光陵銀行'), item('8363', '月島銀行')],
}

const sent = (calls: RecordedCall[], method: string) => calls.filter((c) => c.method === method)

describe('watchlist management on the dashboard', () => {
  it('creates a list, with a policy, from the empty state', async () => {
    const { calls } = mockWatchlists([])
    renderWithProviders(<WatchlistsSection />)
    await screen.findByText('ウォッチリストがまだありません')
    await userEvent.type(screen.getByLabelText('新しいリストの名前'), '半導体')
    await userEvent.selectOptions(screen.getByLabelText('評価に使う投資方針'), 'モメンタム')
    await userEvent.click(screen.getByRole('button', { name: 'リストを作成' }))
    expect(await screen.findByRole('heading', { name: '半導体' })).toBeInTheDocument()
    expect(JSON.parse(sent(calls, 'POST')[0]!.body)).toEqual({ name: '半導体', policy_id: 2, codes: [] })
    expect(screen.getByLabelText('新しいリストの名前')).toHaveValue('')
  })

  it('renames a list and sets or clears its policy', async () => {
    const { calls } = mockWatchlists([bank])
    renderWithProviders(<WatchlistsSection />)
    const card = await screen.findByRole('region', { name: '高配当候補' })
    await userEvent.click(within(card).getByRole('button', { name: '編集' }))

    const name = within(card).getByLabelText('リスト名')
    expect(name).toHaveValue('高配当候補')
    await userEvent.clear(name)
    await userEvent.type(name, '配当株{Enter}')
    expect(await screen.findByRole('heading', { name: '配当株' })).toBeInTheDocument()
    expect(JSON.parse(sent(calls, 'PATCH')[0]!.body)).toEqual({ name: '配当株' })

    const policy = within(screen.getByRole('region', { name: '配当株' })).getByLabelText('評価に使う投資方針')
    await userEvent.selectOptions(policy, 'バリュー')
    await waitFor(() => expect(sent(calls, 'PATCH')).toHaveLength(2))
    expect(JSON.parse(sent(calls, 'PATCH')[1]!.body)).toEqual({ policy_id: 1 })
    expect(await screen.findByText('方針: バリュー')).toBeInTheDocument()
    await userEvent.selectOptions(policy, '方針なし')
    await waitFor(() => expect(sent(calls, 'PATCH')).toHaveLength(3))
    expect(JSON.parse(sent(calls, 'PATCH')[2]!.body)).toEqual({ clear_policy: true })
  })

  it('refuses an empty name without asking the server', async () => {
    const { calls } = mockWatchlists([bank])
    renderWithProviders(<WatchlistsSection />)
    const card = await screen.findByRole('region', { name: '高配当候補' })
    await userEvent.click(within(card).getByRole('button', { name: '編集' }))
    await userEvent.clear(within(card).getByLabelText('リスト名'))
    await userEvent.click(within(card).getByRole('button', { name: '名前を保存' }))
    expect(within(card).getByText('リスト名を入力してください')).toBeInTheDocument()
    expect(sent(calls, 'PATCH')).toHaveLength(0)
  })

  it('removes one stock from a list', async () => {
    const { calls } = mockWatchlists([bank])
    renderWithProviders(<WatchlistsSection />)
    const card = await screen.findByRole('region', { name: '高配当候補' })
    await within(card).findByRole('link', { name: /8334 光陵銀行/ })
    await userEvent.click(within(card).getByRole('button', { name: '編集' }))
    await userEvent.click(within(card).getByRole('button', { name: '8334 光陵銀行 をリストから外す' }))
    await waitFor(() => expect(within(card).queryByRole('link', { name: /8334 光陵銀行/ })).not.toBeInTheDocument())
    expect(sent(calls, 'DELETE')[0]!.url.pathname).toBe('/api/v1/watchlists/1/items/8334')
    expect(within(card).getByRole('link', { name: /8363 月島銀行/ })).toBeInTheDocument()
    expect(within(card).getByText('8334 をリストから外しました')).toBeInTheDocument()
  })

  it('deletes a list only after confirming', async () => {
    const { calls } = mockWatchlists([bank])
    renderWithProviders(<WatchlistsSection />)
    const card = await screen.findByRole('region', { name: '高配当候補' })
    await userEvent.click(within(card).getByRole('button', { name: '編集' }))

    await userEvent.click(within(card).getByRole('button', { name: 'リストを削除' }))
    const confirm = within(card).getByRole('alertdialog', { name: '「高配当候補」を削除しますか？' })
    expect(confirm).toHaveTextContent('2 銘柄もリストから外れます。評価の履歴は残ります。')
    // Cancel has the focus, so a stray Enter deletes nothing.
    expect(within(confirm).getByRole('button', { name: 'キャンセル' })).toHaveFocus()
    await userEvent.keyboard('{Enter}')
    expect(within(card).queryByRole('alertdialog')).not.toBeInTheDocument()
    expect(sent(calls, 'DELETE')).toHaveLength(0)

    await userEvent.click(within(card).getByRole('button', { name: 'リストを削除' }))
    await userEvent.click(within(card).getByRole('button', { name: '削除する' }))
    expect(await screen.findByText('「高配当候補」を削除しました')).toBeInTheDocument()
    expect(sent(calls, 'DELETE')[0]!.url.pathname).toBe('/api/v1/watchlists/1')
    expect(screen.queryByRole('region', { name: '高配当候補' })).not.toBeInTheDocument()
  })

  it('"evaluate now" says which it skipped and why', async () => {
    mockWatchlists([bank])
    renderWithProviders(<WatchlistsSection />)
    const card = await screen.findByRole('region', { name: '高配当候補' })
    await userEvent.click(within(card).getByRole('button', { name: '今すぐ評価' }))
    const status = await within(card).findByText(/1 銘柄を評価しました/)
    expect(status).toHaveTextContent(
      '1 銘柄を評価しました。8334、8363 は最新のデータ・同じ方針で評価済みのため省略しました（次の同期で新しいデータが入ると再評価します）。1356 はデータがないため評価できませんでした。',
    )
  })

  it('says it in English too, sentence by sentence', async () => {
    mockWatchlists([bank])
    await i18n.changeLanguage('en')
    renderWithProviders(<WatchlistsSection />)
    const card = await screen.findByRole('region', { name: '高配当候補' })
    await userEvent.click(within(card).getByRole('button', { name: 'Evaluate now' }))
    expect(await within(card).findByText(/Skipped/)).toHaveTextContent(
      '1 evaluated. Skipped 8334, 8363: already evaluated on the latest data under the same policy (they are evaluated again when a sync brings new data). No data to evaluate 1356.',
    )
  })
})
