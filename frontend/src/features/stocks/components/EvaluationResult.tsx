import { useTranslation } from 'react-i18next'
import { EvaluationReasons, EvaluationScores } from '@/components/evaluation'
import { RecommendationBadge } from '@/components/RecommendationBadge'
import type { EvaluationRead } from '@/lib/api/types'
import { useFormat } from '@/lib/format'

/**
 * One evaluation, fully explained: recommendation, policy and data date, then the shared view
 * (scores, policy match, price levels, key points, signals, rules).
 */
export function EvaluationResult({ evaluation }: { evaluation: EvaluationRead }) {
  const { t } = useTranslation()
  const fmt = useFormat()
  return (
    <div className="evaluation">
      <div className="evaluation__summary">
        <RecommendationBadge value={evaluation.recommendation} size="lg" />
        <div className="evaluation__meta">
          <span>
            {evaluation.policy_name
              ? t('evaluate.policyLabel', { name: evaluation.policy_name, version: evaluation.policy_version ?? 1 })
              : t('evaluate.noPolicyLabel')}
          </span>
          <span className="muted">{t('evaluate.asOf', { date: fmt.date(evaluation.as_of) })}</span>
        </div>
      </div>
      <EvaluationScores evaluation={evaluation} />
      <EvaluationReasons evaluation={evaluation} />
    </div>
  )
}
