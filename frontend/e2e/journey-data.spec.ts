import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect, test, type Page } from '@playwright/test'
import { E2E_JQUANTS_KEY } from './jquants-replay.mjs'
import { apiToken, shot, signIn, useLanguage } from './support'

// The data page against a server of its own (the "data" project in playwright.config.ts): these
// journeys replace the demo by real data, which the other specs must not see. J-Quants is the
// replay of recorded V2 answers (e2e/jquants-replay.mjs) behind KABU_JQUANTS_BASE_URL.
test.describe.configure({ mode: 'serial' })

/** The example files the README documents (examples/ at the repository's root). */
const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url))

/** The stored data as the API reports it (what the page's header shows). */
async function storedState(page: Page) {
  const token = await apiToken(page.request)
  const response = await page.request.get('/api/v1/data-source', { headers: { Authorization: `Bearer ${token}` } })
  expect(response.ok()).toBeTruthy()
  return (await response.json()) as { stored_data: string; stored_source: string | null; stocks: number; last_date: string | null }
}

test('connect J-Quants: plan and estimate, a refused key, check and save, then the first sync to the end', async ({ page }) => {
  // The first sync asks for a year of disclosures, at 600 a minute against the replay (J-Quants'
  // own 60 would take 4-5 minutes): about half a minute.
  test.setTimeout(5 * 60_000)
  await useLanguage(page, 'en')
  await signIn(page)
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Data' }).click()
  await expect(page).toHaveURL(/\/data$/)

  const current = page.getByRole('region', { name: 'Current data' })
  await expect(current).toContainText('Demo data')
  await expect(page.getByRole('radio', { name: 'J-Quants' })).toBeChecked()

  const panel = page.getByRole('region', { name: 'J-Quants API' })
  await expect(panel).toContainText('Not configured')
  // What it costs decides the plan: the estimate follows the plan chosen, before any key.
  await panel.getByLabel('Plan').selectOption('premium')
  const estimate = panel.getByRole('region', { name: 'Estimate of the first sync' })
  await expect(estimate).toContainText('500 / min')
  await expect(estimate).toContainText(/Requests\s*[\d,]+/)
  await expect(estimate).toContainText('Unlimited')

  // A key J-Quants refuses: said under the field.
  const key = panel.getByLabel('API key')
  await expect(key).toHaveAttribute('type', 'password')
  await key.fill('not-the-key')
  await panel.getByRole('button', { name: 'Check key' }).click()
  await expect(key).toHaveAttribute('aria-invalid', 'true')
  await expect(panel.locator('.field--invalid .field__error')).toBeVisible()

  // The recorded key: checked (one call, the listed master), then saved and never shown again.
  await key.fill(E2E_JQUANTS_KEY)
  await panel.getByRole('button', { name: 'Check key' }).click()
  await expect(panel).toContainText('The key works (8 listed stocks read).')
  await expect(key).not.toHaveAttribute('aria-invalid', 'true')
  await panel.getByRole('button', { name: 'Save' }).click()
  await expect(panel.getByText('Configured', { exact: true })).toBeVisible()
  await expect(panel).toContainText('Plan: Premium')
  await expect(key).toHaveValue('')

  // Start: one confirmed action, which says the demo data goes.
  await panel.getByRole('button', { name: 'Start the J-Quants sync' }).click()
  const dialog = page.getByRole('alertdialog', { name: 'Start the J-Quants API sync?' })
  await expect(dialog).toContainText('All stored demo data (fictional companies and prices) is deleted')
  await expect(dialog).toContainText(/Estimate: [\d,]+ requests/)
  const started = page.waitForResponse((r) => r.url().endsWith('/api/v1/data-source/activate') && r.request().method() === 'POST')
  await dialog.getByRole('button', { name: 'Start' }).click()
  const job = (await (await started).json()) as { id: number }
  const progress = page.getByRole('region', { name: 'Sync progress' })
  await expect(progress.locator(`[data-job="${job.id}"]`)).toBeVisible()
  await expect(progress.getByRole('progressbar')).toBeVisible()
  await shot(page, 'data', '20-jquants-sync-running')

  // A reload finds the running sync again (GET /jobs?active=true&kind=sync).
  await page.reload()
  await expect(page.getByRole('region', { name: 'Sync progress' }).locator(`[data-job="${job.id}"]`)).toBeVisible()

  await expect(progress).toContainText('The sync has finished.', { timeout: 3 * 60_000 })
  await expect(current).toContainText('Real data')
  await expect(current).toContainText('J-Quants API')
  const state = await storedState(page)
  expect(state).toMatchObject({ stored_data: 'real', stored_source: 'jquants' })
  expect(state.stocks).toBeGreaterThan(0)
})

test('upload CSV: a file with one bad row is previewed with the row and nothing is written; a good one imports', async ({ page }) => {
  test.setTimeout(3 * 60_000)
  const before = await storedState(page)
  await useLanguage(page, 'en')
  await signIn(page)
  await page.goto('/data')
  await page.getByRole('radio', { name: 'CSV files' }).check()
  const panel = page.getByRole('region', { name: 'Import CSV files' })
  const bars = panel.locator('input[type="file"][name="bars"]')

  // Row 4 of the example (the third data row) gets a close that is not a number.
  const good = readFileSync(example('prices.csv'), 'utf8')
  const lines = good.split('\n')
  const cells = lines[3]!.split(',')
  cells[5] = 'abc'
  lines[3] = cells.join(',')
  await bars.setInputFiles({ name: 'prices-bad.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) })

  const errors = panel.getByRole('region', { name: 'Errors: 1' })
  await expect(errors).toBeVisible()
  const row = errors.getByRole('row').nth(1)
  await expect(row).toContainText('Prices (daily bars)')
  await expect(row.getByRole('cell').nth(1)).toHaveText('4')
  await expect(row).toContainText('close')
  await expect(panel.getByRole('table', { name: /prices-bad\.csv/ })).toBeVisible()
  await expect(panel.getByRole('button', { name: 'Import' })).toBeDisabled()
  expect(await storedState(page)).toEqual(before)
  // The errors and the preview at phone width: nothing wider than the screen.
  await shot(page, 'data', '21-csv-errors')
  await page.setViewportSize({ width: 375, height: 812 })
  await shot(page, 'data', '22-csv-errors-375')
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow, 'the CSV preview overflows a 375 px screen').toBeLessThanOrEqual(1)
  await page.setViewportSize({ width: 1280, height: 900 })

  // The good file with its stock list: no errors, and (real data stored) no replacement to confirm.
  await panel.locator('input[type="file"][name="stocks"]').setInputFiles(example('stocks.csv'))
  await bars.setInputFiles(example('prices.csv'))
  await expect(panel).toContainText('No errors: ready to import.')
  await expect(panel.getByRole('region', { name: /^Errors/ })).toHaveCount(0)
  const importing = page.waitForResponse((r) => r.url().endsWith('/api/v1/data-source/csv/import'))
  await panel.getByRole('button', { name: 'Import' }).click()
  expect((await importing).status()).toBe(202)
  const progress = page.getByRole('region', { name: 'Sync progress' })
  await expect(progress).toContainText('The sync has finished.', { timeout: 2 * 60_000 })
  const after = await storedState(page)
  expect(after.stored_data).toBe('real')
})
