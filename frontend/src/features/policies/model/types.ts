import type { components } from '@/lib/api/schema'
import type { PolicyRead, Vocabulary } from '@/lib/api/types'

type Schemas = components['schemas']

export type { PolicyList, PolicyRead, Vocabulary } from '@/lib/api/types'
export type PolicyCreate = Schemas['PolicyCreate']
export type PolicyUpdate = Schemas['PolicyUpdate']
export type PolicyVersion = Schemas['PolicyVersionRead']
export type PolicySnapshot = Schemas['PolicySnapshot']
export type Preset = Schemas['PresetRead']
export type MetricInfo = Schemas['MetricInfo']
export type Rule = PolicyRead['rules'][number]
export type RuleType = Vocabulary['rule_types'][number]
export type Op = Vocabulary['ops'][number]
export type Style = PolicyRead['style']
export type Horizon = PolicyRead['horizon']

export const STYLES: Style[] = ['value', 'growth', 'dividend', 'momentum', 'contrarian', 'swing']
export const HORIZONS: Horizon[] = ['short', 'medium', 'long']
export const RULE_TYPES: RuleType[] = ['compare', 'range', 'compare_metrics', 'cross']
export const OPS: Op[] = ['<', '<=', '>', '>=', '==', '!=']
