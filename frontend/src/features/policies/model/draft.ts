import type { Horizon, Op, PolicyCreate, Rule, RuleType, Style } from './types'

/**
 * The editor's state. Numbers are kept as the text the user typed, so that "", "-" and "1." can be
 * shown and judged (validate.ts) before they are numbers; toBody() turns a valid draft into the
 * API's PolicyCreate.
 */
export interface RuleDraft {
  /** React key: stable while rows are added and removed */
  key: string
  type: RuleType
  metric: string
  op: Op
  value: string
  min: string
  max: string
  other: string
  fast: string
  slow: string
  direction: 'above' | 'below'
  withinDays: string
  weight: string
  required: boolean
  label: string
}

export interface PolicyDraft {
  name: string
  description: string
  style: Style
  horizon: Horizon
  riskTolerance: number
  targetReturnPct: string
  stopLossPct: string
  trailingStopPct: string
  weights: Record<string, number>
  rules: RuleDraft[]
}

let nextKey = 0
export function newRuleKey(): string {
  nextKey += 1
  return `rule-${nextKey}`
}

/** 15 → "15", 0.05 → "0.05", null → "" */
export function numberText(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return ''
  return String(value)
}

/** "15" → 15, " 1.5 " → 1.5, "" / "abc" / "1e999" → null. Accepts a full-width "１５" and "，". */
export function parseNumber(text: string): number | null {
  const normalized = text
    .trim()
    .replace(/[０-９．－＋]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[，,]/g, '')
    .replace(/^−/, '-')
  if (normalized === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(normalized)) return null
  const value = Number(normalized)
  return Number.isFinite(value) ? value : null
}

export function emptyRule(metric = ''): RuleDraft {
  return {
    key: newRuleKey(),
    type: 'compare',
    metric,
    op: '>=',
    value: '',
    min: '',
    max: '',
    other: '',
    fast: '',
    slow: '',
    direction: 'above',
    withinDays: '5',
    weight: '1',
    required: false,
    label: '',
  }
}

export function ruleToDraft(rule: Rule): RuleDraft {
  const draft = emptyRule()
  draft.type = rule.type
  draft.weight = numberText(rule.weight ?? 1)
  draft.required = rule.required ?? false
  draft.label = rule.label ?? ''
  switch (rule.type) {
    case 'compare':
      draft.metric = rule.metric
      draft.op = rule.op
      draft.value = numberText(rule.value)
      break
    case 'range':
      draft.metric = rule.metric
      draft.min = numberText(rule.min)
      draft.max = numberText(rule.max)
      break
    case 'compare_metrics':
      draft.metric = rule.metric
      draft.op = rule.op
      draft.other = rule.other
      break
    case 'cross':
      draft.fast = rule.fast
      draft.slow = rule.slow
      draft.direction = rule.direction ?? 'above'
      draft.withinDays = numberText(rule.within_days ?? 5)
      break
  }
  return draft
}

type PolicyLike = Omit<PolicyCreate, 'rules'> & { rules?: readonly Rule[] }

export function policyToDraft(policy: PolicyLike, scoreParts: readonly string[]): PolicyDraft {
  const weights: Record<string, number> = {}
  for (const part of scoreParts) weights[part] = policy.weights?.[part] ?? 1
  return {
    name: policy.name,
    description: policy.description ?? '',
    style: policy.style,
    horizon: policy.horizon,
    riskTolerance: policy.risk_tolerance,
    targetReturnPct: numberText(policy.target_return_pct),
    stopLossPct: numberText(policy.stop_loss_pct),
    trailingStopPct: numberText(policy.trailing_stop_pct),
    weights,
    rules: (policy.rules ?? []).map(ruleToDraft),
  }
}

/** A rule as the API takes it. Call on a draft that validate() accepts. */
export function draftToRule(draft: RuleDraft): Rule {
  const base = {
    weight: parseNumber(draft.weight) ?? 1,
    required: draft.required,
    label: draft.label.trim() || null,
  }
  switch (draft.type) {
    case 'compare':
      return { ...base, type: 'compare', metric: draft.metric, op: draft.op, value: parseNumber(draft.value) ?? 0 }
    case 'range':
      return { ...base, type: 'range', metric: draft.metric, min: parseNumber(draft.min), max: parseNumber(draft.max) }
    case 'compare_metrics':
      return { ...base, type: 'compare_metrics', metric: draft.metric, op: draft.op, other: draft.other }
    case 'cross':
      return {
        ...base,
        type: 'cross',
        fast: draft.fast,
        slow: draft.slow,
        direction: draft.direction,
        within_days: parseNumber(draft.withinDays) ?? 5,
      }
  }
}

export function draftToBody(draft: PolicyDraft): PolicyCreate {
  return {
    name: draft.name.trim(),
    description: draft.description.trim() || null,
    style: draft.style,
    horizon: draft.horizon,
    risk_tolerance: draft.riskTolerance,
    target_return_pct: parseNumber(draft.targetReturnPct) ?? 0,
    stop_loss_pct: parseNumber(draft.stopLossPct) ?? 0,
    trailing_stop_pct: parseNumber(draft.trailingStopPct),
    weights: { ...draft.weights },
    rules: draft.rules.map(draftToRule),
  }
}

function comparable(draft: PolicyDraft): string {
  return JSON.stringify({ ...draft, rules: draft.rules.map((rule) => ({ ...rule, key: '' })) })
}

/** Whether two drafts say the same (for "unsaved changes"); row keys do not count. */
export function sameDraft(a: PolicyDraft, b: PolicyDraft): boolean {
  return comparable(a) === comparable(b)
}
