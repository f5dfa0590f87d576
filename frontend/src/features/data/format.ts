import type { PlanRead } from '@/lib/api/dataSource'
import type { DataT } from './i18n'

/** A duration as a person says it: "約 12 分", "約 2 時間 5 分", "1 分未満" (minutes round up). */
export function durationText(t: DataT, minutes: number, keys: { under: 'estimate.underMinute' | 'job.etaUnderMinute'; minutes: 'estimate.minutes' | 'job.etaMinutes'; hours: 'estimate.hours' | 'job.etaHours' }): string {
  if (!Number.isFinite(minutes) || minutes < 1) return t(keys.under)
  const whole = Math.ceil(minutes)
  if (whole < 60) return t(keys.minutes, { count: whole })
  return t(keys.hours, { h: Math.floor(whole / 60), m: whole % 60 })
}

export function estimateTime(t: DataT, minutes: number): string {
  return durationText(t, minutes, { under: 'estimate.underMinute', minutes: 'estimate.minutes', hours: 'estimate.hours' })
}

/** Seconds left of a running sync: "残り約 3 分". */
export function etaText(t: DataT, seconds: number): string {
  return durationText(t, seconds / 60, { under: 'job.etaUnderMinute', minutes: 'job.etaMinutes', hours: 'job.etaHours' })
}

export function historyText(t: DataT, years: number | null): string {
  return years === null ? t('plans.unlimited') : t('plans.years', { count: years })
}

export function delayText(t: DataT, weeks: number): string {
  return weeks > 0 ? t('plans.weeks', { count: weeks }) : t('plans.noDelay')
}

export function planName(t: DataT, plan: PlanRead['plan'] | string): string {
  return ['free', 'light', 'standard', 'premium'].includes(plan) ? t(`plans.name.${plan as 'free'}`) : plan
}

/** Codes typed as a list: commas (also Japanese ones), spaces or new lines between them; no repeats. */
export function parseCodes(text: string): string[] {
  const codes = text
    .split(/[\s,、，]+/)
    .map((code) => code.trim().toUpperCase())
    .filter(Boolean)
  return [...new Set(codes)]
}
