import { expect, test } from '@playwright/test'
import { apiToken, firstStock, presetPolicy, shot, signIn, useLanguage } from './support'

// The main journey, at desktop and phone widths: sign in → search → stock detail → evaluate under a policy.
// (The policy, screener and history steps follow in journey-research.spec.ts.)
test.describe('investor journey', () => {

  test('sign in, search, open a stock and evaluate it under a policy', async ({ page, request }) => {
    const token = await apiToken(request)
    const stock = await firstStock(request, token)
    await presetPolicy(request, token, 'value')
    await useLanguage(page, 'en')

    await signIn(page)
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible()
    await expect(page.getByText(/demo/i).first()).toBeVisible() // the demo banner
    // The market's latest session against the demo's own index, named as the demo's, beside the
    // equal-weight average of all stocks.
    await expect(page.getByRole('heading', { name: 'Market overview' })).toBeVisible()
    await expect(page.getByText('TOPIX (demo)', { exact: true })).toBeVisible()
    await expect(page.getByText('Equal-weight average of all stocks')).toBeVisible()

    // By name: the dashboard has other comboboxes (the watchlist form's policy select).
    const search = page.getByRole('combobox', { name: 'Search stocks' })
    await search.fill(stock.code.slice(0, 3))
    await expect(page.getByRole('option').first()).toBeVisible()
    await search.fill(stock.code)
    await expect(page.getByRole('option', { name: new RegExp(stock.code) })).toBeVisible()
    await expect(page.getByRole('option', { name: new RegExp(stock.code) })).toContainText('¥') // its last close
    await search.press('Enter')

    await expect(page).toHaveURL(new RegExp(`/stocks/${stock.code}`))
    await expect(page.getByRole('heading', { name: stock.nameEn })).toBeVisible()
    await expect(page.locator('canvas').first()).toBeVisible() // the price chart
    await page.getByRole('radio', { name: 'Weekly' }).click()
    await expect(page.getByRole('checkbox', { name: 'SMA 13W' })).toBeVisible()
    await expect(page.locator('canvas').first()).toBeVisible()

    await page.getByLabel('Investment policy').selectOption({ index: 1 })
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click()
    await expect(page.getByText('Buy score').first()).toBeVisible()
    await expect(page.getByText('Policy match').first()).toBeVisible()
    await expect(page.getByText('Entry zone').first()).toBeVisible()
    await expect(page.getByText('Stop-loss').first()).toBeVisible()
  })

  test('the interface speaks Japanese by default', async ({ page }) => {
    await useLanguage(page, 'ja')
    await page.goto('/sign-in')
    await expect(page.locator('html')).toHaveAttribute('lang', 'ja')
    await expect(page.getByRole('button', { name: 'ログイン' })).toBeVisible()
  })
})
