import { act, screen } from '@testing-library/react'
import { clearToken, setToken } from '@/lib/auth/session'
import { renderWithProviders } from '@/test/render'
import { RequireAuth } from './RequireAuth'

describe('RequireAuth', () => {
  it('sends a signed-out visitor to sign-in, remembering where they were going', () => {
    renderWithProviders(
      <RequireAuth>
        <p>secret</p>
      </RequireAuth>,
      { route: '/stocks/8334', path: '/stocks/:code' },
    )
    expect(screen.queryByText('secret')).not.toBeInTheDocument()
    expect(screen.getByTestId('location')).toHaveTextContent('/sign-in?next=%2Fstocks%2F8334')
  })

  it('shows the page while signed in, and leaves when the token is cleared (a 401)', () => {
    setToken('tok')
    renderWithProviders(
      <RequireAuth>
        <p>secret</p>
      </RequireAuth>,
      { route: '/history', path: '/history' },
    )
    expect(screen.getByText('secret')).toBeInTheDocument()
    act(() => clearToken({ expired: true }))
    expect(screen.getByTestId('location')).toHaveTextContent('/sign-in?next=%2Fhistory')
  })
})
