import { useEffect, useRef, useState } from 'react'
import { usePoliciesT } from '../i18n'
import { emptyRule, type RuleDraft } from '../model/draft'
import type { Vocabulary } from '../model/types'
import { fieldId } from './fieldIds'
import type { MetricLabels } from './labels'
import { RuleRow, type RuleMessages } from './RuleRow'

interface RuleBuilderProps {
  rules: RuleDraft[]
  onChange: (rules: RuleDraft[], touched?: number) => void
  onRemove: (index: number) => void
  vocabulary: Vocabulary
  labels: MetricLabels
  messagesFor: (index: number) => RuleMessages
  /** problems of the list as a whole (too many rules) */
  listErrors: string[]
}

/**
 * The rule builder: one row per rule, "Add rule" below. Adding focuses the new rule's first field,
 * removing focuses the next rule (or "Add rule"); both are announced.
 */
export function RuleBuilder({ rules, onChange, onRemove, vocabulary, labels, messagesFor, listErrors }: RuleBuilderProps) {
  const { t } = usePoliciesT()
  const addRef = useRef<HTMLButtonElement>(null)
  const [announcement, setAnnouncement] = useState('')
  const [focusTarget, setFocusTarget] = useState<string | null>(null)

  useEffect(() => {
    if (!focusTarget) return
    const element = focusTarget === 'add' ? addRef.current : document.getElementById(focusTarget)
    element?.focus()
    setFocusTarget(null)
  }, [focusTarget])

  function add() {
    const index = rules.length
    onChange([...rules, emptyRule()], index)
    setAnnouncement(t('rules.added', { n: index + 1 }))
    setFocusTarget(fieldId(`rules.${index}.metric`))
  }

  function remove(index: number) {
    onRemove(index)
    setAnnouncement(t('rules.removed', { n: index + 1 }))
    const next = index < rules.length - 1 ? index : index - 1
    setFocusTarget(next >= 0 ? fieldId(`rules.${next}.type`) : 'add')
  }

  const full = rules.length >= vocabulary.max_rules

  return (
    <div className="pol-rules">
      {listErrors.length ? (
        <p className="field__error" id={fieldId('rules')} tabIndex={-1}>
          {listErrors.join(' / ')}
        </p>
      ) : null}
      {rules.length === 0 ? <p className="pol-rules__none muted">{t('rules.none')}</p> : null}
      <ol className="pol-rules__list">
        {rules.map((rule, index) => (
          <RuleRow
            key={rule.key}
            index={index}
            rule={rule}
            vocabulary={vocabulary}
            labels={labels}
            messages={messagesFor(index)}
            onChange={(patch) => onChange(rules.map((r, i) => (i === index ? { ...r, ...patch } : r)), index)}
            onRemove={() => remove(index)}
          />
        ))}
      </ol>
      <div className="pol-rules__footer">
        <button ref={addRef} type="button" className="button" onClick={add} disabled={full}>
          <span aria-hidden="true">+</span> {t('rules.add')}
        </button>
        <span className="muted pol-rules__count">{t('rules.count', { n: rules.length, max: vocabulary.max_rules })}</span>
      </div>
      <span className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </span>
    </div>
  )
}
