import { api, unwrap } from '@/lib/api/client'
import type { BacktestCreate, BacktestRead } from '../model/types'

/** POST /backtests: queued as a job (202); the same request again answers with its stored run. */
export async function createBacktest(body: BacktestCreate): Promise<BacktestRead> {
  return unwrap(api.POST('/api/v1/backtests', { body }))
}

export async function fetchBacktests(): Promise<BacktestRead[]> {
  return (await unwrap(api.GET('/api/v1/backtests'))).items
}

/** One run: its job's progress while it runs, then its whole result. */
export async function fetchBacktest(id: number): Promise<BacktestRead> {
  return unwrap(api.GET('/api/v1/backtests/{backtest_id}', { params: { path: { backtest_id: id } } }))
}

export async function deleteBacktest(id: number): Promise<void> {
  await unwrap(api.DELETE('/api/v1/backtests/{backtest_id}', { params: { path: { backtest_id: id } } }))
}

/** A policy's stored versions, newest first (the form's version picker). */
export async function fetchPolicyVersions(policyId: number): Promise<number[]> {
  const list = await unwrap(api.GET('/api/v1/policies/{policy_id}/versions', { params: { path: { policy_id: policyId } } }))
  return list.items.map((item) => item.version).sort((a, b) => b - a)
}
