import { Link, useParams } from 'react-router'
import { ErrorMessage } from '@/components/ErrorMessage'
import { PageSkeleton } from '@/components/Skeleton'
import { isApiError } from '@/lib/api/errors'
import { usePolicies } from '@/lib/api/policies'
import { useFormat } from '@/lib/format'
import { usePageTitle } from '@/lib/usePageTitle'
import { useBacktest } from '../hooks/queries'
import { useBacktestsT } from '../i18n'
import { paramsOf, resultOf } from '../model/types'
import { ResultView } from './ResultView'
import { RunStatus } from './RunStatus'
import { useCostName } from './useCostName'
import '../backtests.css'

/** /backtests/:id — the run's settings, its progress while the worker runs it, then its result. */
export function BacktestPage() {
  const { t } = useBacktestsT()
  const fmt = useFormat()
  const costName = useCostName()
  const { id: raw } = useParams()
  const id = Number(raw)
  const valid = Number.isInteger(id) && id > 0
  const run = useBacktest(valid ? id : null)
  const policies = usePolicies()
  const backtest = run.data
  const result = backtest ? resultOf(backtest) : null
  const policyName =
    result?.policy.name ?? policies.data?.items.find((p) => p.id === backtest?.policy_id)?.name ?? t('run.untitled', { id: backtest?.policy_id ?? 0 })
  const title = backtest ? t('run.title', { policy: `${policyName} v${backtest.policy_version}` }) : t('title')
  usePageTitle(title)

  const back = (
    <Link to="/backtests" className="bt-back">
      ← {t('back')}
    </Link>
  )
  if (!valid || (isApiError(run.error) && run.error.status === 404)) {
    return (
      <div className="page bt-page">
        {back}
        <p>{t('run.notFound')}</p>
      </div>
    )
  }
  if (run.error) {
    return (
      <div className="page bt-page">
        {back}
        <ErrorMessage error={run.error} onRetry={() => void run.refetch()} />
      </div>
    )
  }
  if (!backtest) return <PageSkeleton />
  const params = paramsOf(backtest)
  return (
    <div className="page bt-page">
      {back}
      <div className="bt-page__head">
        <div>
          <h1 className="page__title">{title}</h1>
          <p className="muted bt-meta">
            {t('run.params', {
              from: fmt.date(params.start),
              to: fmt.date(params.end),
              cash: fmt.yen(params.cash ?? null, { maxFractionDigits: 0 }),
              cost: costName(params.cost, params.slippage_bps),
              positions: params.max_positions ?? '—',
            })}
          </p>
          {result ? (
            <p className="muted bt-meta">{t('run.universe', { count: result.universe, benchmark: t('run.benchmark') })}</p>
          ) : null}
        </div>
        <Link className="button" to="/backtests/new" state={{ policyId: backtest.policy_id, params: { ...params, version: backtest.policy_version } }}>
          {t('run.again')}
        </Link>
      </div>
      {result ? <ResultView result={result} /> : <RunStatus backtest={backtest} />}
    </div>
  )
}
