import type { PolicySnapshot, Rule } from './types'

/** What changed between two versions of a policy, field by field and rule by rule. */
export const DIFF_FIELDS = [
  'name',
  'description',
  'style',
  'horizon',
  'risk_tolerance',
  'target_return_pct',
  'stop_loss_pct',
  'trailing_stop_pct',
] as const
export type DiffField = (typeof DIFF_FIELDS)[number]

export type Change =
  | { kind: 'field'; field: DiffField; before: string | number | null; after: string | number | null }
  | { kind: 'weight'; part: string; before: number; after: number }
  | { kind: 'ruleAdded'; rule: Rule }
  | { kind: 'ruleRemoved'; rule: Rule }
  | { kind: 'ruleChanged'; before: Rule; after: Rule }

function canonical(rule: Rule): string {
  const entries = Object.entries(rule)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
  return JSON.stringify(entries)
}

/** What a rule is about, so that "per <= 15" → "per <= 12" reads as one change. */
function subject(rule: Rule): string {
  return rule.type === 'cross' ? `cross:${rule.fast}:${rule.slow}` : `${rule.type}:${rule.metric}`
}

function diffRules(before: Rule[], after: Rule[]): Change[] {
  const removed = [...before]
  const added: Rule[] = []
  for (const rule of after) {
    const key = canonical(rule)
    const same = removed.findIndex((r) => canonical(r) === key)
    if (same >= 0) removed.splice(same, 1)
    else added.push(rule)
  }
  const changes: Change[] = []
  for (const rule of added) {
    const match = removed.findIndex((r) => subject(r) === subject(rule))
    if (match >= 0) {
      changes.push({ kind: 'ruleChanged', before: removed[match]!, after: rule })
      removed.splice(match, 1)
    } else {
      changes.push({ kind: 'ruleAdded', rule })
    }
  }
  for (const rule of removed) changes.push({ kind: 'ruleRemoved', rule })
  return changes
}

export function diffSnapshots(before: PolicySnapshot, after: PolicySnapshot): Change[] {
  const changes: Change[] = []
  for (const field of DIFF_FIELDS) {
    const a = (before[field] ?? null) as string | number | null
    const b = (after[field] ?? null) as string | number | null
    if (a !== b) changes.push({ kind: 'field', field, before: a, after: b })
  }
  const parts = [...new Set([...Object.keys(before.weights ?? {}), ...Object.keys(after.weights ?? {})])]
  for (const part of parts) {
    const a = before.weights?.[part] ?? 1
    const b = after.weights?.[part] ?? 1
    if (a !== b) changes.push({ kind: 'weight', part, before: a, after: b })
  }
  changes.push(...diffRules((before.rules ?? []) as unknown as Rule[], (after.rules ?? []) as unknown as Rule[]))
  return changes
}
