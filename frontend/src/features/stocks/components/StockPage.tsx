import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams, useSearchParams } from 'react-router'
import { EmptyState } from '@/components/EmptyState'
import { ErrorMessage } from '@/components/ErrorMessage'
import { Skeleton } from '@/components/Skeleton'
import { isApiError } from '@/lib/api/errors'
import { useEvaluation } from '@/lib/api/evaluations'
import { stockName } from '@/lib/stockNames'
import { usePageTitle } from '@/lib/usePageTitle'
import { useLatestEvaluation, useStock } from '../hooks/queries'
import { ChartCard } from './chart/ChartCard'
import { EvaluatePanel } from './EvaluatePanel'
import { FundamentalsCard } from './FundamentalsCard'
import { StockHeader } from './StockHeader'

/** /stocks/:code */
export function StockPage() {
  const { code = '' } = useParams()
  const normalized = code.toUpperCase()
  return <StockView key={normalized} code={normalized} />
}

/** ?policy=N (a screener hit, a watchlist): the page keeps that policy, selected and evaluated under. */
function policyFrom(params: URLSearchParams): number | null {
  const policy = Number(params.get('policy'))
  return Number.isInteger(policy) && policy >= 1 ? policy : null
}

function StockView({ code }: { code: string }) {
  const { t, i18n } = useTranslation()
  const [params] = useSearchParams()
  const policyId = policyFrom(params)
  const stock = useStock(code)
  const latest = useLatestEvaluation(code, policyId)
  const [madeId, setMadeId] = useState<number | null>(null)
  const evaluationId = madeId ?? latest.data?.id ?? null
  // An evaluation does not change (the one just made is already in the cache): no refetching.
  const evaluation = useEvaluation(evaluationId, i18n.language, { staleTime: Infinity })
  usePageTitle(stock.data ? `${stock.data.code} ${stockName(stock.data, i18n.language)}` : code)

  if (stock.isError) {
    if (isApiError(stock.error) && stock.error.status === 404) {
      return (
        <div className="page">
          <EmptyState
            title={t('stock.notFound')}
            icon="?"
            action={
              <Link className="button" to="/">
                {t('errors.backHome')}
              </Link>
            }
          >
            <p>{stock.error.detail}</p>
          </EmptyState>
        </div>
      )
    }
    return (
      <div className="page">
        <ErrorMessage error={stock.error} onRetry={() => void stock.refetch()} />
      </div>
    )
  }

  const levels = evaluation.data?.levels ?? null
  return (
    <div className="page stock-page">
      {stock.data ? (
        <StockHeader stock={stock.data} />
      ) : (
        <div className="stock-header card" aria-busy="true">
          <span className="visually-hidden">{t('common.loading')}</span>
          <div className="stock-header__identity">
            <Skeleton height={22} width={180} />
            <Skeleton height={34} width={260} />
            <Skeleton height={18} width={160} />
          </div>
          <div className="stock-header__price">
            <Skeleton height={40} width={160} />
            <Skeleton height={20} width={140} />
          </div>
        </div>
      )}
      <ChartCard code={code} name={stock.data ? stockName(stock.data, i18n.language, code) : code} levels={levels} />
      <div className="stock-grid">
        <EvaluatePanel
          key={policyId ?? 'none'}
          code={code}
          initialPolicyId={policyId}
          evaluation={evaluation.data}
          loading={latest.isPending || (evaluationId !== null && evaluation.isPending)}
          error={evaluation.error ?? latest.error}
          onEvaluated={(made) => setMadeId(made.id)}
          lang={i18n.language}
        />
        <FundamentalsCard code={code} />
      </div>
    </div>
  )
}
