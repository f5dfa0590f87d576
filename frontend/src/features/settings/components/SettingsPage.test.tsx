import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { getRefreshToken, getToken, setToken } from '@/lib/auth/session'
import i18n from '@/lib/i18n'
import { demoHealth, mockApi, type MockRoute } from '@/test/fetchMock'
import recentJobs from '@/test/fixtures/jobs-recent.json'
import { renderWithProviders } from '@/test/render'
import { SettingsPage } from './SettingsPage'

const me = {
  id: 1,
  username: 'investor',
  is_admin: true,
  language: 'ja',
  created_at: '2026-11-28T11:38:51Z',
  last_login_at: '2026-11-28T11:38:53Z',
}

function renderSettings(extra: MockRoute[] = []) {
  const api = mockApi([
    ...extra,
    { path: '/api/v1/users/me', body: me },
    { path: '/api/v1/health', body: demoHealth(true) },
    { path: '/api/v1/jobs', body: recentJobs },
  ])
  renderWithProviders(<SettingsPage />, { route: '/settings' })
  return api
}

describe('SettingsPage', () => {
  it('shows the account and what data the app shows', async () => {
    renderSettings()
    expect(await screen.findByText('investor')).toBeInTheDocument()
    expect(screen.getByText('管理者')).toBeInTheDocument()
    expect(await screen.findByText('デモ（オフライン生成）')).toBeInTheDocument()
    expect(screen.getByText('はい（架空の企業・株価です）')).toBeInTheDocument()
    expect(screen.getByText('2026/11/27')).toBeInTheDocument()
    expect(screen.getByText('成功')).toBeInTheDocument()
  })

  it('shows administrators the background jobs', async () => {
    renderSettings()
    const card = await screen.findByRole('region', { name: 'バックグラウンド処理' })
    expect(await within(card).findAllByRole('row')).toHaveLength(1 + recentJobs.length)
  })

  it('does not show members the jobs, nor ask for them', async () => {
    const { calls } = renderSettings([{ path: '/api/v1/users/me', body: { ...me, is_admin: false } }])
    expect(await screen.findByText('一般')).toBeInTheDocument()
    expect(screen.queryByRole('heading', { name: 'バックグラウンド処理' })).not.toBeInTheDocument()
    expect(calls.some((call) => call.url.pathname === '/api/v1/jobs')).toBe(false)
  })

  it('switches the UI language at once, remembers it here and saves it to the account', async () => {
    const { calls } = renderSettings([{ method: 'PATCH', path: '/api/v1/users/me', body: { ...me, language: 'en' } }])
    await screen.findByText('investor')
    expect(screen.getByRole('radio', { name: '日本語' })).toBeChecked()

    await userEvent.click(screen.getByRole('radio', { name: 'English' }))
    expect(i18n.language).toBe('en')
    expect(screen.getByRole('heading', { level: 1, name: 'Settings' })).toBeInTheDocument()
    expect(window.localStorage.getItem('kabu.lang')).toBe('en')
    expect(document.documentElement.lang).toBe('en')
    expect(await screen.findByText('Language saved')).toBeInTheDocument()
    const patch = calls.find((c) => c.method === 'PATCH')!
    expect(JSON.parse(patch.body)).toEqual({ language: 'en' })
    expect(screen.getByRole('radio', { name: 'English' })).toBeChecked()
  })

  it('keeps the new language on screen and says so when saving it fails', async () => {
    renderSettings([
      { method: 'PATCH', path: '/api/v1/users/me', status: 503, body: { error: 'unavailable', detail: 'Database is down.', field: null } },
    ])
    await screen.findByText('investor')
    await userEvent.click(screen.getByRole('radio', { name: 'English' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('The screens switched, but saving it to your account failed: Database is down.')
    expect(i18n.language).toBe('en')
  })

  it('checks the new password here, and shows the server’s answer at the field it names', async () => {
    const { calls } = renderSettings([
      {
        method: 'PATCH',
        path: '/api/v1/users/me',
        status: 400,
        body: { error: 'invalid_input', detail: 'The current password is wrong.', field: 'current_password' },
      },
    ])
    await screen.findByText('investor')
    await userEvent.type(screen.getByLabelText('現在のパスワード'), 'wrong-password')
    await userEvent.type(screen.getByLabelText('新しいパスワード'), 'short')
    await userEvent.type(screen.getByLabelText('新しいパスワード（確認）'), 'shorter')
    await userEvent.click(screen.getByRole('button', { name: 'パスワードを変更' }))
    expect(screen.getByLabelText('新しいパスワード')).toHaveAccessibleDescription('10 文字以上 10 文字以上にしてください')
    expect(screen.getByLabelText('新しいパスワード')).toHaveFocus()
    expect(screen.getByLabelText('新しいパスワード（確認）')).toHaveAccessibleDescription('新しいパスワードと一致しません')
    expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(0)

    await userEvent.clear(screen.getByLabelText('新しいパスワード'))
    await userEvent.type(screen.getByLabelText('新しいパスワード'), 'a-much-longer-one')
    await userEvent.clear(screen.getByLabelText('新しいパスワード（確認）'))
    await userEvent.type(screen.getByLabelText('新しいパスワード（確認）'), 'a-much-longer-one')
    await userEvent.click(screen.getByRole('button', { name: 'パスワードを変更' }))

    const current = screen.getByLabelText('現在のパスワード')
    await waitFor(() => expect(current).toHaveFocus())
    expect(current).toHaveAttribute('aria-invalid', 'true')
    expect(current).toHaveAccessibleDescription('The current password is wrong.')
    expect(JSON.parse(calls.find((c) => c.method === 'PATCH')!.body)).toEqual({
      current_password: 'wrong-password',
      new_password: 'a-much-longer-one',
    })
  })

  it('clears the form, signs this device back in and says so when the password is changed', async () => {
    setToken('tok-before', 'refresh-before')
    const { calls } = renderSettings([
      { method: 'PATCH', path: '/api/v1/users/me', body: me },
      {
        method: 'POST',
        path: '/api/v1/auth/token',
        body: { access_token: 'tok-after', token_type: 'bearer', expires_at: '2026-12-01T00:15:00Z', refresh_token: 'refresh-after', refresh_expires_at: '2026-12-15T00:00:00Z' },
      },
    ])
    await screen.findByText('investor')
    await userEvent.type(screen.getByLabelText('現在のパスワード'), 'a-long-password')
    await userEvent.type(screen.getByLabelText('新しいパスワード'), 'another-long-one')
    await userEvent.type(screen.getByLabelText('新しいパスワード（確認）'), 'another-long-one')
    await userEvent.click(screen.getByRole('button', { name: 'パスワードを変更' }))
    expect(await screen.findByText('パスワードを変更しました')).toBeInTheDocument()
    expect(screen.getByLabelText('現在のパスワード')).toHaveValue('')
    // The change ended every earlier token: this device signed in again with the new password.
    const signIn = calls.find((c) => c.url.pathname === '/api/v1/auth/token')!
    expect(new URLSearchParams(signIn.body).get('password')).toBe('another-long-one')
    expect(getToken()).toBe('tok-after')
    expect(getRefreshToken()).toBe('refresh-after')
  })

  it('signs out everywhere, this device included', async () => {
    setToken('tok-1', 'refresh-1')
    const { calls } = renderSettings([{ method: 'POST', path: '/api/v1/auth/logout-all', status: 204 }])
    await screen.findByText('investor')
    await userEvent.click(screen.getByRole('button', { name: 'すべての端末からログアウト' }))
    await waitFor(() => expect(getToken()).toBeNull())
    const call = calls.find((c) => c.url.pathname === '/api/v1/auth/logout-all')!
    expect(call.method).toBe('POST')
    expect(call.headers.get('Authorization')).toBe('Bearer tok-1')
    expect(getRefreshToken()).toBeNull()
  })
})
