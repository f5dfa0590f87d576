import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import i18n from '@/lib/i18n'
import { mockApi } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import { SignInForm } from './SignInForm'

async function fillAndSubmit(username: string, password: string) {
  if (username) await userEvent.type(screen.getByLabelText('ユーザー名'), username)
  if (password) await userEvent.type(screen.getByLabelText('パスワード'), password)
  await userEvent.click(screen.getByRole('button', { name: 'ログイン' }))
}

describe('SignInForm', () => {
  it('posts the credentials as a form and hands over the token', async () => {
    const { calls } = mockApi([
      {
        method: 'POST',
        path: '/api/v1/auth/token',
        body: { access_token: 'tok-123', token_type: 'bearer', expires_at: '2026-12-01T00:00:00Z' },
      },
    ])
    const onSignedIn = vi.fn()
    renderWithProviders(<SignInForm onSignedIn={onSignedIn} />)
    await fillAndSubmit('investor', 'a-long-password')

    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith(expect.objectContaining({ access_token: 'tok-123' })))
    const call = calls.find((c) => c.url.pathname === '/api/v1/auth/token')!
    expect(call.headers.get('Content-Type')).toContain('application/x-www-form-urlencoded')
    const form = new URLSearchParams(call.body)
    expect(form.get('username')).toBe('investor')
    expect(form.get('password')).toBe('a-long-password')
  })

  it("shows the server's detail when the credentials are wrong", async () => {
    mockApi([
      {
        method: 'POST',
        path: '/api/v1/auth/token',
        status: 401,
        body: { error: 'unauthorized', detail: 'Incorrect username or password.', field: null },
      },
    ])
    const onSignedIn = vi.fn()
    renderWithProviders(<SignInForm onSignedIn={onSignedIn} />)
    await fillAndSubmit('investor', 'wrong-password')

    expect(await screen.findByRole('alert')).toHaveTextContent('Incorrect username or password.')
    expect(onSignedIn).not.toHaveBeenCalled()
    expect(screen.getByLabelText('ユーザー名')).not.toHaveAttribute('aria-invalid')
    expect(screen.getByRole('button', { name: 'ログイン' })).toBeEnabled()
  })

  it('highlights the field the error names, describes it and focuses it', async () => {
    mockApi([
      {
        method: 'POST',
        path: '/api/v1/auth/token',
        status: 422,
        body: {
          error: 'validation_error',
          detail: 'username: Field required',
          field: 'username',
          errors: [{ field: 'username', message: 'Field required' }],
        },
      },
    ])
    renderWithProviders(<SignInForm onSignedIn={vi.fn()} />)
    await fillAndSubmit('', 'a-long-password')

    expect(await screen.findByRole('alert')).toHaveTextContent('username: Field required')
    const username = screen.getByLabelText('ユーザー名')
    expect(username).toHaveAttribute('aria-invalid', 'true')
    expect(username).toHaveAccessibleDescription('Field required')
    await waitFor(() => expect(username).toHaveFocus())
    expect(screen.getByLabelText('パスワード')).not.toHaveAttribute('aria-invalid')
  })

  it('explains a network failure in the UI language', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')))
    await i18n.changeLanguage('en')
    renderWithProviders(<SignInForm onSignedIn={vi.fn()} />)
    await userEvent.type(screen.getByLabelText('Username'), 'investor')
    await userEvent.type(screen.getByLabelText('Password'), 'a-long-password')
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('Cannot reach the server')
  })
})
