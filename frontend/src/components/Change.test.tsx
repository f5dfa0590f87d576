import { render, screen } from '@testing-library/react'
import i18n from '@/lib/i18n'
import { Change } from './Change'

const pct = (m: number) => `${m.toFixed(2)}%`

describe('Change', () => {
  it('marks a rise with ▲, red, and a word for screen readers', () => {
    const { container } = render(<Change value={0.63} format={pct} />)
    expect(container.firstChild).toHaveClass('change--up')
    expect(container).toHaveTextContent('▲上昇 0.63%')
  })

  it('marks a fall with ▼ and blue', async () => {
    await i18n.changeLanguage('en')
    const { container } = render(<Change value={-0.26} format={pct} />)
    expect(container.firstChild).toHaveClass('change--down')
    expect(container).toHaveTextContent('▼down 0.26%')
  })

  it('shows a dash when there is no change to show', () => {
    render(<Change value={null} format={pct} />)
    expect(screen.getByText('—')).toBeInTheDocument()
  })
})
