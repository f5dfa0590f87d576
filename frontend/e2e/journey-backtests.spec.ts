import { expect, test } from '@playwright/test'
import { apiToken, presetPolicy, shot, signIn, useLanguage } from './support'

// A backtest end to end: from a preset policy's page to the result, run by the server's in-process
// worker on the demo universe (POST /backtests → 202 with the job, GET /backtests/{id} polled).
test('backtest a preset policy from its page and read the result', async ({ page, request }, testInfo) => {
  const project = testInfo.project.name
  const token = await apiToken(request)
  const policyId = await presetPolicy(request, token, 'momentum')

  await useLanguage(page, 'en')
  await signIn(page)
  await page.goto(`/policies/${policyId}`)
  await page.getByRole('link', { name: 'Backtest', exact: true }).click()
  await expect(page).toHaveURL(new RegExp(`/backtests/new\\?policy=${policyId}$`))
  await expect(page.getByLabel('Policy', { exact: true })).toHaveValue(String(policyId))

  // A period without data: the server's 422 is said under the field it names.
  const from = page.getByLabel('From', { exact: true })
  const to = page.getByLabel('To', { exact: true })
  await expect(to).not.toHaveValue('')
  const lastYear = { from: await from.inputValue(), to: await to.inputValue() }
  await from.fill('2030-01-01')
  await to.fill('2030-12-31')
  await page.getByRole('button', { name: 'Run backtest' }).click()
  await expect(from).toHaveAttribute('aria-invalid', 'true')
  await expect(page.locator('#bt-from-error')).toContainText('2030-01-01')

  await from.fill(lastYear.from)
  await to.fill(lastYear.to)
  await page.getByLabel('Commissions').selectOption('sbi')
  const queued = page.waitForResponse((r) => r.url().endsWith('/api/v1/backtests') && r.request().method() === 'POST')
  await page.getByRole('button', { name: 'Run backtest' }).click()
  const answer = await queued
  expect(answer.status()).toBe(202)
  const id = ((await answer.json()) as { id: number }).id
  await expect(page).toHaveURL(new RegExp(`/backtests/${id}$`))

  // The worker runs it; the page follows its job until the result is there.
  await expect(page.getByRole('heading', { name: 'Results' })).toBeVisible({ timeout: 60_000 })
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Backtest of')
  await expect(page.locator('[data-stat="cagr_pct"]')).toContainText('CAGR')
  await expect(page.locator('[data-stat="max_drawdown_pct"]')).toContainText('%')
  await expect(page.getByRole('img', { name: /^Equity: this policy/ }).locator('canvas').first()).toBeVisible()
  await expect(page.getByRole('img', { name: /^Drawdown over time/ }).locator('canvas').first()).toBeVisible()
  await expect(page.getByRole('table', { name: 'Monthly returns (years × months)' })).toBeVisible()
  const trades = page.getByRole('table', { name: /^Trades \(\d+\)$/ })
  await expect(trades).toBeVisible()
  await shot(page, project, 'backtest-result')
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow, `the backtest result overflows the ${project} viewport`).toBeLessThanOrEqual(1)

  // Its trades lead to the stock's page.
  const stock = trades.getByRole('link').first()
  const code = (await stock.textContent())!.trim()
  await stock.click()
  await expect(page).toHaveURL(new RegExp(`/stocks/${code}$`))

  // The run is in the list of the user's backtests.
  await page.goto('/backtests')
  const row = page.locator(`tr[data-backtest="${id}"]`)
  await expect(row).toContainText('Done')
  await expect(row).toContainText('%')
})
