import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import i18n from '@/lib/i18n'
import { LanguageSwitch } from './LanguageSwitch'

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
