import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { mockApi } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import policy from '../fixtures/policy-momentum.json'
import presets from '../fixtures/presets-ja.json'
import { PoliciesPage } from './PoliciesPage'

describe('PoliciesPage', () => {
  it('offers the presets when there is no policy yet, and creates one as it is', async () => {
    const { calls } = mockApi([
      { path: '/api/v1/policies', body: { items: [], total: 0 } },
      { path: '/api/v1/policies/presets', body: presets },
      { method: 'POST', path: '/api/v1/policies/from-preset/dividend', status: 201, body: { ...policy, id: 7, style: 'dividend' } },
    ])
    renderWithProviders(<PoliciesPage />, { route: '/policies' })
    expect(await screen.findByText('まだ投資方針がありません')).toBeInTheDocument()
    const card = (await screen.findByRole('heading', { name: '高配当投資（インカム重視）' })).closest('li')!
    expect(card).toHaveTextContent('長期・目標 +20%・損切り −12%・ルール 7 件')
    expect(calls.find((c) => c.url.pathname === '/api/v1/policies/presets')!.url.searchParams.get('lang')).toBe('ja')

    await userEvent.click(within(card).getByRole('button', { name: 'このまま作成' }))
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/policies/7'))
    expect(calls.some((c) => c.method === 'POST' && c.url.pathname === '/api/v1/policies/from-preset/dividend')).toBe(true)
  })

  it('opens the editor with a preset to customize first', async () => {
    mockApi([
      { path: '/api/v1/policies', body: { items: [], total: 0 } },
      { path: '/api/v1/policies/presets', body: presets },
    ])
    renderWithProviders(<PoliciesPage />, { route: '/policies' })
    const card = (await screen.findByRole('heading', { name: 'スイングトレード（数日〜数週間）' })).closest('li')!
    await userEvent.click(within(card).getByRole('button', { name: '編集してから作成' }))
    expect(screen.getByTestId('location')).toHaveTextContent('/policies/new?preset=swing')
  })

  it('lists policies and deletes one after confirming, with the focus kept in the dialog', async () => {
    const other = { ...policy, id: 3, name: '自分の方針', style: 'value', version: 4 }
    let items = [policy, other]
    const { calls } = mockApi([
      { path: '/api/v1/policies', body: () => ({ items, total: items.length }) },
      {
        method: 'DELETE',
        path: '/api/v1/policies/3',
        status: 204,
        body: () => {
          items = [policy]
          return undefined
        },
      },
    ])
    renderWithProviders(<PoliciesPage />, { route: '/policies' })
    const row = (await screen.findByRole('link', { name: '自分の方針' })).closest('tr')!
    expect(row).toHaveTextContent('バリュー')
    expect(row).toHaveTextContent('+25% / −8%')
    expect(row).toHaveTextContent('v4')
    expect(within(row).getByRole('img', { name: 'リスク許容度 4 / 5' })).toBeInTheDocument()

    const opener = within(row).getByRole('button', { name: '「自分の方針」を削除' })
    await userEvent.click(opener)
    const dialog = screen.getByRole('alertdialog', { name: '「自分の方針」を削除しますか？' })
    expect(within(dialog).getByRole('button', { name: 'キャンセル' })).toHaveFocus()
    await userEvent.keyboard('{Escape}')
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument()
    expect(opener).toHaveFocus()

    await userEvent.click(opener)
    await userEvent.tab()
    await userEvent.tab()
    expect(within(screen.getByRole('alertdialog')).getByRole('button', { name: '閉じる' })).toHaveFocus()
    await userEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: '削除する' }))
    expect(await screen.findByText('「自分の方針」を削除しました')).toBeInTheDocument()
    expect(calls.some((c) => c.method === 'DELETE' && c.url.pathname === '/api/v1/policies/3')).toBe(true)
    await waitFor(() => expect(screen.queryByRole('link', { name: '自分の方針' })).not.toBeInTheDocument())
    expect(screen.getByRole('heading', { level: 1 })).toHaveFocus()
  })
})
