import { parseNumber, type PolicyDraft, type RuleDraft } from './draft'
import type { MetricInfo, Vocabulary } from './types'

/**
 * Client-side checks of a policy draft: the same limits as the API (policies/schemas.py and
 * rule_language.py), so that mistakes show while typing rather than after saving.
 *
 * A problem's `path` is named as the API names its fields — `name`, `target_return_pct`,
 * `rules.2.metric`, or `rules.2` for a problem of the whole rule (min > max, an unsupported cross
 * pair) — so that client problems and the server's 422 errors are shown in the same places.
 */
export type ProblemCode =
  | 'required'
  | 'tooLong'
  | 'notNumber'
  | 'greaterThan'
  | 'atMost'
  | 'lessThan'
  | 'weightRange'
  | 'integerRange'
  | 'metricRequired'
  | 'unknownMetric'
  | 'rangeNeedsBound'
  | 'minGreaterThanMax'
  | 'sameMetric'
  | 'unitMismatch'
  | 'crossPairReversed'
  | 'crossPairUnsupported'
  | 'tooManyRules'

export interface Problem {
  path: string
  code: ProblemCode
  params?: Record<string, string | number>
  /** fields of a rule to mark invalid for a problem of the whole rule */
  fields?: string[]
}

export const LIMITS = {
  name: 100,
  description: 2000,
  label: 200,
  targetMax: 500,
  stopMax: 100,
  weightMax: 10,
  partMax: 5,
} as const

function checkNumber(
  problems: Problem[],
  path: string,
  text: string,
  { optional = false, gt, max, lt }: { optional?: boolean; gt?: number; max?: number; lt?: number },
): void {
  if (text.trim() === '') {
    if (!optional) problems.push({ path, code: 'required' })
    return
  }
  const value = parseNumber(text)
  if (value === null) {
    problems.push({ path, code: 'notNumber' })
    return
  }
  if (gt !== undefined && value <= gt) problems.push({ path, code: 'greaterThan', params: { min: gt } })
  else if (max !== undefined && value > max) problems.push({ path, code: 'atMost', params: { max } })
  else if (lt !== undefined && value >= lt) problems.push({ path, code: 'lessThan', params: { max: lt } })
}

function checkMetric(
  problems: Problem[],
  path: string,
  name: string,
  metrics: ReadonlyMap<string, MetricInfo>,
): MetricInfo | null {
  if (!name) {
    problems.push({ path, code: 'metricRequired' })
    return null
  }
  const metric = metrics.get(name)
  if (!metric) problems.push({ path, code: 'unknownMetric', params: { metric: name } })
  return metric ?? null
}

function checkRule(problems: Problem[], rule: RuleDraft, index: number, vocabulary: Vocabulary, metrics: ReadonlyMap<string, MetricInfo>) {
  const at = (field: string) => `rules.${index}.${field}`
  const whole = `rules.${index}`
  switch (rule.type) {
    case 'compare':
      checkMetric(problems, at('metric'), rule.metric, metrics)
      checkNumber(problems, at('value'), rule.value, {})
      break
    case 'range': {
      checkMetric(problems, at('metric'), rule.metric, metrics)
      const before = problems.length
      checkNumber(problems, at('min'), rule.min, { optional: true })
      checkNumber(problems, at('max'), rule.max, { optional: true })
      if (problems.length > before) break
      const min = parseNumber(rule.min)
      const max = parseNumber(rule.max)
      if (min === null && max === null) {
        problems.push({ path: whole, code: 'rangeNeedsBound', fields: ['min', 'max'] })
      } else if (min !== null && max !== null && min > max) {
        problems.push({ path: whole, code: 'minGreaterThanMax', params: { min: rule.min.trim(), max: rule.max.trim() }, fields: ['min', 'max'] })
      }
      break
    }
    case 'compare_metrics': {
      const left = checkMetric(problems, at('metric'), rule.metric, metrics)
      const right = checkMetric(problems, at('other'), rule.other, metrics)
      if (left && right) {
        if (left.name === right.name) {
          problems.push({ path: whole, code: 'sameMetric', fields: ['metric', 'other'] })
        } else if (left.unit !== right.unit) {
          problems.push({
            path: whole,
            code: 'unitMismatch',
            params: { metric: left.name, unit: left.unit, other: right.name, otherUnit: right.unit },
            fields: ['metric', 'other'],
          })
        }
      }
      break
    }
    case 'cross': {
      if (!rule.fast) problems.push({ path: at('fast'), code: 'metricRequired' })
      if (!rule.slow) problems.push({ path: at('slow'), code: 'metricRequired' })
      if (rule.fast && rule.slow) {
        const pairs = vocabulary.cross_pairs
        const supported = pairs.some((p) => p.fast === rule.fast && p.slow === rule.slow)
        if (!supported) {
          const reversed = pairs.some((p) => p.fast === rule.slow && p.slow === rule.fast)
          problems.push({
            path: whole,
            code: reversed ? 'crossPairReversed' : 'crossPairUnsupported',
            params: { fast: rule.fast, slow: rule.slow },
            fields: ['fast', 'slow'],
          })
        }
      }
      const days = rule.withinDays.trim() === '' ? null : parseNumber(rule.withinDays)
      const lookback = vocabulary.cross_lookback_days
      if (days === null || !Number.isInteger(days) || days < 0 || days > lookback) {
        problems.push({ path: at('within_days'), code: 'integerRange', params: { min: 0, max: lookback } })
      }
      break
    }
  }
  const weight = parseNumber(rule.weight)
  if (rule.weight.trim() === '') problems.push({ path: at('weight'), code: 'required' })
  else if (weight === null) problems.push({ path: at('weight'), code: 'notNumber' })
  else if (weight <= 0 || weight > LIMITS.weightMax) {
    problems.push({ path: at('weight'), code: 'weightRange', params: { max: LIMITS.weightMax } })
  }
  if (rule.label.length > LIMITS.label) problems.push({ path: at('label'), code: 'tooLong', params: { max: LIMITS.label } })
}

/** Every problem of the draft, in the order of the form (the first is where to put the focus). */
export function validatePolicy(draft: PolicyDraft, vocabulary: Vocabulary): Problem[] {
  const problems: Problem[] = []
  const name = draft.name.trim()
  if (!name) problems.push({ path: 'name', code: 'required' })
  else if (name.length > LIMITS.name) problems.push({ path: 'name', code: 'tooLong', params: { max: LIMITS.name } })
  if (draft.description.trim().length > LIMITS.description) {
    problems.push({ path: 'description', code: 'tooLong', params: { max: LIMITS.description } })
  }
  checkNumber(problems, 'target_return_pct', draft.targetReturnPct, { gt: 0, max: LIMITS.targetMax })
  checkNumber(problems, 'stop_loss_pct', draft.stopLossPct, { gt: 0, lt: LIMITS.stopMax })
  checkNumber(problems, 'trailing_stop_pct', draft.trailingStopPct, { optional: true, gt: 0, lt: LIMITS.stopMax })
  if (draft.rules.length > vocabulary.max_rules) {
    problems.push({ path: 'rules', code: 'tooManyRules', params: { max: vocabulary.max_rules } })
  }
  const metrics = new Map(vocabulary.metrics.map((m) => [m.name, m]))
  draft.rules.forEach((rule, index) => checkRule(problems, rule, index, vocabulary, metrics))
  return problems
}

/** `rules.3.metric` → { index: 3, field: 'metric' }; `rules.3` → { index: 3, field: null }. */
export function rulePath(path: string): { index: number; field: string | null } | null {
  const match = /^rules\.(\d+)(?:\.([a-z_]+))?/.exec(path)
  if (!match) return null
  return { index: Number(match[1]), field: match[2] ?? null }
}
