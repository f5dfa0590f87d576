import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen, within } from '@testing-library/react'
import { createMemoryRouter, RouterProvider } from 'react-router'
import { setToken } from '@/lib/auth/session'
import { demoHealth, mockApi } from '@/test/fetchMock'
import { routes } from './routes'

function renderApp(path: string) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  const router = createMemoryRouter(routes, { initialEntries: [path] })
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  )
}

describe('routes', () => {
  it('loads a page when first visited, with a skeleton in its place meanwhile', async () => {
    setToken('tok')
    mockApi([
      { path: '/api/v1/health', body: demoHealth(false) },
      {
        path: '/api/v1/users/me',
        body: { id: 1, username: 'investor', is_admin: false, language: 'ja', created_at: '2026-11-28T11:38:51Z', last_login_at: null },
      },
    ])
    renderApp('/settings')
    expect(screen.getByRole('navigation', { name: 'メインナビゲーション' })).toBeInTheDocument()
    const main = screen.getByRole('main')
    expect(within(main).getByRole('status')).toHaveTextContent('読み込み中…')
    expect(await screen.findByRole('heading', { level: 1, name: '設定' }, { timeout: 5000 })).toBeInTheDocument()
    expect(await screen.findByText('investor')).toBeInTheDocument()
  })

  it('keeps the sign-in page in the main bundle', () => {
    mockApi([{ path: '/api/v1/auth/setup', body: { needed: false } }])
    renderApp('/sign-in')
    expect(screen.getByRole('heading', { name: 'ログイン' })).toBeInTheDocument()
  })
})
