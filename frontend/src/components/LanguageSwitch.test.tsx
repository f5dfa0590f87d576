import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { queryKeys } from '@/lib/api/keys'
import i18n from '@/lib/i18n'
import { mockApi } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import { AccountLanguageSwitch, LanguageSwitch } from './LanguageSwitch'

describe('LanguageSwitch', () => {
  it('switches the UI language, <html lang> and remembers the choice', async () => {
    render(<LanguageSwitch />)
    expect(document.documentElement.lang).toBe('ja')
    expect(screen.getByRole('button', { name: '日本語' })).toHaveAttribute('aria-pressed', 'true')

    await userEvent.click(screen.getByRole('button', { name: 'English' }))
    expect(i18n.language).toBe('en')
    expect(document.documentElement.lang).toBe('en')
    expect(window.localStorage.getItem('kabu.lang')).toBe('en')
    expect(screen.getByRole('group', { name: 'Language' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'English' })).toHaveAttribute('aria-pressed', 'true')
  })
})

describe('AccountLanguageSwitch (the signed-in header)', () => {
  const me = { id: 1, username: 'investor', is_admin: true, language: 'ja', created_at: '2026-11-28T11:00:00Z', last_login_at: null }

  it('saves the choice to the account, as the settings page does', async () => {
    const { calls } = mockApi([{ method: 'PATCH', path: '/api/v1/users/me', body: { ...me, language: 'en' } }])
    const { queryClient } = renderWithProviders(<AccountLanguageSwitch />)
    await userEvent.click(screen.getByRole('button', { name: 'English' }))
    expect(i18n.language).toBe('en')
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(1))
    const patch = calls.find((c) => c.method === 'PATCH')!
    expect(patch.url.pathname).toBe('/api/v1/users/me')
    expect(JSON.parse(patch.body)).toEqual({ language: 'en' })
    await waitFor(() => expect(queryClient.getQueryData(queryKeys.me)).toMatchObject({ language: 'en' }))
    // choosing the language already shown sends nothing
    await userEvent.click(screen.getByRole('button', { name: 'English' }))
    expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(1)
  })

  it('keeps the new language and says so when saving it fails', async () => {
    mockApi([
      { method: 'PATCH', path: '/api/v1/users/me', status: 503, body: { error: 'unavailable', detail: 'Database is down.', field: null } },
    ])
    renderWithProviders(<AccountLanguageSwitch />)
    await userEvent.click(screen.getByRole('button', { name: 'English' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('Not saved to your account: Database is down.')
    expect(i18n.language).toBe('en')
  })
})
