import type { EvaluationRead, Vocabulary } from '@/lib/api/types'
import { useFormat } from '@/lib/format'
import { useHistoryT } from '../i18n'

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
    <section className="evaluation__section" aria-labelledby="his-values">
      <details className="his-values">
        <summary>
          <h2 className="subheading his-values__title" id="his-values">
            {t('values.title')}
          </h2>
        </summary>
        <div className="his-values__grid">
          {groups.map(([kind, values]) => (
            <div key={kind}>
              <h3 className="his-values__kind">{t(`values.${kind}`)}</h3>
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
