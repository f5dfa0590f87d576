import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { Card } from '@/components/Card'
import { EmptyState } from '@/components/EmptyState'
import { ErrorMessage } from '@/components/ErrorMessage'
import { RecommendationBadge } from '@/components/RecommendationBadge'
import { SkeletonBlock } from '@/components/Skeleton'
import { useFormat } from '@/lib/format'
import { stockName } from '@/lib/stockNames'
import { LATEST_EVALUATIONS, useLatestEvaluations } from '../hooks/queries'

/** The ten most recent evaluations (GET /evaluations?limit=10). */
export function LatestEvaluations() {
  const { t } = useTranslation()
  const fmt = useFormat()
  const evaluations = useLatestEvaluations()

  return (
    <Card title={t('dashboard.latestEvaluations')} id="latest-evaluations">
      {evaluations.isPending ? (
        <div style={{ minHeight: 200 }}>
          <SkeletonBlock lines={LATEST_EVALUATIONS / 2} lineHeight={36} />
        </div>
      ) : evaluations.isError ? (
        <ErrorMessage error={evaluations.error} onRetry={() => void evaluations.refetch()} />
      ) : evaluations.data.items.length === 0 ? (
        <EmptyState title={t('dashboard.noEvaluationsTitle')} icon="✎">
          <p>{t('dashboard.noEvaluationsBody')}</p>
        </EmptyState>
      ) : (
        <ul className="evaluation-list">
          {evaluations.data.items.map((evaluation) => (
            <li key={evaluation.id} className="evaluation-list__item">
              <Link to={`/stocks/${encodeURIComponent(evaluation.stock_code)}`} className="evaluation-list__link">
                <span className="evaluation-list__stock">
                  <span className="stock-link__code">{evaluation.stock_code}</span>{' '}
                  <span className="evaluation-list__name">
                    {stockName({ name: evaluation.stock_name, name_en: evaluation.stock_name_en }, fmt.lang)}
                  </span>
                </span>
                <span className="evaluation-list__meta">
                  {fmt.date(evaluation.as_of)} · {evaluation.policy_name ?? t('dashboard.noPolicy')}
                </span>
              </Link>
              <span className="evaluation-list__scores">
                <span className="mini-score">
                  <span className="mini-score__label">{t('dashboard.buyScore')}</span>
                  {fmt.number(evaluation.buy_score, 0)}
                </span>
                <span className="mini-score">
                  <span className="mini-score__label">{t('dashboard.sellScore')}</span>
                  {fmt.number(evaluation.sell_score, 0)}
                </span>
                <RecommendationBadge value={evaluation.recommendation} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  )
}
