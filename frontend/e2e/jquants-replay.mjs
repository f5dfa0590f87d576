// A stand-in for J-Quants V2 in the browser journeys: it replays the recorded answers under
// tests/market/fixtures/jquants (the same files the provider's tests use) for whatever day the sync
// asks, so that a key check, an estimate and a whole first sync run without the real service.
// The API server reaches it through KABU_JQUANTS_BASE_URL (playwright.config.ts starts both).
//
//   node e2e/jquants-replay.mjs PORT
//
// - every route wants the header x-api-key: E2E_JQUANTS_KEY is accepted, any other key is refused
//   with J-Quants' own 401 answer (the key check's error under the field);
// - /v2/equities/master: the recorded listed master (8 issues);
// - /v2/equities/bars/daily?date=D (or ?code=C&from=&to=): the bars recorded on 2024-03-28, dated D;
// - /v2/fins/summary?date=D: the disclosures recorded on 2024-05-08 on the first session asked on or
//   after 8 May of each year (their dates moved by as many years), nothing on other days;
// - /v2/indices/bars/daily/topix?from=&to=: the TOPIX bars recorded on 2024-03-25…29, cycled over
//   the weekdays asked for (drifting like the stocks' bars).
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { dirname, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const E2E_JQUANTS_KEY = 'e2e-recorded-jquants-key'
const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../tests/market/fixtures/jquants')
const recorded = (name) => JSON.parse(readFileSync(resolve(FIXTURES, name), 'utf8'))

const master = recorded('equities_master.json')
const bars = recorded('bars_daily_2024-03-28.json').data
const summaries = recorded('fins_summary_2024-05-08.json').data
const topix = [...recorded('topix_2024-03-25_p1.json').data, ...recorded('topix_2024-03-25_p2.json').data]
const DAY = /^\d{4}-\d{2}-\d{2}$/

/** A recorded row moved to another date: every date field shifted by `years`. */
function shiftYears(row, years) {
  const moved = {}
  for (const [key, value] of Object.entries(row)) {
    moved[key] = typeof value === 'string' && DAY.test(value) ? `${Number(value.slice(0, 4)) + years}${value.slice(4)}` : value
  }
  return moved
}

/** Days from `from` to `to` (weekdays: the provider keeps the sessions it asked for). */
function weekdays(from, to) {
  const days = []
  for (let day = new Date(`${from}T00:00:00Z`); day <= new Date(`${to}T00:00:00Z`); day.setUTCDate(day.getUTCDate() + 1)) {
    if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) days.push(day.toISOString().slice(0, 10))
  }
  return days
}

/** The recorded day's bars, dated `day` (the prices drift a little from day to day, as prices do). */
function barsOn(day, code) {
  const drift = 1 + 0.01 * Math.sin(Date.parse(day) / 86_400_000 / 3)
  const price = (value) => Math.round(value * drift)
  return bars
    .filter((row) => !code || row.Code === code || row.Code.slice(0, 4) === code)
    .map((row) => ({
      ...row,
      Date: day,
      ...Object.fromEntries(['O', 'H', 'L', 'C', 'AdjO', 'AdjH', 'AdjL', 'AdjC'].map((field) => [field, price(row[field])])),
    }))
}

/** TOPIX on each weekday from `from` to `to`: the recorded bars in turn, with the stocks' drift. */
function topixBetween(from, to) {
  return weekdays(from, to).map((day, i) => {
    const drift = 1 + 0.01 * Math.sin(Date.parse(day) / 86_400_000 / 3)
    const row = topix[i % topix.length]
    return { Date: day, ...Object.fromEntries(['O', 'H', 'L', 'C'].map((f) => [f, Math.round(row[f] * drift * 100) / 100])) }
  })
}

const servedYears = new Set()

function summariesOn(day) {
  const [year, month, date] = day.split('-').map(Number)
  if (servedYears.has(year) || month < 5 || (month === 5 && date < 8)) return []
  servedYears.add(year)
  return summaries.map((row) => ({ ...shiftYears(row, year - 2024), DiscDate: day }))
}

function answer(response, status, body) {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' })
  response.end(JSON.stringify(body))
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://replay')
  if (url.pathname === '/health') return answer(response, 200, { ok: true })
  if (request.headers['x-api-key'] !== E2E_JQUANTS_KEY) {
    return answer(response, 401, { message: 'The incoming token is invalid or expired.' })
  }
  const query = url.searchParams
  switch (url.pathname) {
    case '/v2/equities/master':
      return answer(response, 200, master)
    case '/v2/equities/bars/daily': {
      const days = query.get('date') ? [query.get('date')] : weekdays(query.get('from'), query.get('to'))
      return answer(response, 200, { data: days.flatMap((day) => barsOn(day, query.get('code'))) })
    }
    case '/v2/fins/summary': {
      const code = query.get('code')
      if (code) return answer(response, 200, { data: summaries.filter((row) => row.Code === code) })
      return answer(response, 200, { data: summariesOn(query.get('date')) })
    }
    case '/v2/indices/bars/daily/topix':
      return answer(response, 200, { data: topixBetween(query.get('from'), query.get('to')) })
    default:
      return answer(response, 404, { message: `not recorded: ${url.pathname}` })
  }
})

// Run as a program (the spec imports this file only for the key).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  server.listen(Number(process.argv[2]), '127.0.0.1')
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)))
}
