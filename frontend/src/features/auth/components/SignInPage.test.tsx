import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { queryKeys } from '@/lib/api/keys'
import { getToken } from '@/lib/auth/session'
import i18n from '@/lib/i18n'
import { mockApi } from '@/test/fetchMock'
import firstLoad from '@/test/fixtures/health-first-load.json'
import { renderWithProviders } from '@/test/render'
import { SignInPage } from './SignInPage'

const me = (language: 'ja' | 'en') => ({
  id: 1,
  username: 'investor',
  is_admin: true,
  language,
  created_at: '2026-11-28T11:38:51Z',
  last_login_at: '2026-11-28T11:38:53Z',
})

function signInAs(language: 'ja' | 'en') {
  const api = mockApi([
    { path: '/api/v1/auth/setup', body: { needed: false } },
    {
      method: 'POST',
      path: '/api/v1/auth/token',
      body: { access_token: 'tok-123', token_type: 'bearer', expires_at: '2026-12-01T00:00:00Z' },
    },
    { path: '/api/v1/users/me', body: me(language) },
  ])
  const view = renderWithProviders(<SignInPage />, { route: '/sign-in?next=%2Fhistory', path: '/sign-in' })
  return { ...api, ...view }
}

async function submit() {
  await userEvent.type(await screen.findByLabelText('ユーザー名'), 'investor')
  await userEvent.type(screen.getByLabelText('パスワード'), 'a-long-password')
  await userEvent.click(screen.getByRole('button', { name: 'ログイン' }))
}

describe('SignInPage', () => {
  it('shows the first demo load above the form while an empty install prepares it', async () => {
    mockApi([
      { path: '/api/v1/auth/setup', body: { needed: false } },
      { path: '/api/v1/health', body: firstLoad },
    ])
    renderWithProviders(<SignInPage />, { route: '/sign-in', path: '/sign-in' })
    const panel = await screen.findByRole('region', { name: 'デモデータを準備しています' })
    expect(panel).toHaveTextContent('完了を待たずにアプリを使えます')
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '50')
    // Signing in does not wait for it.
    expect(await screen.findByRole('button', { name: 'ログイン' })).toBeEnabled()
  })

  it("switches to the account's language after signing in, then goes where the user was going", async () => {
    const { calls, queryClient } = signInAs('en')
    await submit()

    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/history'))
    expect(getToken()).toBe('tok-123')
    expect(i18n.language).toBe('en')
    expect(document.documentElement.lang).toBe('en')
    const meCall = calls.find((c) => c.url.pathname === '/api/v1/users/me')!
    expect(meCall.headers.get('Authorization')).toBe('Bearer tok-123')
    // the account is cached for the pages that show it; the language is not this device's choice
    expect(queryClient.getQueryData(queryKeys.me)).toMatchObject({ language: 'en' })
    expect(window.localStorage.getItem('kabu.lang')).toBeNull()
  })

  it('keeps the language chosen on this device', async () => {
    window.localStorage.setItem('kabu.lang', 'ja')
    signInAs('en')
    await submit()

    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/history'))
    expect(i18n.language).toBe('ja')
  })

  it('signs in even when the account cannot be read', async () => {
    mockApi([
      { path: '/api/v1/auth/setup', body: { needed: false } },
      {
        method: 'POST',
        path: '/api/v1/auth/token',
        body: { access_token: 'tok-123', token_type: 'bearer', expires_at: '2026-12-01T00:00:00Z' },
      },
      { path: '/api/v1/users/me', status: 503, body: { error: 'unavailable', detail: 'Database is down.', field: null } },
    ])
    renderWithProviders(<SignInPage />, { route: '/sign-in?next=%2Fhistory', path: '/sign-in' })
    await submit()

    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/history'))
    expect(i18n.language).toBe('ja')
  })
})
