import vocabularyJson from '../fixtures/vocabulary.json'
import versionsJson from '../fixtures/versions-momentum.json'
import { diffSnapshots } from './diff'
import { draftToBody, emptyRule, parseNumber, policyToDraft, type PolicyDraft, type RuleDraft } from './draft'
import type { PolicyVersion, Vocabulary } from './types'
import { validatePolicy } from './validate'

const vocabulary = vocabularyJson as Vocabulary
const versions = versionsJson.items as PolicyVersion[]

function draftWith(...rules: Partial<RuleDraft>[]): PolicyDraft {
  return {
    name: 'テスト',
    description: '',
    style: 'value',
    horizon: 'long',
    riskTolerance: 2,
    targetReturnPct: '30',
    stopLossPct: '15',
    trailingStopPct: '',
    weights: {},
    rules: rules.map((r) => ({ ...emptyRule(), ...r })),
  }
}

const paths = (draft: PolicyDraft) => validatePolicy(draft, vocabulary).map((p) => `${p.path}:${p.code}`)

describe('parseNumber', () => {
  it('reads what people type, and refuses what is not a number', () => {
    expect(parseNumber('15')).toBe(15)
    expect(parseNumber(' 1.5 ')).toBe(1.5)
    expect(parseNumber('１５')).toBe(15)
    expect(parseNumber('50,000,000')).toBe(50_000_000)
    expect(parseNumber('−25')).toBe(-25)
    expect(parseNumber('')).toBeNull()
    expect(parseNumber('-')).toBeNull()
    expect(parseNumber('1.2.3')).toBeNull()
    expect(parseNumber('abc')).toBeNull()
  })
})

describe('validatePolicy', () => {
  it('accepts every preset as it comes', () => {
    const preset = versions[0]!.snapshot
    const draft = policyToDraft(preset as never, vocabulary.score_parts)
    expect(validatePolicy(draft, vocabulary)).toEqual([])
  })

  it('names the field of each problem as the API does', () => {
    const draft = draftWith(
      { type: 'compare', metric: 'per', value: '' },
      { type: 'range', metric: 'rsi_14', min: '70', max: '30' },
      { type: 'range', metric: 'rsi_14' },
      { type: 'compare_metrics', metric: 'close', other: 'rsi_14' },
      { type: 'cross', fast: 'sma_25', slow: 'sma_5' },
      { type: 'cross', fast: 'close', slow: 'sma_200', withinDays: '61' },
      { type: 'compare', metric: 'pe', value: '1', weight: '0' },
    )
    expect(paths(draft)).toEqual([
      'rules.0.value:required',
      'rules.1:minGreaterThanMax',
      'rules.2:rangeNeedsBound',
      'rules.3:unitMismatch',
      'rules.4:crossPairReversed',
      'rules.5:crossPairUnsupported',
      'rules.5.within_days:integerRange',
      'rules.6.metric:unknownMetric',
      'rules.6.weight:weightRange',
    ])
  })

  it('checks the policy bounds: target, stop-loss, trailing stop and the name', () => {
    const draft = { ...draftWith(), name: ' ', targetReturnPct: '0', stopLossPct: '100', trailingStopPct: 'x' }
    expect(paths(draft)).toEqual([
      'name:required',
      'target_return_pct:greaterThan',
      'stop_loss_pct:lessThan',
      'trailing_stop_pct:notNumber',
    ])
    expect(paths({ ...draftWith(), targetReturnPct: '501' })).toEqual(['target_return_pct:atMost'])
  })
})

describe('draftToBody', () => {
  it('sends each rule type with its own fields', () => {
    const body = draftToBody(
      draftWith(
        { type: 'range', metric: 'rsi_14', min: '', max: '50', required: true },
        { type: 'cross', fast: 'sma_5', slow: 'sma_25', direction: 'below', withinDays: '3', weight: '2', label: ' デッドクロス ' },
      ),
    )
    expect(body.rules).toEqual([
      { type: 'range', metric: 'rsi_14', min: null, max: 50, weight: 1, required: true, label: null },
      { type: 'cross', fast: 'sma_5', slow: 'sma_25', direction: 'below', within_days: 3, weight: 2, required: false, label: 'デッドクロス' },
    ])
    expect(body.trailing_stop_pct).toBeNull()
  })
})

describe('diffSnapshots', () => {
  it('lists field, weight and rule changes between two versions', () => {
    const [v2, v1] = versions
    const changes = diffSnapshots(v1!.snapshot, v2!.snapshot)
    expect(changes).toContainEqual({ kind: 'field', field: 'target_return_pct', before: 20, after: 25 })
    expect(changes).toContainEqual({ kind: 'weight', part: 'trend', before: 2, after: 2.5 })
    expect(changes.filter((c) => c.kind === 'ruleChanged')).toHaveLength(1)
    expect(changes.find((c) => c.kind === 'ruleAdded')).toMatchObject({ rule: { metric: 'per', op: '<=', value: 30 } })
    expect(changes.find((c) => c.kind === 'ruleRemoved')).toMatchObject({ rule: { metric: 'adx_14' } })
    expect(changes).toHaveLength(5)
  })
})
