import { type APIRequestContext, type Page, expect } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

export const USER = 'e2e'
export const PASSWORD = 'e2e-password-123'
const SHOTS = resolve(process.env.E2E_SCREENSHOTS ?? 'e2e/screenshots')

/** A bearer token for API set-up steps (the UI is what the tests exercise). */
export async function apiToken(request: APIRequestContext): Promise<string> {
  const response = await request.post('/api/v1/auth/token', { form: { username: USER, password: PASSWORD } })
  expect(response.ok()).toBeTruthy()
  return (await response.json()).access_token as string
}

export async function firstStock(
  request: APIRequestContext,
  token: string,
): Promise<{ code: string; name: string; nameEn: string }> {
  const response = await request.get('/api/v1/stocks?limit=1', { headers: { Authorization: `Bearer ${token}` } })
  const body = await response.json()
  return { code: body.items[0].code, name: body.items[0].name, nameEn: body.items[0].name_en }
}

export async function presetPolicy(request: APIRequestContext, token: string, style: string): Promise<number> {
  const response = await request.post(`/api/v1/policies/from-preset/${style}`, {
    headers: { Authorization: `Bearer ${token}` },
    data: {},
  })
  expect(response.status()).toBe(201)
  return (await response.json()).id as number
}

/** Start in English (stable texts for the assertions); one test switches to Japanese. */
export async function useLanguage(page: Page, lang: 'en' | 'ja'): Promise<void> {
  await page.addInitScript((value) => window.localStorage.setItem('kabu.lang', value), lang)
}

export async function signIn(page: Page): Promise<void> {
  await page.goto('/sign-in')
  // By field name, so it works in either language.
  await page.locator('input[name="username"]').fill(USER)
  await page.locator('input[name="password"]').fill(PASSWORD)
  await page.locator('form button[type="submit"]').click()
  await expect(page).not.toHaveURL(/sign-in/)
}

export async function shot(page: Page, project: string, name: string): Promise<void> {
  const path = `${SHOTS}/${project}/${name}.png`
  mkdirSync(dirname(path), { recursive: true })
  await page.waitForLoadState('networkidle')
  await page.screenshot({ path, fullPage: true })
}
