import { expect, test } from '@playwright/test'
import { apiToken, firstStock, presetPolicy, signIn, useLanguage } from './support'

// The API serves the web app with a Content-Security-Policy (src/kabu_trade/core/http.py): every
// page, charts included, must run under it without a single violation.
test('every page runs under the Content-Security-Policy without a violation', async ({ page, request }) => {
  const token = await apiToken(request)
  const stock = await firstStock(request, token)
  await presetPolicy(request, token, 'momentum')
  await useLanguage(page, 'en')

  const violations: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text())
  })
  // The browser reports each violation as an event too (also those it does not log).
  await page.exposeFunction('reportCspViolation', (text: string) => violations.push(text))
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation
      report(`${event.violatedDirective} blocked ${event.blockedURI}`)
    })
  })

  const home = await page.goto('/')
  expect(home?.headers()['content-security-policy']).toContain("script-src 'self'")
  expect(home?.headers()['x-frame-options']).toBe('DENY')

  await signIn(page)
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible()
  await page.goto(`/stocks/${stock.code}`)
  await expect(page.locator('canvas').first()).toBeVisible() // the price chart
  for (const path of ['/policies', '/screener', '/history', '/settings', '/data']) {
    await page.goto(path)
    await page.waitForLoadState('networkidle')
  }
  expect(violations).toEqual([])
})
