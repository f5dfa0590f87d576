import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { mockApi } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import { SearchBox } from './SearchBox'

const stock = (code: string, name: string, sector: string) => ({
  code,
  name,
  name_kana: null,
  name_en: null,
  sector,
  sector_code: null,
  market: 'prime',
  lot_size: 100,
  source: 'demo',
  demo: true,
})

function mockSearch() {
  return mockApi([
    {
      path: '/api/v1/stocks',
      body: (_request: Request, url: URL) => {
        const q = url.searchParams.get('q') ?? ''
        const all = [stock('8334', '光陵銀行', '銀行業'), stock('8363', '月島銀行', '銀行業'), stock('1356', '立山水産', '水産・農林業')]
        const items = all.filter((s) => s.name.includes(q) || s.code.startsWith(q))
        return { items, total: items.length, limit: 10, offset: 0, demo: true }
      },
    },
  ])
}

describe('SearchBox', () => {
  it('searches as you type, debounced, with limit=10', async () => {
    const { calls } = mockSearch()
    renderWithProviders(<SearchBox />)
    const input = screen.getByRole('combobox', { name: '銘柄検索' })
    await userEvent.type(input, '銀行')

    const options = await screen.findAllByRole('option')
    expect(options.map((o) => o.textContent)).toEqual(['8334光陵銀行銀行業', '8363月島銀行銀行業'])
    // Debounced: one request for the whole word, not one per keystroke.
    const searches = calls.filter((c) => c.url.pathname === '/api/v1/stocks')
    expect(searches).toHaveLength(1)
    expect(searches[0]!.url.searchParams.get('q')).toBe('銀行')
    expect(searches[0]!.url.searchParams.get('limit')).toBe('10')
    expect(input).toHaveAttribute('aria-expanded', 'true')
  })

  it('moves through the options with the arrow keys and opens the chosen stock with Enter', async () => {
    mockSearch()
    renderWithProviders(<SearchBox />)
    const input = screen.getByRole('combobox')
    await userEvent.type(input, '銀行')
    await screen.findAllByRole('option')

    await userEvent.keyboard('{ArrowDown}')
    const first = screen.getByRole('option', { name: /光陵銀行/ })
    expect(first).toHaveAttribute('aria-selected', 'true')
    expect(input).toHaveAttribute('aria-activedescendant', first.id)

    await userEvent.keyboard('{ArrowDown}')
    const second = screen.getByRole('option', { name: /月島銀行/ })
    expect(second).toHaveAttribute('aria-selected', 'true')
    expect(first).toHaveAttribute('aria-selected', 'false')

    await userEvent.keyboard('{ArrowDown}') // wraps around
    expect(first).toHaveAttribute('aria-selected', 'true')
    await userEvent.keyboard('{ArrowUp}')
    expect(second).toHaveAttribute('aria-selected', 'true')

    await userEvent.keyboard('{Enter}')
    expect(screen.getByTestId('location')).toHaveTextContent('/stocks/8363')
    expect(input).toHaveValue('')
    expect(input).toHaveAttribute('aria-expanded', 'false')
  })

  it('opens the first match on Enter when none is highlighted, and closes with Escape', async () => {
    mockSearch()
    renderWithProviders(<SearchBox />)
    const input = screen.getByRole('combobox')
    await userEvent.type(input, '水産')
    await screen.findByRole('option', { name: /立山水産/ })
    await userEvent.keyboard('{Escape}')
    expect(input).toHaveAttribute('aria-expanded', 'false')
    await userEvent.keyboard('{ArrowDown}')
    expect(input).toHaveAttribute('aria-expanded', 'true')
    await userEvent.keyboard('{Escape}{Escape}')
    expect(input).toHaveValue('')

    await userEvent.type(input, '1356')
    await screen.findByRole('option', { name: /立山水産/ })
    await userEvent.keyboard('{Enter}')
    expect(screen.getByTestId('location')).toHaveTextContent('/stocks/1356')
  })

  it('says so when nothing matches', async () => {
    mockSearch()
    renderWithProviders(<SearchBox />)
    await userEvent.type(screen.getByRole('combobox'), 'zzz')
    await waitFor(() => expect(screen.getByText('「zzz」に一致する銘柄はありません', { selector: 'p' })).toBeVisible())
    expect(screen.queryAllByRole('option')).toHaveLength(0)
  })

  it('opens a stock with a click', async () => {
    mockSearch()
    renderWithProviders(<SearchBox />)
    await userEvent.type(screen.getByRole('combobox'), '光陵')
    await userEvent.click(await screen.findByRole('option', { name: /光陵銀行/ }))
    expect(screen.getByTestId('location')).toHaveTextContent('/stocks/8334')
  })

  it('opens a typed stock code on Enter without waiting for the suggestions', async () => {
    const { calls } = mockSearch()
    renderWithProviders(<SearchBox />)
    const input = screen.getByRole('combobox')
    // 7203 is not among the suggestions at all: Enter still opens what was typed.
    await userEvent.type(input, '7203{Enter}')
    expect(screen.getByTestId('location')).toHaveTextContent('/stocks/7203')
    expect(input).toHaveValue('')
    // a new-style code with a letter, typed in lower case or full width, is opened as the TSE writes it
    await userEvent.type(input, '130a{Enter}')
    expect(screen.getByTestId('location')).toHaveTextContent('/stocks/130A')
    await userEvent.type(input, '１３５６{Enter}')
    expect(screen.getByTestId('location')).toHaveTextContent('/stocks/1356')
    expect(calls.filter((c) => c.url.pathname === '/api/v1/stocks')).toHaveLength(0)
  })

  it('never opens the previous search’s first hit when Enter comes before the new results', async () => {
    mockSearch()
    renderWithProviders(<SearchBox />)
    const input = screen.getByRole('combobox')
    await userEvent.type(input, '銀行')
    await screen.findByRole('option', { name: /光陵銀行/ })
    // A new word, and Enter at once: the bank suggestions are still on screen, but they are stale.
    await userEvent.clear(input)
    await userEvent.type(input, '水産{Enter}')
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/)
    // Enter waits for the new word's results, then opens its first hit.
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/stocks/1356'))
  })
})

describe('SearchBox prices', () => {
  it('shows each hit with its last close and the change against the previous session', async () => {
    mockApi([
      {
        path: '/api/v1/stocks',
        body: {
          items: [
            { ...stock('8334', '光陵銀行', '銀行業'), as_of: '2024-12-30', last_close: 2280, change: 14, change_pct: 0.6178 },
            { ...stock('8363', '月島銀行', '銀行業'), as_of: '2024-12-30', last_close: 512.5, change: -3, change_pct: -0.5819 },
            stock('8999', '新規上場銀行', '銀行業'),
          ],
          total: 3,
          limit: 10,
          offset: 0,
          demo: true,
        },
      },
    ])
    renderWithProviders(<SearchBox />)
    await userEvent.type(screen.getByRole('combobox'), '銀行')
    const rising = await screen.findByRole('option', { name: /光陵銀行/ })
    expect(rising).toHaveTextContent('¥2,280')
    expect(rising.querySelector('.change--up')).toHaveTextContent('0.62%')
    const falling = screen.getByRole('option', { name: /月島銀行/ })
    expect(falling).toHaveTextContent('¥512.5')
    expect(falling.querySelector('.change--down')).toHaveTextContent('0.58%')
    // A stock without bars yet shows no price rather than a dash.
    expect(screen.getByRole('option', { name: /新規上場銀行/ }).textContent).toBe('8999新規上場銀行銀行業')
  })
})
