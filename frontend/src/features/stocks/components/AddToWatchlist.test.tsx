import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { mockApi } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import { AddToWatchlist } from './AddToWatchlist'

const lists = {
  items: [{ id: 1, name: '高配当候補', policy_id: null, created_at: '2026-11-28T11:23:25Z', size: 1 }],
  total: 1,
}
const listWith8334 = { id: 1, name: '高配当候補', policy_id: null, created_at: '2026-11-28T11:23:25Z', items: [] }

describe('AddToWatchlist', () => {
  it('says the stock was added', async () => {
    const { calls } = mockApi([
      { path: '/api/v1/watchlists', body: lists },
      { method: 'POST', path: '/api/v1/watchlists/1/items', status: 201, body: listWith8334 },
    ])
    renderWithProviders(<AddToWatchlist code="8334" />)
    await userEvent.click(screen.getByRole('button', { name: /ウォッチリストに追加/ }))
    await userEvent.click(await screen.findByRole('button', { name: '「高配当候補」に追加' }))
    expect(await screen.findByText('「高配当候補」に追加しました')).toHaveClass('popover-status')
    expect(JSON.parse(calls.find((c) => c.method === 'POST')!.body)).toEqual({ code: '8334' })
  })

  it('says the stock is already on the list when the API answers 409, never "added"', async () => {
    mockApi([
      { path: '/api/v1/watchlists', body: lists },
      {
        method: 'POST',
        path: '/api/v1/watchlists/1/items',
        status: 409,
        body: { error: 'conflict', detail: "8334 is already on '高配当候補'.", field: 'code' },
      },
    ])
    renderWithProviders(<AddToWatchlist code="8334" />)
    await userEvent.click(screen.getByRole('button', { name: /ウォッチリストに追加/ }))
    await userEvent.click(await screen.findByRole('button', { name: '「高配当候補」に追加' }))
    const panel = screen.getByRole('group', { name: 'ウォッチリストに追加' })
    expect(await within(panel).findByText('「高配当候補」には既に入っています')).toBeInTheDocument()
    expect(screen.queryByText(/追加しました/)).not.toBeInTheDocument()
    // the list is marked, so the user does not try again
    expect(within(panel).getByRole('button', { name: /高配当候補.*追加済み/ })).toBeDisabled()
  })
})
