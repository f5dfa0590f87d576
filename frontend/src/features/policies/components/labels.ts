import { useMemo } from 'react'
import { formatYen, localeOf } from '@/lib/format'
import { usePoliciesT } from '../i18n'
import type { Problem } from '../model/validate'
import type { MetricInfo, Op, Rule, Vocabulary } from '../model/types'

export function uiLanguage(lang: string): 'ja' | 'en' {
  return lang.startsWith('en') ? 'en' : 'ja'
}

export const OP_SYMBOL: Record<Op, string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '==': '=', '!=': '≠' }

/** A number as typed: 15 → "15", 0.05 → "0.05", 50000000 → "50,000,000". */
export function plainNumber(value: number | null | undefined, lang: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—'
  return new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits: 4 }).format(value)
}

export interface MetricLabels {
  info: (name: string) => MetricInfo | undefined
  /** "PER（実績）" / "PER (trailing)"; the name itself if the vocabulary does not know it */
  label: (name: string) => string
  /** the unit after a value: "倍", "%", "円" ("" for an index) */
  unit: (name: string) => string
  /** the unit spelled out for screen readers and lists */
  unitName: (name: string) => string
}

/** Metric names → labels and units in the UI language. */
export function useMetricLabels(vocabulary: Vocabulary | undefined): MetricLabels {
  const { t, i18n } = usePoliciesT()
  const lang = uiLanguage(i18n.language)
  return useMemo(() => {
    const byName = new Map((vocabulary?.metrics ?? []).map((m) => [m.name, m]))
    const info = (name: string) => byName.get(name)
    return {
      info,
      label: (name) => {
        const metric = info(name)
        if (!metric) return name
        return lang === 'en' ? metric.label_en : metric.label_ja
      },
      unit: (name) => {
        const unit = info(name)?.unit
        return unit ? t(`unit.${unit as 'yen'}`, { defaultValue: unit }) : ''
      },
      unitName: (name) => {
        const unit = info(name)?.unit
        return unit ? t(`unitName.${unit as 'yen'}`, { defaultValue: unit }) : ''
      },
    }
  }, [vocabulary, lang, t])
}

/** A rule in words: "PER（実績） ≤ 15", "30 ≤ RSI(14) ≤ 70", "25日移動平均が75日移動平均を上抜け（10日以内）". */
export function useRuleText(labels: MetricLabels): (rule: Rule, withFlags?: boolean) => string {
  const { t, i18n } = usePoliciesT()
  const lang = i18n.language
  return useMemo(() => {
    const value = (metric: string, n: number | null | undefined) => {
      if (labels.info(metric)?.unit === 'yen') return formatYen(n, lang, { maxFractionDigits: 4 })
      const unit = labels.unit(metric)
      const text = plainNumber(n, lang)
      const tight = unit === '%' || unit === 'x' || !lang.startsWith('en')
      return unit ? `${text}${tight ? '' : ' '}${unit}` : text
    }
    return (rule: Rule, withFlags = false) => {
      let text: string
      switch (rule.type) {
        case 'compare':
          text = t('ruleText.compare', { metric: labels.label(rule.metric), op: OP_SYMBOL[rule.op], value: value(rule.metric, rule.value) })
          break
        case 'range': {
          const metric = labels.label(rule.metric)
          const min = rule.min ?? null
          const max = rule.max ?? null
          if (min !== null && max !== null) text = t('ruleText.rangeBoth', { metric, min: value(rule.metric, min), max: value(rule.metric, max) })
          else if (min !== null) text = t('ruleText.rangeMin', { metric, min: value(rule.metric, min) })
          else text = t('ruleText.rangeMax', { metric, max: value(rule.metric, max) })
          break
        }
        case 'compare_metrics':
          text = t('ruleText.compareMetrics', { metric: labels.label(rule.metric), op: OP_SYMBOL[rule.op], other: labels.label(rule.other) })
          break
        case 'cross': {
          const days = rule.within_days ?? 5
          text = t(days === 0 ? 'ruleText.crossToday' : 'ruleText.cross', {
            fast: labels.label(rule.fast),
            slow: labels.label(rule.slow),
            direction: t(rule.direction === 'below' ? 'rules.below' : 'rules.above'),
            days,
          })
          break
        }
      }
      if (!withFlags) return text
      const flags = [rule.required ? t('ruleText.required') : null, rule.weight !== 1 ? t('ruleText.weight', { w: plainNumber(rule.weight, lang) }) : null]
        .filter(Boolean)
        .join(', ')
      return flags ? `${text}${t('ruleText.flags', { flags })}` : text
    }
  }, [labels, t, lang])
}

/** A validation problem in words; metric names in its parameters become labels. */
export function useProblemText(labels: MetricLabels, vocabulary: Vocabulary | undefined): (problem: Problem) => string {
  const { t, i18n } = usePoliciesT()
  const lang = uiLanguage(i18n.language)
  return useMemo(
    () => (problem: Problem) => {
      const params: Record<string, unknown> = { ...problem.params }
      for (const key of ['metric', 'other', 'fast', 'slow'] as const) {
        if (typeof params[key] === 'string') params[key] = labels.label(params[key] as string)
      }
      if (problem.code === 'crossPairUnsupported') {
        params.pairs = (vocabulary?.cross_pairs ?? []).map((p) => `${labels.label(p.fast)} × ${labels.label(p.slow)}`).join(lang === 'en' ? '; ' : '、')
      }
      if (problem.code === 'unitMismatch') {
        params.unit = labels.unitName(problem.params?.metric as string)
        params.otherUnit = labels.unitName(problem.params?.other as string)
      }
      return t(`problem.${problem.code}`, params)
    },
    [labels, t, vocabulary, lang],
  )
}
