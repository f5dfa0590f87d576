import { useId, type ReactNode } from 'react'
import type { EvaluationRead, RuleRead, SignalRead } from '@/lib/api/types'
import { useFormat, type Formatters } from '@/lib/format'
import { useEvaluationT } from './i18n'

type Level = 2 | 3

interface SectionProps {
  evaluation: EvaluationRead
  /** the level of the sections' headings (the signal lists' are one below) */
  level: Level
}

function ruleValue(value: number | null | undefined, fmt: Formatters): string {
  if (value === null || value === undefined) return fmt.number(null)
  return Math.abs(value) >= 1e6 ? fmt.compact(value) : fmt.number(value, Math.abs(value) >= 100 ? 0 : 2)
}

/** A section with a heading that names it (h2 or h3). */
function Section({ title, level, children }: { title: string; level: Level; children: ReactNode }) {
  const id = useId()
  const Heading = level === 2 ? 'h2' : 'h3'
  return (
    <section className="evaluation__section" aria-labelledby={id}>
      <Heading className="subheading" id={id}>
        {title}
      </Heading>
      {children}
    </section>
  )
}

function LevelsSection({ evaluation, level }: SectionProps) {
  const { t } = useEvaluationT()
  const fmt = useFormat()
  const { levels } = evaluation
  const items: { kind: 'entry' | 'target' | 'stop' | null; label: string; value: string }[] = []
  if (levels.entry_low !== null && levels.entry_high !== null) {
    items.push({ kind: 'entry', label: t('entryZone'), value: `${fmt.yen(levels.entry_low)}〜${fmt.yen(levels.entry_high)}` })
  }
  if (levels.target_price !== null) items.push({ kind: 'target', label: t('target'), value: fmt.yen(levels.target_price) })
  if (levels.stop_loss_price !== null) items.push({ kind: 'stop', label: t('stopLoss'), value: fmt.yen(levels.stop_loss_price) })
  if (levels.trailing_stop_price !== null && levels.trailing_stop_price !== undefined) {
    items.push({ kind: 'stop', label: t('trailingStop'), value: fmt.yen(levels.trailing_stop_price) })
  }
  if (levels.risk_reward !== null && levels.risk_reward !== undefined) {
    items.push({ kind: null, label: t('riskReward'), value: fmt.number(levels.risk_reward, 2) })
  }
  if (!items.length) return null
  return (
    <Section title={t('levels')} level={level}>
      <dl className="levels">
        {items.map((item) => (
          <div key={item.label} className={`levels__item ${item.kind ? `levels__item--${item.kind}` : ''}`}>
            <dt>{item.label}</dt>
            <dd>{item.value}</dd>
          </div>
        ))}
      </dl>
      {levels.basis?.length ? (
        <ul className="basis">
          {levels.basis.map((basis, i) => (
            <li key={i}>{basis.message}</li>
          ))}
        </ul>
      ) : null}
    </Section>
  )
}

function KeyPointsSection({ evaluation, level }: SectionProps) {
  const { t } = useEvaluationT()
  if (!evaluation.key_points.length) return null
  return (
    <Section title={t('keyPoints')} level={level}>
      <ul className="key-points">
        {evaluation.key_points.map((point, i) => (
          <li key={i} className={`key-point key-point--${point.type}`}>
            <span className={`tag tag--${point.type}`}>{t(`keyPointType.${point.type}`)}</span>
            <span className={`priority priority--${point.priority}`}>
              <span className="visually-hidden">{t('priorityLabel')} </span>
              {t(`priority.${point.priority}`)}
            </span>
            <span className="key-point__message">{point.message}</span>
          </li>
        ))}
      </ul>
    </Section>
  )
}

interface SignalListProps {
  title: string
  signals: SignalRead[]
  side: 'buy' | 'sell'
  level: Level
}

function SignalList({ title, signals, side, level }: SignalListProps) {
  const { t } = useEvaluationT()
  const fmt = useFormat()
  const Heading = level === 2 ? 'h3' : 'h4'
  const max = Math.max(...signals.map((s) => s.contribution), 1)
  return (
    <div className={`signals signals--${side}`}>
      <Heading className="signals__title">
        {title} <span className="muted">({signals.length})</span>
      </Heading>
      {signals.length === 0 ? (
        <p className="muted">{t('noSignals')}</p>
      ) : (
        <ul className="signals__list">
          {signals.map((signal) => (
            <li key={`${signal.side}-${signal.name}`} className={`signal ${signal.missing ? 'signal--missing' : ''}`}>
              <span className="signal__reason">{signal.reason}</span>
              <span className="signal__contribution" title={t('contribution')}>
                <span className="visually-hidden">{t('contribution')} </span>
                {t('points', { value: fmt.number(signal.contribution, 1, true) })}
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

function SignalsSection({ evaluation, level }: SectionProps) {
  const { t } = useEvaluationT()
  const byContribution = (a: SignalRead, b: SignalRead) => b.contribution - a.contribution
  const buy = evaluation.signals.filter((s) => s.side === 'buy').sort(byContribution)
  const sell = evaluation.signals.filter((s) => s.side === 'sell').sort(byContribution)
  return (
    <Section title={t('signals')} level={level}>
      <div className="signals-grid">
        <SignalList title={t('buySignals')} signals={buy} side="buy" level={level} />
        <SignalList title={t('sellSignals')} signals={sell} side="sell" level={level} />
      </div>
    </Section>
  )
}

function RuleResult({ rule }: { rule: RuleRead }) {
  const { t } = useEvaluationT()
  if (rule.passed === true)
    return (
      <span className="rule-result rule-result--passed">
        <span aria-hidden="true">✓</span> {t('passed')}
      </span>
    )
  if (rule.passed === false)
    return (
      <span className="rule-result rule-result--failed">
        <span aria-hidden="true">✕</span> {t('failed')}
      </span>
    )
  return (
    <span className="rule-result rule-result--unknown">
      <span aria-hidden="true">―</span> {t('unknown')}
    </span>
  )
}

function RulesSection({ evaluation, level }: SectionProps) {
  const { t } = useEvaluationT()
  const fmt = useFormat()
  if (!evaluation.rules.length) return null
  return (
    <Section title={t('rules')} level={level}>
      <div className="table-wrap">
        <table className="table table--compact">
          <thead>
            <tr>
              <th scope="col">{t('rule')}</th>
              <th scope="col" className="num">
                {t('value')}
              </th>
              <th scope="col">{t('result')}</th>
              <th scope="col" className="num">
                {t('distance')}
              </th>
            </tr>
          </thead>
          <tbody>
            {evaluation.rules.map((rule, i) => (
              <tr key={i}>
                <th scope="row" className="rule-cell">
                  {/* The rule as the rule editor writes it; the identifier only for a reply without it. */}
                  {rule.rule_text ? <span title={rule.text ?? undefined}>{rule.rule_text}</span> : <code>{rule.rule}</code>}
                  {rule.required ? <span className="chip chip--small">{t('required')}</span> : null}
                  {rule.label ? <span className="muted rule-cell__label">{rule.label}</span> : null}
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
    </Section>
  )
}

/**
 * Why the evaluation says what it says: the price levels, the key points, every signal with its
 * reason and contribution (strongest first), and the policy's rules passed or failed.
 */
export function EvaluationReasons({ evaluation, headingLevel = 3 }: { evaluation: EvaluationRead; headingLevel?: Level }) {
  return (
    <>
      <LevelsSection evaluation={evaluation} level={headingLevel} />
      <KeyPointsSection evaluation={evaluation} level={headingLevel} />
      <SignalsSection evaluation={evaluation} level={headingLevel} />
      <RulesSection evaluation={evaluation} level={headingLevel} />
    </>
  )
}
