import { resolve } from 'node:path'
import { defineConfig } from '@playwright/test'
import { PASSWORD, USER } from './e2e/support'

/**
 * End-to-end tests: the real API (embedded SQLite, a small offline demo universe) serving the
 * built web app, driven in Debian's Chromium (never a downloaded browser).
 * `npm run e2e` builds nothing: run `npm run build` first (make test does).
 */
/** The API's port for the run (E2E_PORT, default 8765): pick another when 8765 is taken. */
function e2ePort(value: string | undefined): number {
  if (value === undefined || value === '') return 8765
  const port = Number(value)
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    throw new Error(`E2E_PORT must be a port number from 1024 to 65535, not "${value}"`)
  }
  return port
}
const PORT = e2ePort(process.env.E2E_PORT)
const DATA_DIR = resolve(process.env.E2E_DATA_DIR ?? '.e2e-data')
const KABU = resolve(process.env.KABU_BIN ?? '../.venv/bin/kabu-trade')
/**
 * The data page's journeys replace the demo by real data: they get a server of their own (the next
 * port, its own data dir), so that every other spec keeps the demo it expects, and J-Quants is the
 * replay of recorded answers on the port after (e2e/jquants-replay.mjs).
 */
const DATA_PORT = PORT + 1
const REPLAY_PORT = PORT + 2
const DATA_JOURNEYS = /journey-data\.spec\.ts/
/** A first sync two weeks long: the prices are a few requests; the disclosures a year before them are the bulk. */
const HISTORY_START = new Date(Date.now() - 14 * 86_400_000).toISOString().slice(0, 10)

const SERVER_ENV = {
  KABU_DEMO_SYMBOLS: '40',
  KABU_DEMO_START: '2023-01-04',
  KABU_DEMO_END: '2025-06-30',
  KABU_WEB_DIR: resolve('dist'),
  KABU_LOG_LEVEL: 'WARNING',
  KABU_LOGIN_MAX_FAILURES: '50',
}

/**
 * A fresh database each run: create the account, load the demo in the foreground (serve would
 * load it in the background, and the tests must not race it), then serve.
 */
function apiServer(port: number, dataDir: string, env: Record<string, string>) {
  return {
    command:
      `rm -rf "${dataDir}" && echo "${PASSWORD}" | "${KABU}" users create ${USER} --admin --password-stdin` +
      ` && "${KABU}" sync && exec "${KABU}" serve --port ${port}`,
    url: `http://127.0.0.1:${port}/api/v1/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
    env: { ...SERVER_ENV, ...env, KABU_DATA_DIR: dataDir },
  }
}

export default defineConfig({
  testDir: './e2e',
  outputDir: './e2e/.results',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'desktop', testIgnore: DATA_JOURNEYS, use: { viewport: { width: 1280, height: 900 } } },
    { name: 'phone', testIgnore: DATA_JOURNEYS, use: { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true } },
    {
      // One run only: the journeys change the stored data (demo → real) that a second run would find.
      name: 'data',
      testMatch: DATA_JOURNEYS,
      use: { baseURL: `http://127.0.0.1:${DATA_PORT}`, viewport: { width: 1280, height: 900 } },
    },
  ],
  webServer: [
    apiServer(PORT, DATA_DIR, {}),
    apiServer(DATA_PORT, `${DATA_DIR}-data`, {
      KABU_JQUANTS_BASE_URL: `http://127.0.0.1:${REPLAY_PORT}/v2`,
      // The replay has no /fins limit of its own: 600 a minute keeps the first sync long enough
      // to watch (about half a minute) instead of J-Quants' 4-5 minutes at 60.
      KABU_JQUANTS_FINS_PER_MINUTE: '600',
      KABU_HISTORY_START: HISTORY_START,
    }),
    {
      command: `node e2e/jquants-replay.mjs ${REPLAY_PORT}`,
      url: `http://127.0.0.1:${REPLAY_PORT}/health`,
      timeout: 10_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
})
