import { expect, test } from '@playwright/test'
import { signIn, useLanguage } from './support'

// Jobs against the real API: the embedded server runs a worker in its own process, so a sync
// queued from the dashboard (POST /sync → 202 with the job) goes queued → running → succeeded,
// and the page follows it through GET /jobs/{id}. The e2e account is an administrator.
test.describe('jobs', () => {
  test('sync now from the dashboard, followed until it has finished', async ({ page }) => {
    await useLanguage(page, 'en')
    await signIn(page)
    const card = page.getByRole('region', { name: 'Data status' })
    const button = card.getByRole('button', { name: 'Sync now' })
    await expect(button).toBeEnabled()

    const queued = page.waitForResponse((response) => response.url().endsWith('/api/v1/sync') && response.request().method() === 'POST')
    await button.click()
    const answer = await queued
    expect(answer.status()).toBe(202)
    const job = (await answer.json()) as { id: number; status: string }
    expect(job.status).toBe('queued')

    const line = card.locator(`[data-job="${job.id}"]`)
    await expect(line).toContainText(`Data sync #${job.id}`)
    await expect(line).toContainText('Succeeded')
    // The demo had nothing new since the set-up's sync.
    await expect(line).toContainText('No new data')
    await expect(button).toBeEnabled()
  })

  test('administrators queue a metrics refresh in Settings and see it finish', async ({ page }) => {
    await useLanguage(page, 'en')
    await signIn(page)
    await page.goto('/settings')
    const card = page.getByRole('region', { name: 'Background jobs' })
    await expect(card.getByRole('table')).toBeVisible()

    const queued = page.waitForResponse((response) => response.url().endsWith('/api/v1/jobs') && response.request().method() === 'POST')
    await card.getByRole('button', { name: 'Recompute metrics' }).click()
    const job = (await (await queued).json()) as { id: number }
    await expect(card.getByRole('status')).toContainText(`Queued Metrics refresh #${job.id}`)

    const row = card.locator(`tr[data-job="${job.id}"]`)
    await expect(row).toContainText('Metrics refresh')
    await expect(row).toContainText('Succeeded')
    await expect(row).toContainText(/Metrics recomputed for \d+ stocks/)
    await expect(row).toContainText('worker:')
  })
})
