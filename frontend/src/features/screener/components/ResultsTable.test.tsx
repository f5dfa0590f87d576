import { screen, within } from '@testing-library/react'
import i18n from '@/lib/i18n'
import { renderWithProviders } from '@/test/render'
import result from '../fixtures/screen-momentum.json'
import type { ScreenItem } from '../model/sort'
import { ResultsTable } from './ResultsTable'

const [first, second] = result.items as ScreenItem[]
// The first hit has English names (as J-Quants data does); the second none (a CSV list without them).
const items: ScreenItem[] = [{ ...first!, name_en: 'Nishiki Special Steel', sector_en: 'Iron & Steel' }, { ...second!, name_en: null }]

describe('ResultsTable in English', () => {
  it('shows English company and sector names where the data has them, else the Japanese name', async () => {
    await i18n.changeLanguage('en')
    renderWithProviders(<ResultsTable items={items} />)
    const rows = screen.getAllByRole('row').slice(1)
    expect(within(rows[0]!).getByRole('link')).toHaveTextContent('5512Nishiki Special Steel')
    expect(within(rows[0]!).getByText(/Iron & Steel/)).toBeInTheDocument()
    expect(within(rows[1]!).getByRole('link')).toHaveTextContent(`${second!.stock_code}${second!.name}`)
    // No sector_en in the answer: the TSE table names 小売業 in English.
    expect(within(rows[1]!).getByText(/Retail Trade/)).toBeInTheDocument()
  })

  it('keeps the Japanese names in Japanese', () => {
    renderWithProviders(<ResultsTable items={items} />)
    const rows = screen.getAllByRole('row').slice(1)
    expect(within(rows[0]!).getByRole('link')).toHaveTextContent(`5512${first!.name}`)
    expect(within(rows[0]!).getByText(/鉄鋼/)).toBeInTheDocument()
  })
})
