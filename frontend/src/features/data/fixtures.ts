import type { CsvPreview, DataSourceState, SyncEstimate, SyncJob } from '@/lib/api/dataSource'

/**
 * Answers of /api/v1/data-source in the contract's shape (notes/contracts.md), for the page's
 * tests: a fresh install with the demo loaded, J-Quants not set up yet.
 */
export const demoState: DataSourceState = {
  active_source: 'demo',
  stored_data: 'demo',
  stored_source: 'demo',
  stocks: 300,
  first_date: '2021-11-29',
  last_date: '2026-11-27',
  jquants: { configured: false, plan: 'free', checked_at: null, from_environment: false },
  yfinance: { codes: [] },
  plans: [
    { plan: 'free', requests_per_minute: 5, history_years: 2, delay_weeks: 12 },
    { plan: 'light', requests_per_minute: 60, history_years: 5, delay_weeks: 0 },
    { plan: 'standard', requests_per_minute: 120, history_years: 10, delay_weeks: 0 },
    { plan: 'premium', requests_per_minute: 500, history_years: null, delay_weeks: 0 },
  ],
}

export const configuredState: DataSourceState = {
  ...demoState,
  jquants: { configured: true, plan: 'free', checked_at: '2026-12-01T06:30:00Z', from_environment: false },
}

export const jquantsEstimate: SyncEstimate = {
  source: 'jquants',
  plan: 'free',
  from_date: '2024-09-06',
  to_date: '2026-09-04',
  sessions: 490,
  requests: 1012,
  requests_per_minute: 5,
  minutes: 202.4,
  history_years: 2,
  delay_weeks: 12,
  notes: ['Free プランのデータは 12 週間遅れです。'],
}

export const runningSync: SyncJob = {
  id: 7,
  kind: 'sync',
  status: 'running',
  params: { source: 'jquants', replace: true },
  requested_by: 1,
  created_at: '2026-12-01T06:31:00Z',
  started_at: '2026-12-01T06:31:01Z',
  finished_at: null,
  heartbeat_at: '2026-12-01T06:40:00Z',
  worker: 'worker:vm:1:a',
  progress_done: 120,
  progress_total: 490,
  progress_label: 'prices 2025-03',
  result: null,
  error: null,
  eta_seconds: 1500,
  attempt: 2,
}

export const queuedSync: SyncJob = {
  ...runningSync,
  status: 'queued',
  started_at: null,
  heartbeat_at: null,
  worker: null,
  progress_done: 0,
  progress_total: 0,
  progress_label: '',
  eta_seconds: null,
  attempt: 1,
}

const barsColumns = ['code', 'date', 'open', 'high', 'low', 'close', 'volume', 'turnover', 'adj_factor']

export const badPreview: CsvPreview = {
  ok: false,
  files: [
    {
      kind: 'bars',
      filename: 'prices.csv',
      encoding: 'shift_jis',
      rows: 3,
      columns: barsColumns,
      preview: [
        { code: '0001', date: '2024-01-04', open: '2510', high: '2548', low: '2495', close: '2532', volume: '184300', turnover: '466348000', adj_factor: '1.0' },
        { code: '0001', date: '2024-01-05', open: '2532', high: '2560', low: '2518', close: 'abc', volume: '152900', turnover: '389544000', adj_factor: '1.0' },
      ],
      codes: 1,
      from_date: '2024-01-04',
      to_date: '2024-01-05',
    },
  ],
  errors: [{ file: 'bars', row: 3, column: 'close', message: '数値ではありません：abc', field: 'bars.3.close' }],
}

export const goodPreview: CsvPreview = {
  ok: true,
  files: [{ ...badPreview.files[0]!, encoding: 'utf-8', preview: [badPreview.files[0]!.preview[0]!] }],
  errors: [],
}
