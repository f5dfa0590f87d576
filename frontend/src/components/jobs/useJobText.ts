import { useMemo } from 'react'
import { isJobConflict } from '@/lib/api/jobs'
import type { JobRead } from '@/lib/api/types'
import { type Formatters, useFormat } from '@/lib/format'
import { type JobsT, useJobsT } from './i18n'

const KINDS = ['sync', 'refresh', 'backtest'] as const
/** A backtest's steps (backtests/service.py): "stocks 201–400 of 800", then "simulating". */
const BACKTEST_STOCKS = /^stocks (\d+)–(\d+) of (\d+)$/
const DAY = /^\d{4}-\d{2}-\d{2}$/
const DISCLOSURES = /^disclosures (\d{4}-\d{2}-\d{2})…(\d{4}-\d{2}-\d{2})$/

/** The words for a job, in the UI language: its kind, its current step, its outcome. */
export interface JobText {
  /** "データ同期" / "Data sync" (an unknown kind as the server names it) */
  kind: (kind: string) => string
  /** What the job is doing now, from its progress label: "2024/04/17〜2024/06/14 の株価" */
  step: (label: string) => string | null
  /** What a finished job did, from its result: "300 銘柄・日足 359,700 本・財務 7,200 件を更新" */
  result: (job: Pick<JobRead, 'kind' | 'status' | 'result'>) => string | null
  /** The friendly message for a failed attempt to queue a job (a 409 names the job in the way). */
  conflict: (error: unknown) => string | null
  /** How long a job took or has taken: "16 秒", "1 分 5 秒" */
  duration: (from: string | null, to: string | null) => string | null
}

function count(value: unknown, fmt: Formatters): string {
  return fmt.number(typeof value === 'number' ? value : 0)
}

function makeJobText(t: JobsT, fmt: Formatters): JobText {
  const kind = (name: string) => (KINDS as readonly string[]).includes(name) ? t(`kind.${name as 'sync'}`) : name
  return {
    kind,
    step: (label) => {
      if (!label) return null
      if (label === 'metrics') return t('progress.metrics')
      if (label === 'simulating') return t('progress.simulating')
      const disclosures = DISCLOSURES.exec(label)
      if (disclosures) return t('progress.disclosures', { from: fmt.date(disclosures[1]!), to: fmt.date(disclosures[2]!) })
      const stocks = BACKTEST_STOCKS.exec(label)
      if (stocks) return t('progress.stocks', { from: fmt.number(Number(stocks[1])), to: fmt.number(Number(stocks[2])), total: fmt.number(Number(stocks[3])) })
      // A sync reports the chunk it wrote as "first…last" (dates, or codes for some sources).
      const [from, to, ...rest] = label.split('…')
      if (from === undefined || to === undefined || rest.length) return label
      if (DAY.test(from) && DAY.test(to)) return t('progress.prices', { from: fmt.date(from), to: fmt.date(to) })
      return t('progress.range', { from, to })
    },
    result: (job) => {
      if (job.status !== 'succeeded' || !job.result) return null
      const r = job.result
      if (job.kind === 'refresh') return t('result.refresh', { metrics: count(r.metrics, fmt) })
      if (job.kind !== 'sync') return null
      if (!r.stocks && !r.bars && !r.fundamentals) return t('result.syncNothing')
      return t('result.sync', { stocks: count(r.stocks, fmt), bars: count(r.bars, fmt), fundamentals: count(r.fundamentals, fmt) })
    },
    conflict: (error) => {
      if (!isJobConflict(error)) return null
      const active = error.active
      if (!active) return t('conflict.unknown', { job: kind(error.kind) })
      return t(active.status === 'queued' ? 'conflict.queued' : 'conflict.running', { job: kind(active.kind), id: active.id })
    },
    duration: (from, to) => {
      if (!from || !to) return null
      const seconds = Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000))
      if (Number.isNaN(seconds)) return null
      if (seconds < 60) return t('duration.seconds', { s: seconds })
      if (seconds < 3600) return t('duration.minutes', { m: Math.floor(seconds / 60), s: seconds % 60 })
      return t('duration.hours', { h: Math.floor(seconds / 3600), m: Math.floor((seconds % 3600) / 60) })
    },
  }
}

export function useJobText(): JobText {
  const { t } = useJobsT()
  const fmt = useFormat()
  return useMemo(() => makeJobText(t, fmt), [t, fmt])
}
