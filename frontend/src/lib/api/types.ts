import type { components } from './schema'

/** Short names for the schema's types (generated into schema.d.ts from openapi.json). */
type Schemas = components['schemas']

export type StockList = Schemas['StockList']
/** A search hit: the listing with its last close and change. */
export type StockListItem = Schemas['StockListItem']
/** The listing of a stock (the schema has it only inside a search hit or a detail). */
export type StockItem = Omit<StockListItem, 'as_of' | 'last_close' | 'change' | 'change_pct'>
export type MarketOverview = Schemas['MarketOverview']
export type SectorMove = Schemas['SectorMove']
export type NextEarnings = Schemas['NextEarnings']
export type StockDetail = Schemas['StockDetail']
export type PriceBar = Schemas['PriceBar']
export type PriceSeries = Schemas['PriceSeries']
export type Financials = Schemas['Financials']
export type FinancialItem = Schemas['FinancialItem']
export type FundamentalsSummary = Schemas['FundamentalsSummary']
export type EvaluationRead = Schemas['EvaluationRead']
export type EvaluationSummary = Schemas['EvaluationSummary']
export type EvaluationList = Schemas['EvaluationList']
export type SignalRead = Schemas['SignalRead']
export type RuleRead = Schemas['RuleRead']
export type KeyPointRead = Schemas['KeyPointRead']
export type LevelsRead = Schemas['LevelsRead']
export type PolicyRead = Schemas['PolicyRead']
export type PolicyList = Schemas['PolicyList']
export type Vocabulary = Schemas['RuleVocabulary']
export type WatchlistSummary = Schemas['WatchlistSummary']
export type WatchlistRead = Schemas['WatchlistRead']
export type WatchlistUpdate = Schemas['WatchlistUpdate']
export type BatchResult = Schemas['BatchResult']
export type WatchlistItemRead = Schemas['WatchlistItemRead']
export type LatestScores = Schemas['LatestScores']
export type SyncRun = Schemas['SyncRunRead']
export type JobRead = Schemas['JobRead']
export type JobKind = Schemas['JobCreate']['kind']
export type JobStatus = JobRead['status']
export type UserRead = Schemas['UserRead']
export type TokenRead = Schemas['TokenRead']
export type Recommendation = EvaluationRead['recommendation']
export type Period = '1m' | '3m' | '6m' | '1y' | '2y' | '5y' | 'max'
/** Candles of the prices endpoint: daily bars, ISO weeks, calendar months. */
export type Interval = '1d' | '1w' | '1mo'

/** GET /health has no schema in the OpenAPI document; this is its shape. */
export interface LastSync {
  id: number
  status: string
  source: string
  started_at: string
  finished_at: string | null
  steps_done: number
  steps_total: number
  error: string | null
  /** the run's process died without finishing it */
  stale?: boolean
}

/** A queued or running job as /health lists it (no sign-in needed: the first demo load shows on sign-in). */
export interface ActiveJob {
  id: number
  kind: string
  status: JobStatus
  /** the demo universe loading in the background on an empty embedded install */
  first_load: boolean
  progress_done: number
  progress_total: number
  progress_label: string
  created_at: string
}

export interface Health {
  status: string
  version: string
  data: {
    sources: string[]
    demo: boolean
    latest_bar_date: string | null
    last_sync: LastSync | null
  }
  jobs?: {
    queue: { queued: number; running: number }
    active: ActiveJob[]
  }
  database?: { backend: string; ok: boolean }
  cache?: { backend: string; ok: boolean }
}
