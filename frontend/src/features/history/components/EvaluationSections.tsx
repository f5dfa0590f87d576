import type { EvaluationRead, RuleRead, SignalRead } from '@/lib/api/types'
import { useFormat, type Formatters } from '@/lib/format'
import type { Vocabulary } from '../api/history'
import { useHistoryT } from '../i18n'

function ruleValue(value: number | null | undefined, fmt: Formatters): string {
  if (value === null || value === undefined) return fmt.number(null)
  return Math.abs(value) >= 1e6 ? fmt.compact(value) : fmt.number(value, Math.abs(value) >= 100 ? 0 : 2)
}

export function LevelsSection({ evaluation }: { evaluation: EvaluationRead }) {
  const { t } = useHistoryT()
  const fmt = useFormat()
  const { levels } = evaluation
  const items: [string, string, string][] = []
  if (levels.entry_low !== null && levels.entry_high !== null) {
    items.push(['entry', t('sections.entryZone'), `${fmt.yen(levels.entry_low)}〜${fmt.yen(levels.entry_high)}`])
  }
  if (levels.target_price !== null) items.push(['target', t('sections.target'), fmt.yen(levels.target_price)])
  if (levels.stop_loss_price !== null) items.push(['stop', t('sections.stopLoss'), fmt.yen(levels.stop_loss_price)])
  if (levels.trailing_stop_price !== null && levels.trailing_stop_price !== undefined) {
    items.push(['stop', t('sections.trailingStop'), fmt.yen(levels.trailing_stop_price)])
  }
  if (levels.risk_reward !== null && levels.risk_reward !== undefined) {
    items.push(['', t('sections.riskReward'), fmt.number(levels.risk_reward, 2)])
  }
  if (!items.length) return null
  return (
    <section className="his-section" aria-labelledby="his-levels">
      <h2 className="subheading" id="his-levels">
        {t('sections.levels')}
      </h2>
      <dl className="his-levels">
        {items.map(([kind, label, value]) => (
          <div key={label} className={`his-levels__item ${kind ? `his-levels__item--${kind}` : ''}`}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {levels.basis?.length ? (
        <ul className="his-basis">
          {levels.basis.map((basis, i) => (
            <li key={i}>{basis.message}</li>
          ))}
        </ul>
      ) : null}
    </section>
  )
}

export function KeyPointsSection({ evaluation }: { evaluation: EvaluationRead }) {
  const { t } = useHistoryT()
  if (!evaluation.key_points.length) return null
  return (
    <section className="his-section" aria-labelledby="his-points">
      <h2 className="subheading" id="his-points">
        {t('sections.keyPoints')}
      </h2>
      <ul className="his-points">
        {evaluation.key_points.map((point, i) => (
          <li key={i} className={`his-point his-point--${point.type}`}>
            <span className={`his-tag his-tag--${point.type}`}>{t(`sections.keyPointType.${point.type}`)}</span>
            <span className={`his-priority his-priority--${point.priority}`}>
              <span className="visually-hidden">{t('sections.priorityLabel')} </span>
              {t(`sections.priority.${point.priority}`)}
            </span>
            <span className="his-point__message">{point.message}</span>
          </li>
        ))}
      </ul>
    </section>
  )
}

function SignalList({ title, signals, side }: { title: string; signals: SignalRead[]; side: 'buy' | 'sell' }) {
  const { t } = useHistoryT()
  const fmt = useFormat()
  const max = Math.max(...signals.map((s) => s.contribution), 1)
  return (
    <div className={`his-signals his-signals--${side}`}>
      <h3 className="his-signals__title">
        {title} <span className="muted">({signals.length})</span>
      </h3>
      {signals.length === 0 ? (
        <p className="muted">{t('sections.noSignals')}</p>
      ) : (
        <ul className="his-signals__list">
          {signals.map((signal) => (
            <li key={`${signal.side}-${signal.name}`} className={`his-signal ${signal.missing ? 'his-signal--missing' : ''}`}>
              <span className="his-signal__reason">{signal.reason}</span>
              <span className="his-signal__points">
                <span className="visually-hidden">{t('sections.contribution')} </span>
                {t('sections.points', { value: fmt.number(signal.contribution, 1, true) })}
              </span>
              <span className="his-signal__bar" aria-hidden="true">
                <span style={{ width: `${(signal.contribution / max) * 100}%` }} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

export function SignalsSection({ evaluation }: { evaluation: EvaluationRead }) {
  const { t } = useHistoryT()
  const byContribution = (a: SignalRead, b: SignalRead) => b.contribution - a.contribution
  const buy = evaluation.signals.filter((s) => s.side === 'buy').sort(byContribution)
  const sell = evaluation.signals.filter((s) => s.side === 'sell').sort(byContribution)
  return (
    <section className="his-section" aria-labelledby="his-signals">
      <h2 className="subheading" id="his-signals">
        {t('sections.signals')}
      </h2>
      <div className="his-signals-grid">
        <SignalList title={t('sections.buySignals')} signals={buy} side="buy" />
        <SignalList title={t('sections.sellSignals')} signals={sell} side="sell" />
      </div>
    </section>
  )
}

function RuleResult({ rule }: { rule: RuleRead }) {
  const { t } = useHistoryT()
  if (rule.passed === true)
    return (
      <span className="his-result his-result--passed">
        <span aria-hidden="true">✓</span> {t('sections.passed')}
      </span>
    )
  if (rule.passed === false)
    return (
      <span className="his-result his-result--failed">
        <span aria-hidden="true">✕</span> {t('sections.failed')}
      </span>
    )
  return (
    <span className="his-result his-result--unknown">
      <span aria-hidden="true">―</span> {t('sections.unknown')}
    </span>
  )
}

export function RulesSection({ evaluation }: { evaluation: EvaluationRead }) {
  const { t } = useHistoryT()
  const fmt = useFormat()
  if (!evaluation.rules.length) return null
  return (
    <section className="his-section" aria-labelledby="his-rules">
      <h2 className="subheading" id="his-rules">
        {t('sections.rules')}
      </h2>
      <div className="table-wrap">
        <table className="table table--compact">
          <thead>
            <tr>
              <th scope="col">{t('sections.rule')}</th>
              <th scope="col" className="num">
                {t('sections.value')}
              </th>
              <th scope="col">{t('sections.result')}</th>
              <th scope="col" className="num">
                {t('sections.distance')}
              </th>
            </tr>
          </thead>
          <tbody>
            {evaluation.rules.map((rule, i) => (
              <tr key={i}>
                <th scope="row" className="his-rule">
                  <code>{rule.rule}</code>
                  {rule.required ? <span className="chip chip--small">{t('sections.required')}</span> : null}
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
  )
}

/** The technical and fundamental figures the evaluation used, labelled in the UI language. */
export function ValuesSection({ evaluation, vocabulary }: { evaluation: EvaluationRead; vocabulary: Vocabulary | undefined }) {
  const { t, i18n } = useHistoryT()
  const fmt = useFormat()
  const metrics = new Map((vocabulary?.metrics ?? []).map((m) => [m.name, m]))
  const en = i18n.language.startsWith('en')
  const format = (name: string, value: number | null): string => {
    const unit = metrics.get(name)?.unit
    if (value === null) return fmt.number(null)
    switch (unit) {
      case 'yen':
        return Math.abs(value) >= 1e8 ? fmt.yen(value, { compact: true }) : fmt.yen(value)
      case '%':
        return fmt.pct(value)
      case 'x':
        return fmt.multiple(value)
      case 'shares':
        return fmt.compact(value)
      case 'days':
        return fmt.number(value, 0)
      default:
        return fmt.number(value, 2)
    }
  }
  const groups: ['technical' | 'fundamental', Record<string, number | null>][] = [
    ['technical', evaluation.technical],
    ['fundamental', evaluation.fundamental],
  ]
  return (
    <section className="his-section" aria-labelledby="his-values">
      <details className="his-values">
        <summary>
          <h2 className="subheading his-values__title" id="his-values">
            {t('sections.values')}
          </h2>
        </summary>
        <div className="his-values__grid">
          {groups.map(([kind, values]) => (
            <div key={kind}>
              <h3 className="his-values__kind">{t(`sections.${kind}`)}</h3>
              <dl className="his-values__list">
                {Object.entries(values)
                  .filter(([name]) => !name.startsWith('cross_'))
                  .map(([name, value]) => {
                    const metric = metrics.get(name)
                    return (
                      <div key={name}>
                        <dt>{metric ? (en ? metric.label_en : metric.label_ja) : name}</dt>
                        <dd>{format(name, value)}</dd>
                      </div>
                    )
                  })}
              </dl>
            </div>
          ))}
        </div>
      </details>
    </section>
  )
}
