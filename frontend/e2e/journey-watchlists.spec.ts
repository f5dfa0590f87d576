import { expect, test, type Page } from '@playwright/test'
import { apiToken, firstStock, presetPolicy, shot, signIn, useLanguage } from './support'

/**
 * Every word in a table that is split across two lines: a label, a name or a sector broken in the
 * middle ("プラ|イム"). Words are what lies between spaces and Japanese separators (・、/).
 */
async function brokenLabels(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const broken: string[] = []
    const lines = (rects: DOMRect[]) => {
      // rects on one line overlap vertically; a second line starts below the first one's middle
      const tops: number[] = []
      for (const r of rects.filter((r) => r.width > 0 && r.height > 0)) {
        if (!tops.some((top) => Math.abs(top - r.top) < r.height / 2)) tops.push(r.top)
      }
      return tops.length
    }
    for (const table of document.querySelectorAll('table')) {
      if (!(table as HTMLElement).offsetParent) continue
      const walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT)
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? ''
        const word = /[^\s・、/,()（）]+/g
        for (let match = word.exec(text); match; match = word.exec(text)) {
          const range = document.createRange()
          range.setStart(node, match.index)
          range.setEnd(node, match.index + match[0].length)
          if (lines([...range.getClientRects()]) > 1) broken.push(match[0])
        }
      }
    }
    // On phones a card cell shows its column's name above the value (CSS content: attr(data-label)).
    for (const td of document.querySelectorAll<HTMLElement>('table td[data-label]')) {
      const label = getComputedStyle(td, '::before')
      if (label.content === 'none' || label.display === 'none' || !td.offsetParent) continue
      const probe = document.createElement('div')
      probe.textContent = td.dataset.label ?? ''
      probe.style.cssText = `font: ${label.font}; white-space: ${label.whiteSpace}; word-break: ${label.wordBreak}; overflow-wrap: ${label.overflowWrap}; width: ${td.clientWidth}px; position: absolute; visibility: hidden;`
      document.body.append(probe)
      const range = document.createRange()
      range.selectNodeContents(probe)
      if (lines([...range.getClientRects()]) > 1) broken.push(td.dataset.label ?? '')
      probe.remove()
    }
    return [...new Set(broken)]
  })
}

// Watchlists managed in the browser: create (with a policy), add from the stock page (and a second
// add says it is already there), rename, change the policy, evaluate, remove a stock, delete.
test('manage a watchlist from the dashboard', async ({ page, request }, testInfo) => {
  const project = testInfo.project.name
  const token = await apiToken(request)
  const stock = await firstStock(request, token)
  await presetPolicy(request, token, 'value')
  const listName = `E2E ${project} ${Date.now() % 100000}`
  await useLanguage(page, 'en')
  await signIn(page)

  // Create an empty list under a policy.
  const create = page.getByRole('form', { name: 'New watchlist' })
  await create.getByLabel('Name of the new list').fill(listName)
  await create.getByLabel('Policy to evaluate with').selectOption({ index: 1 })
  await create.getByRole('button', { name: 'Create list' }).click()
  const card = page.getByRole('region', { name: listName })
  await expect(card).toBeVisible()
  await expect(card.getByText(/^Policy: /)).toBeVisible()

  // Add a stock from its page (Enter on a typed code opens it); adding it again says it is there.
  const search = page.locator('input[role="combobox"]')
  await search.fill(stock.code)
  await search.press('Enter')
  await expect(page).toHaveURL(new RegExp(`/stocks/${stock.code}$`))
  await page.getByRole('button', { name: /Add to watchlist/ }).click()
  await page.getByRole('button', { name: `Add to “${listName}”` }).click()
  await expect(page.getByText(`Added to “${listName}”`)).toBeVisible()
  await page.getByRole('button', { name: /Add to watchlist/ }).click()
  await page.getByRole('button', { name: `Add to “${listName}”` }).click()
  await expect(page.getByText(`Already on “${listName}”`)).toBeVisible()

  // Back on the dashboard: evaluate, then edit.
  await page.goto('/')
  await expect(card.getByRole('link', { name: new RegExp(stock.code) })).toBeVisible()
  await card.getByRole('button', { name: 'Evaluate now' }).click()
  await expect(card.getByText(/^1 evaluated\./)).toBeVisible()
  await card.getByRole('button', { name: 'Evaluate now' }).click()
  await expect(card.getByText(`Skipped ${stock.code}: already evaluated on the latest data`, { exact: false })).toBeVisible()
  if (project === 'phone') expect(await brokenLabels(page)).toEqual([])

  await card.getByRole('button', { name: 'Edit' }).click()
  await shot(page, project, 'watchlist-edit')
  const renamed = `${listName} (renamed)`
  await card.getByLabel('List name').fill(renamed)
  await card.getByRole('button', { name: 'Save name' }).click()
  const renamedCard = page.getByRole('region', { name: renamed })
  await expect(renamedCard).toBeVisible()
  await renamedCard.getByLabel('Policy to evaluate with').selectOption({ label: 'No policy' })
  await expect(renamedCard.getByText(/^Policy: /)).toHaveCount(0)

  await renamedCard.getByRole('button', { name: new RegExp(`Remove ${stock.code} .* from the list`) }).click()
  await expect(renamedCard.getByText(`Removed ${stock.code} from the list`)).toBeVisible()
  await expect(renamedCard.getByRole('link', { name: new RegExp(stock.code) })).toHaveCount(0)

  await renamedCard.getByRole('button', { name: 'Delete list' }).click()
  const ask = renamedCard.getByRole('alertdialog', { name: `Delete “${renamed}”?` })
  await expect(ask.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await ask.getByRole('button', { name: 'Delete', exact: true }).click()
  await expect(page.getByText(`Deleted “${renamed}”`)).toBeVisible()
  await expect(page.getByRole('region', { name: renamed })).toHaveCount(0)
})

test('tables at phone width break no label mid-word, in Japanese and English', async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'a phone-width check')
  const token = await apiToken(request)
  const stock = await firstStock(request, token)
  const headers = { Authorization: `Bearer ${token}` }
  const policyId = await presetPolicy(request, token, 'momentum')
  const created = await request.post('/api/v1/watchlists', { headers, data: { name: 'E2E 幅の確認', codes: [stock.code], policy_id: policyId } })
  expect(created.status()).toBe(201)
  const id = (await created.json()).id as number
  await request.post(`/api/v1/watchlists/${id}/evaluate`, { headers })
  const evaluation = await request.post('/api/v1/evaluations', { headers, data: { stock_code: stock.code, policy_id: policyId } })
  const evaluationId = (await evaluation.json()).id as number
  const pages = ['/', `/stocks/${stock.code}`, '/policies', `/screener?policy=${policyId}`, '/history', `/history/${evaluationId}`, '/settings']
  const broken: string[] = []
  for (const lang of ['ja', 'en'] as const) {
    await useLanguage(page, lang)
    await signIn(page)
    for (const path of pages) {
      await page.goto(path)
      await expect(page.locator('main')).toBeVisible()
      await page.waitForLoadState('networkidle')
      if (path.startsWith('/screener')) await expect(page.locator('table').first()).toBeVisible()
      for (const label of await brokenLabels(page)) broken.push(`${lang} ${path}: ${label}`)
      await shot(page, 'phone', `labels-${lang}${path.replace(/[/?=]/g, '_')}`)
    }
    await page.evaluate(() => window.localStorage.clear())
  }
  expect(broken).toEqual([])
  await request.delete(`/api/v1/watchlists/${id}`, { headers })
})
