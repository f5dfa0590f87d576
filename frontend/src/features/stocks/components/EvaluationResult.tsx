import { useTranslation } from 'react-i18next'
import { RecommendationBadge } from '@/components/RecommendationBadge'
import { ScoreGauge } from '@/components/ScoreGauge'
import type { EvaluationRead, RuleRead, SignalRead } from '@/lib/api/types'
import { useFormat, type Formatters } from '@/lib/format'

function ruleValue(value: number | null, fmt: Formatters): string {
  if (value === null) return fmt.number(null)
  return Math.abs(value) >= 1e6 ? fmt.compact(value) : fmt.number(value, Math.abs(value) >= 100 ? 0 : 2)
}

function SignalList({ title, signals, side }: { title: string; signals: SignalRead[]; side: 'buy' | 'sell' }) {
  const { t } = useTranslation()
  const fmt = useFormat()
  const max = Math.max(...signals.map((s) => s.contribution), 1)
  return (
    <div className={`signals signals--${side}`}>
      <h4 className="signals__title">
        {title} <span className="muted">({signals.length})</span>
      </h4>
      {signals.length === 0 ? (
        <p className="muted">{t('evaluate.noSignals')}</p>
      ) : (
        <ul className="signals__list">
          {signals.map((signal) => (
            <li key={`${signal.side}-${signal.name}`} className={`signal ${signal.missing ? 'signal--missing' : ''}`}>
              <span className="signal__reason">{signal.reason}</span>
              <span className="signal__contribution" title={t('evaluate.contribution')}>
                <span className="visually-hidden">{t('evaluate.contribution')} </span>
                {t('evaluate.points', { value: fmt.number(signal.contribution, 1, true) })}
              </span>
              <span className="signal__bar" aria-hidden="true">
                <span style={{ width: `${(signal.contribution / max) * 100}%` }} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

function RuleResult({ rule }: { rule: RuleRead }) {
  const { t } = useTranslation()
  if (rule.passed === true)
    return (
      <span className="rule-result rule-result--passed">
        <span aria-hidden="true">✓</span> {t('evaluate.passed')}
      </span>
    )
  if (rule.passed === false)
    return (
      <span className="rule-result rule-result--failed">
        <span aria-hidden="true">✕</span> {t('evaluate.failed')}
      </span>
    )
  return (
    <span className="rule-result rule-result--unknown">
      <span aria-hidden="true">―</span> {t('evaluate.unknown')}
    </span>
  )
}

/**
 * One evaluation, fully explained: scores, recommendation, policy match, the price levels, key
 * points, every signal with its reason and contribution, and the policy's rules passed or failed.
 */
export function EvaluationResult({ evaluation }: { evaluation: EvaluationRead }) {
  const { t } = useTranslation()
  const fmt = useFormat()
  const byContribution = (a: SignalRead, b: SignalRead) => b.contribution - a.contribution
  const buySignals = evaluation.signals.filter((s) => s.side === 'buy').sort(byContribution)
  const sellSignals = evaluation.signals.filter((s) => s.side === 'sell').sort(byContribution)
  const { levels } = evaluation
  const hasLevels =
    levels.entry_low !== null || levels.target_price !== null || levels.stop_loss_price !== null || levels.trailing_stop_price !== null

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
        {evaluation.qualifies === null ? null : (
          <span className={`chip ${evaluation.qualifies ? 'chip--ok' : 'chip--warn'}`}>
            <span aria-hidden="true">{evaluation.qualifies ? '✓ ' : '✕ '}</span>
            {evaluation.qualifies ? t('evaluate.qualifies') : t('evaluate.notQualifies')}
          </span>
        )}
      </div>

      <div className="gauges">
        <ScoreGauge label={t('evaluate.buyScore')} value={evaluation.buy_score} tone="buy" />
        <ScoreGauge label={t('evaluate.sellScore')} value={evaluation.sell_score} tone="sell" />
        {evaluation.match_score !== null ? (
          <ScoreGauge label={t('evaluate.matchScore')} value={evaluation.match_score} tone="match" />
        ) : null}
      </div>
      <p className="footnote">
        {t('evaluate.confidence', { pct: fmt.pct(evaluation.confidence * 100, { digits: 0 }) })}
        {evaluation.missing.length ? ` · ${t('evaluate.missing', { items: evaluation.missing.join(', ') })}` : ''}
      </p>

      {hasLevels ? (
        <section className="evaluation__section" aria-labelledby={`levels-${evaluation.id}`}>
          <h3 className="subheading" id={`levels-${evaluation.id}`}>
            {t('evaluate.levels')}
          </h3>
          <dl className="levels">
            {levels.entry_low !== null && levels.entry_high !== null ? (
              <div className="levels__item levels__item--entry">
                <dt>{t('evaluate.entryZone')}</dt>
                <dd>
                  {fmt.yen(levels.entry_low)}〜{fmt.yen(levels.entry_high)}
                </dd>
              </div>
            ) : null}
            {levels.target_price !== null ? (
              <div className="levels__item levels__item--target">
                <dt>{t('evaluate.target')}</dt>
                <dd>{fmt.yen(levels.target_price)}</dd>
              </div>
            ) : null}
            {levels.stop_loss_price !== null ? (
              <div className="levels__item levels__item--stop">
                <dt>{t('evaluate.stopLoss')}</dt>
                <dd>{fmt.yen(levels.stop_loss_price)}</dd>
              </div>
            ) : null}
            {levels.trailing_stop_price !== null && levels.trailing_stop_price !== undefined ? (
              <div className="levels__item levels__item--stop">
                <dt>{t('evaluate.trailingStop')}</dt>
                <dd>{fmt.yen(levels.trailing_stop_price)}</dd>
              </div>
            ) : null}
            {levels.risk_reward !== null && levels.risk_reward !== undefined ? (
              <div className="levels__item">
                <dt>{t('evaluate.riskReward')}</dt>
                <dd>{fmt.number(levels.risk_reward, 2)}</dd>
              </div>
            ) : null}
          </dl>
          {levels.basis?.length ? (
            <ul className="basis">
              {levels.basis.map((basis, i) => (
                <li key={i}>{basis.message}</li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}

      {evaluation.key_points.length ? (
        <section className="evaluation__section" aria-labelledby={`points-${evaluation.id}`}>
          <h3 className="subheading" id={`points-${evaluation.id}`}>
            {t('evaluate.keyPoints')}
          </h3>
          <ul className="key-points">
            {evaluation.key_points.map((point, i) => (
              <li key={i} className={`key-point key-point--${point.type}`}>
                <span className={`tag tag--${point.type}`}>{t(`evaluate.keyPointType.${point.type}`)}</span>
                <span className={`priority priority--${point.priority}`}>
                  <span className="visually-hidden">{t('evaluate.priorityLabel')} </span>
                  {t(`evaluate.priority.${point.priority}`)}
                </span>
                <span className="key-point__message">{point.message}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="evaluation__section" aria-labelledby={`signals-${evaluation.id}`}>
        <h3 className="subheading" id={`signals-${evaluation.id}`}>
          {t('evaluate.signals')}
        </h3>
        <div className="signals-grid">
          <SignalList title={t('evaluate.buySignals')} signals={buySignals} side="buy" />
          <SignalList title={t('evaluate.sellSignals')} signals={sellSignals} side="sell" />
        </div>
      </section>

      {evaluation.rules.length ? (
        <section className="evaluation__section" aria-labelledby={`rules-${evaluation.id}`}>
          <h3 className="subheading" id={`rules-${evaluation.id}`}>
            {t('evaluate.rules')}
          </h3>
          <div className="table-wrap">
            <table className="table table--compact">
              <thead>
                <tr>
                  <th scope="col">{t('evaluate.rule')}</th>
                  <th scope="col" className="num">
                    {t('evaluate.value')}
                  </th>
                  <th scope="col">{t('evaluate.result')}</th>
                  <th scope="col" className="num">
                    {t('evaluate.distance')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {evaluation.rules.map((rule, i) => (
                  <tr key={i}>
                    <th scope="row" className="rule-cell">
                      <code>{rule.rule}</code>
                      {rule.required ? <span className="chip chip--small">{t('evaluate.required')}</span> : null}
                    </th>
                    <td className="num">{ruleValue(rule.value, fmt)}</td>
                    <td>
                      <RuleResult rule={rule} />
                    </td>
                    <td className="num">{rule.passed ? fmt.number(null) : ruleValue(rule.distance, fmt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </div>
  )
}
