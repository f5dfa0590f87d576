import { expect, test } from '@playwright/test'
import { apiToken, signIn, useLanguage } from './support'

// The rest of the main journey, at desktop and phone widths: create a policy from a preset and edit it
// (a new version) → screen the universe under it → open a stock → evaluate → history.
test.describe('research journey', () => {

  test('create a policy, screen with it, evaluate a hit and find it in the history', async ({ page, request }) => {
    const token = await apiToken(request)
    const presets = await (
      await request.get('/api/v1/policies/presets?lang=en', { headers: { Authorization: `Bearer ${token}` } })
    ).json()
    const momentum = presets.find((p: { style: string }) => p.style === 'momentum')
    const policyName = `E2E momentum ${Date.now() % 100000}`
    await useLanguage(page, 'en')
    await signIn(page)

    // Policies: a preset, customised before saving, then edited into version 2.
    await page.goto('/policies')
    await expect(page.getByRole('heading', { name: 'Investment policies' })).toBeVisible()
    // With no policy yet the presets are on the page; otherwise behind "New policy".
    const newPolicy = page.getByRole('button', { name: 'New policy' })
    await expect(newPolicy.or(page.locator('li.pol-preset').first())).toBeVisible()
    if (await newPolicy.isVisible()) await newPolicy.click()
    const card = page.locator('li.pol-preset').filter({ hasText: momentum.name_en })
    await card.getByRole('button', { name: 'Customize first' }).click()
    await expect(page).toHaveURL(/\/policies\/new/)
    const name = page.getByLabel('Name', { exact: true })
    await name.fill(policyName)
    await page.getByLabel(/^Target return/).fill('20')
    await page.getByRole('button', { name: 'Create', exact: true }).click()
    await expect(page).toHaveURL(/\/policies\/\d+$/)
    const policyId = Number(page.url().split('/').pop())
    await page.getByLabel(/^Stop-loss/).fill('6')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await expect(page.getByText(/Saved \(v2\)/)).toBeVisible()

    // Screener: rank the universe under the new policy and open the best stock.
    await page.goto('/screener')
    await page.getByLabel('Policy', { exact: true }).selectOption(String(policyId))
    await page.getByRole('button', { name: 'Screen', exact: true }).click()
    const rows = page.locator('table tbody tr')
    await expect(rows.first()).toBeVisible()
    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: /csv/i }).click()
    expect((await download).suggestedFilename()).toMatch(/\.csv$/)
    await rows.first().click()
    // The hit opens with the policy it was screened under.
    await expect(page).toHaveURL(new RegExp(`/stocks/[0-9A-Z]{4}\\?policy=${policyId}$`))
    const code = new URL(page.url()).pathname.split('/').pop() as string

    // Evaluate that stock under the policy (version 2).
    await page.getByLabel('Investment policy').selectOption(String(policyId))
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click()
    await expect(page.getByText(`(v2)`).first()).toBeVisible()

    // History: the evaluation is there, and its detail page grades it.
    await page.goto(`/history?stock_code=${code}`)
    const entry = page.locator('table tbody tr, [role="row"]').filter({ hasText: code }).first()
    await expect(entry).toBeVisible()
    await entry.click()
    await expect(page).toHaveURL(/\/history\/\d+/)
    await expect(page.getByRole('heading', { name: 'What happened since' })).toBeVisible()
  })
})
