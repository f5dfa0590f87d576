import type { ReactNode } from 'react'
import { usePoliciesT } from '../i18n'
import type { RuleDraft } from '../model/draft'
import { OPS, RULE_TYPES, type Op, type RuleType, type Vocabulary } from '../model/types'
import { fieldId } from './fieldIds'
import { OP_SYMBOL, type MetricLabels } from './labels'
import { MetricPicker } from './MetricPicker'

export interface RuleMessages {
  /** messages about one field of the rule ('metric', 'value', …) */
  field: (name: string) => string[]
  /** messages about the whole rule (min > max, an unsupported pair …) */
  row: string[]
  /** fields to mark invalid */
  invalid: ReadonlySet<string>
  /** whether the server named this rule in its last answer */
  fromServer: boolean
}

interface RuleRowProps {
  index: number
  rule: RuleDraft
  vocabulary: Vocabulary
  labels: MetricLabels
  messages: RuleMessages
  onChange: (patch: Partial<RuleDraft>) => void
  onRemove: () => void
}

interface FieldProps {
  index: number
  name: string
  label: string
  messages: RuleMessages
  children: (props: { id: string; invalid: boolean; describedBy: string | undefined }) => ReactNode
  className?: string
  hint?: string
  /** label visible only to screen readers (the row says it already) */
  hiddenLabel?: boolean
}

function RuleField({ index, name, label, messages, children, className = '', hint, hiddenLabel }: FieldProps) {
  const id = fieldId(`rules.${index}.${name}`)
  const errors = messages.field(name)
  const invalid = errors.length > 0 || messages.invalid.has(name)
  const describedBy = [hint ? `${id}-hint` : null, errors.length ? `${id}-error` : null].filter(Boolean).join(' ') || undefined
  return (
    <div className={`pol-rule__field pol-rule__field--${name} ${invalid ? 'pol-rule__field--invalid' : ''} ${className}`}>
      <label htmlFor={id} className={hiddenLabel ? 'visually-hidden' : 'pol-rule__label'}>
        {label}
      </label>
      {children({ id, invalid, describedBy })}
      {hint ? (
        <span id={`${id}-hint`} className="pol-rule__hint">
          {hint}
        </span>
      ) : null}
      {errors.length ? (
        <span id={`${id}-error`} className="pol-rule__error">
          {errors.join(' / ')}
        </span>
      ) : null}
    </div>
  )
}

/** One rule of the builder: type, what it compares, weight, required, note, remove. */
export function RuleRow({ index, rule, vocabulary, labels, messages, onChange, onRemove }: RuleRowProps) {
  const { t } = usePoliciesT()
  const n = index + 1
  const metrics = vocabulary.metrics.filter((m) => !m.name.startsWith('cross_'))
  const crossLines = [...new Set(vocabulary.cross_pairs.flatMap((p) => [p.fast, p.slow]))]
  const rowErrorId = `${fieldId(`rules.${index}`)}-error`
  const unit = labels.unit(rule.metric)
  const text =
    (
      name: 'value' | 'min' | 'max' | 'withinDays' | 'weight' | 'label',
      extra: { suffix?: string; placeholder?: string; wide?: boolean } = {},
    ) =>
    ({ id, invalid, describedBy }: { id: string; invalid: boolean; describedBy: string | undefined }) => (
        <span className="pol-input-unit">
          <input
            id={id}
            className={`input ${extra.wide ? '' : 'pol-input--num'}`}
            type="text"
            inputMode={name === 'label' ? 'text' : name === 'withinDays' ? 'numeric' : 'decimal'}
            autoComplete="off"
            value={rule[name]}
            placeholder={extra.placeholder}
            aria-invalid={invalid || undefined}
            aria-describedby={
              [extra.suffix ? `${id}-unit` : null, describedBy, messages.row.length ? rowErrorId : null].filter(Boolean).join(' ') ||
              undefined
            }
            onChange={(event) => onChange({ [name]: event.target.value })}
          />
          {extra.suffix ? (
            <span className="pol-input-unit__suffix" id={`${id}-unit`}>
              {extra.suffix}
            </span>
          ) : null}
        </span>
    )

  const metricPicker = (name: 'metric' | 'other', label: string) => (
    <RuleField index={index} name={name} label={label} messages={messages} className="pol-rule__field--metric">
      {({ id, invalid, describedBy }) => (
        <MetricPicker
          id={id}
          value={rule[name]}
          onChange={(value) => onChange({ [name]: value })}
          metrics={metrics}
          labels={labels}
          invalid={invalid}
          describedBy={[describedBy, messages.row.length ? rowErrorId : null].filter(Boolean).join(' ') || undefined}
        />
      )}
    </RuleField>
  )

  const opSelect = (
    <RuleField index={index} name="op" label={t('rules.op')} messages={messages}>
      {({ id, invalid, describedBy }) => (
        <select
          id={id}
          className="input select pol-select--op"
          value={rule.op}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          onChange={(event) => onChange({ op: event.target.value as Op })}
        >
          {OPS.map((op) => (
            <option key={op} value={op}>
              {`${OP_SYMBOL[op]}  ${t(`op.${op}`)}`}
            </option>
          ))}
        </select>
      )}
    </RuleField>
  )

  const lineSelect = (name: 'fast' | 'slow', label: string) => (
    <RuleField index={index} name={name} label={label} messages={messages} className="pol-rule__field--line">
      {({ id, invalid, describedBy }) => (
        <select
          id={id}
          className="input select"
          value={rule[name]}
          aria-invalid={invalid || undefined}
          aria-describedby={[describedBy, messages.row.length ? rowErrorId : null].filter(Boolean).join(' ') || undefined}
          onChange={(event) => onChange({ [name]: event.target.value })}
        >
          <option value="">{t('picker.choose')}</option>
          {crossLines.map((line) => (
            <option key={line} value={line}>
              {labels.label(line)}
            </option>
          ))}
        </select>
      )}
    </RuleField>
  )

  const reversed = rule.type === 'cross' && vocabulary.cross_pairs.some((p) => p.fast === rule.slow && p.slow === rule.fast)

  return (
    <li className={`pol-rule ${messages.row.length || messages.invalid.size ? 'pol-rule--invalid' : ''}`}>
      <fieldset className="pol-rule__fieldset">
        <legend className="pol-rule__legend">
          <span className="pol-rule__number">{t('rules.ruleN', { n })}</span>
          {rule.required ? <span className="chip chip--small pol-chip-required">{t('rules.required')}</span> : null}
        </legend>
        <div className="pol-rule__main">
          <RuleField index={index} name="type" label={t('rules.type')} messages={messages}>
            {({ id, describedBy }) => (
              <select
                id={id}
                className="input select"
                value={rule.type}
                aria-describedby={describedBy}
                onChange={(event) => onChange({ type: event.target.value as RuleType })}
              >
                {RULE_TYPES.map((type) => (
                  <option key={type} value={type}>
                    {t(`ruleType.${type}`)}
                  </option>
                ))}
              </select>
            )}
          </RuleField>

          {rule.type === 'compare' ? (
            <>
              {metricPicker('metric', t('rules.metric'))}
              {opSelect}
              <RuleField index={index} name="value" label={t('rules.value')} messages={messages}>
                {text('value', { suffix: unit })}
              </RuleField>
            </>
          ) : null}

          {rule.type === 'range' ? (
            <>
              {metricPicker('metric', t('rules.metric'))}
              <RuleField index={index} name="min" label={t('rules.min')} messages={messages}>
                {text('min', { suffix: unit })}
              </RuleField>
              <span className="pol-rule__tilde" aria-hidden="true">
                〜
              </span>
              <RuleField index={index} name="max" label={t('rules.max')} messages={messages}>
                {text('max', { suffix: unit })}
              </RuleField>
            </>
          ) : null}

          {rule.type === 'compare_metrics' ? (
            <>
              {metricPicker('metric', t('rules.metric'))}
              {opSelect}
              {metricPicker('other', t('rules.other'))}
            </>
          ) : null}

          {rule.type === 'cross' ? (
            <>
              {lineSelect('fast', t('rules.fast'))}
              <RuleField index={index} name="direction" label={t('rules.direction')} messages={messages}>
                {({ id }) => (
                  <select
                    id={id}
                    className="input select"
                    value={rule.direction}
                    onChange={(event) => onChange({ direction: event.target.value as 'above' | 'below' })}
                  >
                    <option value="above">{t('rules.above')}</option>
                    <option value="below">{t('rules.below')}</option>
                  </select>
                )}
              </RuleField>
              {lineSelect('slow', t('rules.slow'))}
              <RuleField index={index} name="within_days" label={t('rules.withinDays')} messages={messages}>
                {text('withinDays', { suffix: t('rules.daysSuffix') })}
              </RuleField>
            </>
          ) : null}
        </div>

        {messages.row.length ? (
          <p className="pol-rule__row-error" id={rowErrorId} role="alert">
            <span aria-hidden="true">!</span>
            <span className="pol-rule__row-text">
              {messages.fromServer ? <span className="pol-rule__server">{t('rules.fromServer')}</span> : null}
              {messages.row.join(' / ')}
            </span>
            {reversed ? (
              <button
                type="button"
                className="button button--small pol-rule__swap"
                onClick={() => onChange({ fast: rule.slow, slow: rule.fast })}
              >
                ⇄ {t('rules.swap')}
              </button>
            ) : null}
          </p>
        ) : null}

        <div className="pol-rule__extra">
          <RuleField index={index} name="weight" label={t('rules.weight')} messages={messages} className="pol-rule__field--weight pol-rule__field--inline">
            {text('weight')}
          </RuleField>
          <div className="pol-rule__field pol-rule__field--required pol-rule__field--inline">
            <label className="pol-switch">
              <input
                type="checkbox"
                role="switch"
                id={fieldId(`rules.${index}.required`)}
                checked={rule.required}
                aria-describedby={`${fieldId(`rules.${index}.required`)}-hint`}
                onChange={(event) => onChange({ required: event.target.checked })}
              />
              <span className="pol-switch__track" aria-hidden="true" />
              <span className="pol-switch__text">{t('rules.required')}</span>
            </label>
            <span className="pol-rule__hint pol-rule__hint--inline" id={`${fieldId(`rules.${index}.required`)}-hint`}>
              {t('rules.requiredHint')}
            </span>
          </div>
          <RuleField index={index} name="label" label={t('rules.label')} messages={messages} className="pol-rule__field--label pol-rule__field--inline">
            {text('label', { placeholder: t('rules.labelPlaceholder'), wide: true })}
          </RuleField>
          <button
            type="button"
            className="button button--small pol-rule__remove"
            onClick={onRemove}
            aria-label={t('rules.removeN', { n })}
            title={t('rules.removeN', { n })}
          >
            <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
              <path d="M4 6h12M8 6V4h4v2M6 6l1 10h6l1-10" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinejoin="round" />
            </svg>
            <span className="pol-rule__remove-text">{t('rules.remove')}</span>
          </button>
        </div>
      </fieldset>
    </li>
  )
}
