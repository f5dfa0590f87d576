import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { mockApi } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import recorded from '../fixtures/screen-momentum-tie-break.json'
import { ScreenerPage } from './ScreenerPage'

// The recorded ranking (screen-momentum.json) with the tie_break the server gives the momentum
// preset's weights (kabu_trade.screener.service.tie_break).
const policies = { items: [{ id: 2, name: 'モメンタム投資（順張り）' }], total: 1 }

function renderScreener() {
  mockApi([
    { path: '/api/v1/policies', body: policies },
    { method: 'POST', path: '/api/v1/screener', body: recorded },
  ])
  renderWithProviders(<ScreenerPage />, { route: '/screener?policy=2&limit=50' })
}

describe('the screener under a policy', () => {
  it('says how equal match scores are ordered', async () => {
    renderScreener()
    expect(
      await screen.findByText('適合度が同じ銘柄は、方針が最も重視する「モメンタム」（重み2.5）の買いスコアが高い順に並べています'),
    ).toBeInTheDocument()
  })

  it('opens a hit with the policy kept', async () => {
    renderScreener()
    const table = await screen.findByRole('table')
    const link = within(table).getAllByRole('link')[0]!
    expect(link).toHaveAttribute('href', '/stocks/5512?policy=2')
    await userEvent.click(within(table).getAllByRole('row')[2]!.querySelector('td.num')!)
    expect(screen.getByTestId('location')).toHaveTextContent('/stocks/8244?policy=2')
  })
})
