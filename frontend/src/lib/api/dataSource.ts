import type { JobRead } from './types'

/**
 * The data-source routes (/api/v1/data-source, administrators), as agreed in the contract the
 * backend builds to. Written by hand while openapi.json does not list these routes yet; once
 * `npm run gen:api` has them, these become aliases of the generated schema's types.
 */

export type SourceName = 'demo' | 'jquants' | 'csv' | 'yfinance'
export type JQuantsPlan = 'free' | 'light' | 'standard' | 'premium'
export type StoredData = 'demo' | 'real' | 'empty'
export type CsvKind = 'bars' | 'fundamentals' | 'stocks'

export interface PlanRead {
  plan: JQuantsPlan
  requests_per_minute: number
  /** how many years back the plan reaches; null: no limit */
  history_years: number | null
  /** how many weeks the plan's data lags (0: none) */
  delay_weeks: number
}

/** GET /data-source: what the database holds now, and how each source is set up. */
export interface DataSourceState {
  /** the source the scheduled or next sync uses */
  active_source: SourceName
  /** what the database holds now: demo and real data never mix */
  stored_data: StoredData
  /** the source name of the stored data */
  stored_source: string | null
  stocks: number
  first_date: string | null
  last_date: string | null
  jquants: {
    configured: boolean
    plan: JQuantsPlan
    checked_at: string | null
    /** the key comes from KABU_JQUANTS_API_KEY: the web app cannot change or forget it */
    from_environment: boolean
  }
  yfinance: { codes: string[] }
  plans: PlanRead[]
}

/** POST /data-source/jquants/check: the key works (one cheap call, the listed master). */
export interface JQuantsCheck {
  ok: boolean
  plan: string
  listed_stocks: number
}

/** GET /data-source/estimate?source=…: what the first sync will cost, before it starts. */
export interface SyncEstimate {
  source: string
  plan: JQuantsPlan | null
  /** null when the plan serves no session in the window (nothing to fetch) */
  from_date: string | null
  to_date: string | null
  sessions: number
  requests: number
  requests_per_minute: number | null
  minutes: number
  history_years: number | null
  delay_weeks: number
  /** in the request's language */
  notes: string[]
}

export interface CsvFileSummary {
  kind: CsvKind
  filename: string
  /** null when the file could not be decoded */
  encoding: string | null
  rows: number
  columns: string[]
  /** the first 10 data rows, column → value as written in the file */
  preview: Array<Record<string, string | number | null>>
  codes: number
  from_date: string | null
  to_date: string | null
}

/** One problem in an uploaded file. `row` counts the header as row 1 (the first data row is 2). */
export interface CsvError {
  file: CsvKind
  row: number
  column: string | null
  message: string
  /** the form field of the file ("bars", …), for error bodies that name fields */
  field?: string
}

/** POST /data-source/csv/preview: nothing is ever written by it. */
export interface CsvPreview {
  ok: boolean
  files: CsvFileSummary[]
  errors: CsvError[]
}

/** A job as GET /jobs reads it, with the fields a sync adds for its live progress. */
export type SyncJob = JobRead & {
  /** seconds left at the rate so far; null until there is progress */
  eta_seconds?: number | null
  /** a sync whose worker died is queued again and resumes: this counts from 1 */
  attempt?: number
}
