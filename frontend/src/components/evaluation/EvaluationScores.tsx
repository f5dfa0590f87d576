import { ScoreGauge } from '@/components/ScoreGauge'
import type { EvaluationRead } from '@/lib/api/types'
import { useFormat } from '@/lib/format'
import { useEvaluationT } from './i18n'

/** The buy, sell and (under a policy) match scores as gauges, the policy's verdict and the data coverage. */
export function EvaluationScores({ evaluation }: { evaluation: EvaluationRead }) {
  const { t } = useEvaluationT()
  const fmt = useFormat()
  return (
    <div className="evaluation-scores">
      <div className="gauges">
        <ScoreGauge label={t('buyScore')} value={evaluation.buy_score} tone="buy" />
        <ScoreGauge label={t('sellScore')} value={evaluation.sell_score} tone="sell" />
        {evaluation.match_score !== null ? (
          <ScoreGauge label={t('matchScore')} value={evaluation.match_score} tone="match" />
        ) : null}
      </div>
      {evaluation.qualifies === null ? null : (
        <p className="evaluation-scores__qualifies">
          <span className={`chip ${evaluation.qualifies ? 'chip--ok' : 'chip--warn'}`}>
            <span aria-hidden="true">{evaluation.qualifies ? '✓ ' : '✕ '}</span>
            {evaluation.qualifies ? t('qualifies') : t('notQualifies')}
          </span>
        </p>
      )}
      <p className="footnote">
        {t('coverage', { pct: fmt.pct(evaluation.confidence * 100, { digits: 0 }) })}
        {evaluation.missing.length ? ` · ${t('missing', { items: evaluation.missing.join(', ') })}` : ''}
      </p>
    </div>
  )
}
