import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen, within } from '@testing-library/react'
import { createMemoryRouter, RouterProvider } from 'react-router'
import { routes } from '@/app/routes'
import { setToken } from '@/lib/auth/session'
import { demoHealth, mockApi } from '@/test/fetchMock'
import { demoState } from './fixtures'

function renderApp(isAdmin: boolean) {
  setToken('tok')
  mockApi([
    { path: '/api/v1/health', body: demoHealth(true) },
    {
      path: '/api/v1/users/me',
      body: { id: 1, username: 'someone', is_admin: isAdmin, language: 'ja', created_at: '2026-11-28T11:38:51Z', last_login_at: null },
    },
    { path: '/api/v1/data-source', body: demoState },
    { path: '/api/v1/jobs', body: [] },
  ])
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={createMemoryRouter(routes, { initialEntries: ['/data'] })} />
    </QueryClientProvider>,
  )
}

describe('the data page in the navigation', () => {
  it('is there for administrators', async () => {
    renderApp(true)
    const nav = screen.getByRole('navigation', { name: 'メインナビゲーション' })
    expect(await within(nav).findByRole('link', { name: 'データ' })).toHaveAttribute('href', '/data')
    expect(await screen.findByRole('heading', { level: 1, name: 'データ' }, { timeout: 5000 })).toBeInTheDocument()
    expect(await screen.findByRole('region', { name: '現在のデータ' })).toBeInTheDocument()
  })

  it('is hidden from everyone else, and the page says why', async () => {
    renderApp(false)
    expect(await screen.findByText('このページは管理者だけが使えます。', undefined, { timeout: 5000 })).toBeInTheDocument()
    const nav = screen.getByRole('navigation', { name: 'メインナビゲーション' })
    expect(within(nav).getByRole('link', { name: '設定' })).toBeInTheDocument()
    expect(within(nav).queryByRole('link', { name: 'データ' })).not.toBeInTheDocument()
  })
})
