import type { components } from '@/lib/api/schema'

/** A backtest as the API answers it (GET /backtests/{id}, the list's items without `result`). */
export type BacktestRead = components['schemas']['BacktestRead']
export type BacktestCreate = components['schemas']['BacktestCreate']
export type BacktestJob = components['schemas']['BacktestJob']

/**
 * The figures of a finished run (backtests/service.py → engine/backtest/stats.py `summarize`). The
 * schema types `summary` and `result` as free dictionaries: this is their shape. A figure that
 * cannot be computed (no trade, no loss) is null.
 */
export interface BacktestSummary {
  start: string
  end: string
  sessions: number
  initial_cash: number
  final_equity: number
  return_pct: number
  cagr_pct: number | null
  volatility_pct: number | null
  sharpe: number | null
  sortino: number | null
  max_drawdown_pct: number | null
  max_drawdown_sessions: number
  max_drawdown_days: number
  calmar: number | null
  trades: number
  win_rate_pct: number | null
  profit_factor: number | null
  expectancy_yen: number | null
  expectancy_pct: number | null
  avg_holding_sessions: number | null
  exposure_pct: number | null
  turnover: number | null
  commissions: number
  dividends: number
  skipped_entries: number
  open_positions: number
  beta: number | null
  alpha_pct: number | null
  benchmark_return_pct?: number | null
}

export interface EquityPoint {
  date: string
  equity: number
  /** the equal-weight universe, in yen from the same starting cash */
  benchmark: number
  drawdown_pct: number
}

export interface Trade {
  symbol: string
  entry_date: string
  exit_date: string
  shares: number
  entry_price: number
  exit_price: number
  pnl: number | null
  return_pct: number | null
  holding_sessions: number
  commission: number | null
  /** the exit's kind (stop_loss, target, rule_failed…) */
  reason: string
  /** the exit in the policy's words, in the language the run was asked in */
  reason_text: string
}

export interface MonthlyReturn {
  /** YYYY-MM */
  month: string
  return_pct: number | null
}

export interface BacktestResult {
  params: Record<string, unknown>
  policy: { id: number; version: number; name: string | null }
  universe: number
  benchmark: string
  summary: BacktestSummary
  equity: EquityPoint[]
  trades: Trade[]
  monthly_returns: MonthlyReturn[]
  /** The look-ahead check, when the run asked for it (each difference says what, where and when). */
  lookahead?: { checked: boolean; cuts: string[]; differences: { text: string }[] }
}

/** The parameters stored with a run (params of BacktestRead). */
export interface StoredParams {
  start?: string
  end?: string
  version?: number | null
  cash?: number
  cost?: string
  slippage_bps?: number
  max_positions?: number
  sizing?: string
  lang?: string
}

export function summaryOf(backtest: Pick<BacktestRead, 'summary'>): BacktestSummary | null {
  return (backtest.summary as BacktestSummary | null) ?? null
}

export function resultOf(backtest: Pick<BacktestRead, 'result'>): BacktestResult | null {
  return (backtest.result as BacktestResult | null | undefined) ?? null
}

export function paramsOf(backtest: Pick<BacktestRead, 'params'>): StoredParams {
  return backtest.params as StoredParams
}
