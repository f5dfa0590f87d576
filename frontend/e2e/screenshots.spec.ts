import { expect, test } from '@playwright/test'
import { apiToken, firstStock, presetPolicy, shot, signIn, useLanguage } from './support'

// Every page, at the project's width (desktop 1280 px, phone 375 px), in Japanese (the default):
// saved under e2e/screenshots/<project>/ for a person to look at. Each page must render without
// an error message and without horizontal overflow.
test('screenshots of every page', async ({ page, request }, testInfo) => {
  const project = testInfo.project.name
  const token = await apiToken(request)
  const stock = await firstStock(request, token)
  const policyId = await presetPolicy(request, token, 'dividend')
  const evaluation = await request.post('/api/v1/evaluations', {
    headers: { Authorization: `Bearer ${token}`, 'Accept-Language': 'ja' },
    data: { stock_code: stock.code, policy_id: policyId },
  })
  expect(evaluation.status()).toBe(201)
  const evaluationId = (await evaluation.json()).id as number

  await useLanguage(page, 'ja')
  await page.goto('/sign-in')
  await shot(page, project, '01-sign-in')
  await signIn(page)

  const pages: Array<[string, string]> = [
    ['02-dashboard', '/'],
    ['03-stock', `/stocks/${stock.code}`],
    ['04-policies', '/policies'],
    ['05-policy-edit', `/policies/${policyId}`],
    ['06-screener', '/screener'],
    ['07-history', '/history'],
    ['08-evaluation', `/history/${evaluationId}`],
    ['09-settings', '/settings'],
    ['10-data', '/data'],
  ]
  for (const [name, path] of pages) {
    await page.goto(path)
    await expect(page.locator('main')).toBeVisible()
    await shot(page, project, name)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow, `${path} overflows the ${project} viewport`).toBeLessThanOrEqual(1)
  }

  // The data page in English too, each source's panel (the words are longest there).
  await useLanguage(page, 'en')
  await page.goto('/data')
  await expect(page.getByRole('region', { name: 'Current data' })).toBeVisible()
  const panels = [
    ['11-data-en', 'J-Quants'],
    ['12-data-csv-en', 'CSV files'],
    ['13-data-yfinance-en', 'yfinance'],
  ] as const
  for (const [name, source] of panels) {
    await page.getByRole('radio', { name: source }).check()
    await shot(page, project, name)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow, `/data (${source}) overflows the ${project} viewport`).toBeLessThanOrEqual(1)
  }
})
