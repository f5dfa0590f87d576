import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import { useNavigate } from 'react-router'
import { Card } from '@/components/Card'
import { ErrorMessage } from '@/components/ErrorMessage'
import { isApiError, type ApiError } from '@/lib/api/errors'
import { useCreatePolicy, useUpdatePolicy } from '../hooks/queries'
import { usePoliciesT } from '../i18n'
import { draftToBody, sameDraft, type PolicyDraft, type RuleDraft } from '../model/draft'
import { HORIZONS, STYLES, type PolicyRead, type Vocabulary } from '../model/types'
import { LIMITS, rulePath, validatePolicy, type Problem } from '../model/validate'
import { fieldId } from './fieldIds'
import { FormField } from './FormField'
import { LeaveGuard } from './LeaveGuard'
import { useMetricLabels, useProblemText } from './labels'
import { RuleBuilder } from './RuleBuilder'
import type { RuleMessages } from './RuleRow'
import { WeightSliders } from './WeightSliders'

interface PolicyEditorProps {
  /** the saved policy (null: a new one, saved with POST) */
  policy: PolicyRead | null
  initial: PolicyDraft
  vocabulary: Vocabulary
  /** a 409: load the latest version (the parent remounts the editor) */
  onReload: () => void
}

interface ServerMessage {
  path: string
  message: string
}

/** The fields each rule type shows; a server error about another field is shown for the whole rule. */
const RULE_FIELDS: Record<RuleDraft['type'], string[]> = {
  compare: ['type', 'metric', 'op', 'value', 'weight', 'label'],
  range: ['type', 'metric', 'min', 'max', 'weight', 'label'],
  compare_metrics: ['type', 'metric', 'op', 'other', 'weight', 'label'],
  cross: ['type', 'fast', 'direction', 'slow', 'within_days', 'weight', 'label'],
}

/** The fields to outline when the server faults a rule as a whole. */
const WHOLE_RULE_FIELDS: Record<RuleDraft['type'], string[]> = {
  compare: ['metric', 'value'],
  range: ['min', 'max'],
  compare_metrics: ['metric', 'other'],
  cross: ['fast', 'slow'],
}

function serverMessages(error: ApiError): ServerMessage[] {
  if (error.errors.length) return error.errors.map((e) => ({ path: e.field ?? '', message: e.message }))
  return error.field ? [{ path: error.field, message: error.detail }] : []
}

/** Where to put the focus for a problem: the field, or the first field of a whole-rule problem. */
function focusPath(path: string, fields: string[] | undefined, rules: RuleDraft[]): string {
  const where = rulePath(path)
  if (!where) return path
  const rule = rules[where.index]
  if (!rule) return 'rules'
  const shown = RULE_FIELDS[rule.type]
  if (where.field && shown.includes(where.field)) return path
  const first = fields?.[0] ?? WHOLE_RULE_FIELDS[rule.type][0]!
  return `rules.${where.index}.${first}`
}

function focusField(path: string) {
  window.setTimeout(() => {
    const element = document.getElementById(fieldId(path))
    element?.focus()
    element?.scrollIntoView?.({ block: 'center' })
  }, 0)
}

/**
 * The policy form: basics, target and stop-loss, the rule builder and the score weights. Problems
 * show while typing; the server's 422 errors are shown at the field or rule they name; saving sends
 * `expected_version`, and a 409 offers to load the latest version.
 */
export function PolicyEditor({ policy, initial, vocabulary, onReload }: PolicyEditorProps) {
  const { t } = usePoliciesT()
  const navigate = useNavigate()
  const [draft, setDraft] = useState(initial)
  const [baseline, setBaseline] = useState(initial)
  const [server, setServer] = useState<ServerMessage[]>([])
  const [failure, setFailure] = useState<unknown>(null)
  const [attempted, setAttempted] = useState(false)
  const [status, setStatus] = useState('')
  const create = useCreatePolicy()
  const update = useUpdatePolicy(policy?.id ?? 0)
  const saving = create.isPending || update.isPending
  const labels = useMetricLabels(vocabulary)
  const problemText = useProblemText(labels, vocabulary)
  const summaryRef = useRef<HTMLDivElement>(null)

  const problems = useMemo(() => validatePolicy(draft, vocabulary), [draft, vocabulary])
  const dirty = !sameDraft(draft, baseline)
  // Set just before navigating to the policy just created: the draft is saved, nothing to ask.
  const leaving = useRef(false)
  const conflict = isApiError(failure) && failure.status === 409

  useEffect(() => {
    if (!dirty) return
    const warn = (event: BeforeUnloadEvent) => event.preventDefault()
    window.addEventListener('beforeunload', warn)
    return () => window.removeEventListener('beforeunload', warn)
  }, [dirty])

  const messagesAt = (path: string): string[] => [
    ...problems.filter((p) => p.path === path).map(problemText),
    ...server.filter((s) => s.path === path).map((s) => s.message),
  ]

  const messagesFor = (index: number): RuleMessages => {
    const rule = draft.rules[index]!
    const prefix = `rules.${index}`
    const shown = RULE_FIELDS[rule.type]
    const own = (p: { path: string }) => p.path === prefix || p.path.startsWith(`${prefix}.`)
    const clientProblems = problems.filter(own)
    const serverHere = server.filter(own)
    const fieldOf = (path: string) => rulePath(path)?.field ?? null
    const invalid = new Set<string>()
    const row: string[] = []
    for (const problem of clientProblems) {
      const field = fieldOf(problem.path)
      if (field === null) {
        row.push(problemText(problem))
        for (const f of problem.fields ?? []) invalid.add(f)
      }
    }
    for (const message of serverHere) {
      const field = fieldOf(message.path)
      if (field === null || !shown.includes(field)) row.push(message.message)
      if (field === null) for (const f of WHOLE_RULE_FIELDS[rule.type]) invalid.add(f)
    }
    return {
      field: (name) => [
        ...clientProblems.filter((p) => fieldOf(p.path) === name).map(problemText),
        ...serverHere.filter((s) => fieldOf(s.path) === name).map((s) => s.message),
      ],
      row,
      invalid,
      fromServer: serverHere.length > 0,
    }
  }

  function change(patch: Partial<PolicyDraft>, clear: string[]) {
    setDraft((d) => ({ ...d, ...patch }))
    if (clear.length) setServer((messages) => messages.filter((m) => !clear.some((c) => m.path === c || m.path.startsWith(`${c}.`))))
    setStatus('')
  }

  function changeRules(rules: RuleDraft[], touched?: number) {
    change({ rules }, touched === undefined ? ['rules'] : [`rules.${touched}`, 'rules'])
  }

  function removeRule(index: number) {
    // Indices after the removed rule shift: the server's rule messages no longer point right.
    setDraft((d) => ({ ...d, rules: d.rules.filter((_, i) => i !== index) }))
    setServer((messages) => messages.filter((m) => !m.path.startsWith('rules')))
    setStatus('')
  }

  async function save(event: FormEvent) {
    event.preventDefault()
    setAttempted(true)
    setFailure(null)
    setStatus('')
    if (problems.length) {
      const first = problems[0] as Problem
      focusField(focusPath(first.path, first.fields, draft.rules))
      return
    }
    const body = draftToBody(draft)
    try {
      if (policy) {
        const saved = await update.mutateAsync({ ...body, expected_version: policy.version })
        setBaseline(draft)
        setServer([])
        setAttempted(false)
        setStatus(saved.version === policy.version ? t('editor.savedNoChange') : t('editor.saved', { version: saved.version }))
      } else {
        const saved = await create.mutateAsync(body)
        setBaseline(draft)
        leaving.current = true
        navigate(`/policies/${saved.id}`, { replace: true, state: { created: true } })
      }
    } catch (error) {
      setFailure(error)
      if (isApiError(error) && error.status === 422) {
        const messages = serverMessages(error)
        setServer(messages)
        const first = messages[0]
        if (first) focusField(focusPath(first.path, undefined, draft.rules))
      } else {
        window.setTimeout(() => summaryRef.current?.focus(), 0)
      }
    }
  }

  const showSummary = attempted && problems.length > 0

  return (
    <form className="pol-editor" onSubmit={save} noValidate aria-label={policy ? t('editor.editTitle') : t('editor.newTitle')}>
      <div ref={summaryRef} tabIndex={-1} className="pol-editor__alerts">
        {showSummary ? (
          <div className="error-message" role="alert">
            <span className="error-message__icon" aria-hidden="true">
              !
            </span>
            <p className="error-message__text">{t('editor.problems', { n: problems.length })}</p>
          </div>
        ) : null}
        {conflict ? (
          <div className="error-message pol-conflict" role="alert">
            <span className="error-message__icon" aria-hidden="true">
              !
            </span>
            <div className="error-message__body">
              <p className="error-message__title">{t('editor.conflictTitle')}</p>
              <p className="error-message__text">{t('editor.conflictBody')}</p>
              <p className="muted pol-conflict__detail">{(failure as ApiError).detail}</p>
            </div>
            <button type="button" className="button button--small" onClick={onReload}>
              {t('editor.reload')}
            </button>
          </div>
        ) : isApiError(failure) && failure.status === 422 ? (
          <div className="error-message" role="alert">
            <span className="error-message__icon" aria-hidden="true">
              !
            </span>
            <p className="error-message__text">{t('editor.serverProblems', { detail: failure.detail })}</p>
          </div>
        ) : failure ? (
          <ErrorMessage error={failure} />
        ) : null}
      </div>

      <div className="pol-editor__grid">
        <Card title={t('editor.basics')} id="pol-basics" className="pol-editor__card">
          <div className="pol-form-grid">
            <FormField path="name" label={t('editor.name')} errors={messagesAt('name')} className="pol-span-2">
              {({ id, invalid, describedBy }) => (
                <input
                  id={id}
                  className="input"
                  value={draft.name}
                  maxLength={LIMITS.name + 20}
                  aria-invalid={invalid || undefined}
                  aria-describedby={describedBy}
                  aria-required="true"
                  onChange={(event) => change({ name: event.target.value }, ['name'])}
                />
              )}
            </FormField>
            <FormField
              path="description"
              label={t('editor.description')}
              hint={t('editor.descriptionHint')}
              errors={messagesAt('description')}
              className="pol-span-2"
            >
              {({ id, invalid, describedBy }) => (
                <textarea
                  id={id}
                  className="input pol-textarea"
                  rows={2}
                  value={draft.description}
                  aria-invalid={invalid || undefined}
                  aria-describedby={describedBy}
                  onChange={(event) => change({ description: event.target.value }, ['description'])}
                />
              )}
            </FormField>
            <FormField path="style" label={t('editor.style')} errors={messagesAt('style')}>
              {({ id, describedBy }) => (
                <select
                  id={id}
                  className="input select"
                  value={draft.style}
                  aria-describedby={describedBy}
                  onChange={(event) => change({ style: event.target.value as PolicyDraft['style'] }, ['style'])}
                >
                  {STYLES.map((style) => (
                    <option key={style} value={style}>
                      {t(`style.${style}`)}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            <FormField path="horizon" label={t('editor.horizon')} errors={messagesAt('horizon')}>
              {({ id, describedBy }) => (
                <select
                  id={id}
                  className="input select"
                  value={draft.horizon}
                  aria-describedby={describedBy}
                  onChange={(event) => change({ horizon: event.target.value as PolicyDraft['horizon'] }, ['horizon'])}
                >
                  {HORIZONS.map((horizon) => (
                    <option key={horizon} value={horizon}>
                      {t(`horizon.${horizon}`)}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            <fieldset className="field pol-risk pol-span-2" aria-describedby="pol-risk-hint">
              <legend className="field__label">{t('editor.risk')}</legend>
              <div className="pol-risk__options">
                {[1, 2, 3, 4, 5].map((n) => (
                  <label key={n} className="pol-risk__option">
                    <input
                      type="radio"
                      name="risk_tolerance"
                      value={n}
                      id={n === draft.riskTolerance ? fieldId('risk_tolerance') : undefined}
                      checked={draft.riskTolerance === n}
                      onChange={() => change({ riskTolerance: n }, ['risk_tolerance'])}
                    />
                    <span>{n}</span>
                  </label>
                ))}
              </div>
              <p className="field__hint" id="pol-risk-hint">
                {t('editor.riskHint')}
              </p>
            </fieldset>
          </div>
        </Card>

        <Card title={t('editor.exits')} id="pol-exits" className="pol-editor__card">
          <div className="pol-form-grid pol-form-grid--3">
            {(
              [
                ['target_return_pct', 'targetReturnPct', t('editor.target'), t('editor.targetHint'), '+'],
                ['stop_loss_pct', 'stopLossPct', t('editor.stop'), t('editor.stopHint'), '−'],
                ['trailing_stop_pct', 'trailingStopPct', t('editor.trailing'), t('editor.trailingHint'), '−'],
              ] as const
            ).map(([path, key, label, hint, sign]) => (
              <FormField key={path} path={path} label={label} hint={hint} errors={messagesAt(path)}>
                {({ id, invalid, describedBy }) => (
                  <span className="pol-input-unit">
                    <span className="pol-input-unit__prefix" aria-hidden="true">
                      {sign}
                    </span>
                    <input
                      id={id}
                      className="input pol-input--num"
                      type="text"
                      inputMode="decimal"
                      autoComplete="off"
                      value={draft[key]}
                      aria-invalid={invalid || undefined}
                      aria-describedby={describedBy}
                      aria-required={path === 'trailing_stop_pct' ? undefined : 'true'}
                      onChange={(event) => change({ [key]: event.target.value }, [path])}
                    />
                    <span className="pol-input-unit__suffix" aria-hidden="true">
                      %
                    </span>
                  </span>
                )}
              </FormField>
            ))}
          </div>
        </Card>

        <Card
          title={t('rules.title')}
          id="pol-rules"
          className="pol-editor__card pol-editor__card--wide"
        >
          <p className="muted pol-rules__lead">{t('rules.lead')}</p>
          <RuleBuilder
            rules={draft.rules}
            onChange={changeRules}
            onRemove={removeRule}
            vocabulary={vocabulary}
            labels={labels}
            messagesFor={messagesFor}
            listErrors={messagesAt('rules')}
          />
        </Card>

        <Card title={t('weights.title')} id="pol-weights" className="pol-editor__card pol-editor__card--wide">
          <p className="muted pol-weights__lead">{t('weights.lead')}</p>
          <WeightSliders
            parts={vocabulary.score_parts}
            weights={draft.weights}
            onChange={(weights) => change({ weights }, ['weights'])}
          />
          {server.filter((m) => m.path.startsWith('weights')).map((m) => (
            <p key={m.path} className="field__error">
              {m.path.replace('weights.', '')}: {m.message}
            </p>
          ))}
        </Card>
      </div>

      <div className="pol-savebar">
        <span className="pol-savebar__state" role="status">
          {status ? (
            <span className="pol-savebar__saved">
              <span aria-hidden="true">✓ </span>
              {status}
            </span>
          ) : dirty ? (
            <span className="pol-savebar__dirty">{t('editor.unsaved')}</span>
          ) : null}
        </span>
        {dirty && policy ? (
          <button
            type="button"
            className="button"
            onClick={() => {
              setDraft(baseline)
              setServer([])
              setFailure(null)
              setAttempted(false)
            }}
          >
            {t('editor.discard')}
          </button>
        ) : null}
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? t('editor.saving') : policy ? t('editor.save') : t('editor.create')}
        </button>
      </div>
      <LeaveGuard dirty={dirty} leaving={leaving} />
    </form>
  )
}
