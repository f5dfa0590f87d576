import { screen, waitFor } from '@testing-library/react'
import i18n from '@/lib/i18n'
import { demoHealth, mockApi } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import { DemoBanner } from './DemoBanner'

describe('DemoBanner', () => {
  it('says the data is fictional while the API reports demo data', async () => {
    mockApi([{ path: '/api/v1/health', body: demoHealth(true) }])
    renderWithProviders(<DemoBanner />)
    expect(await screen.findByText('デモデータ（架空の企業）を表示しています')).toBeInTheDocument()
    expect(screen.getByRole('note')).toHaveTextContent('実在の銘柄・株価ではありません。')
  })

  it('speaks English when the UI does', async () => {
    await i18n.changeLanguage('en')
    mockApi([{ path: '/api/v1/health', body: demoHealth(true) }])
    renderWithProviders(<DemoBanner />)
    expect(await screen.findByText('Showing demo data (fictional companies)')).toBeInTheDocument()
  })

  it('is absent with real data', async () => {
    const { calls } = mockApi([{ path: '/api/v1/health', body: demoHealth(false) }])
    renderWithProviders(<DemoBanner />)
    await waitFor(() => expect(calls).toHaveLength(1))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(screen.queryByRole('note')).not.toBeInTheDocument()
  })
})
