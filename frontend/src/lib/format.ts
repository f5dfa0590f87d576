import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'

/**
 * Numbers, yen, percentages and dates in the UI language. Every function takes the language
 * ('ja' | 'en'; anything else counts as 'ja') and shows "—" for a missing value.
 */
export const MISSING = '—'

type Value = number | null | undefined

export function localeOf(lang: string): string {
  return lang.startsWith('en') ? 'en-US' : 'ja-JP'
}

const cache = new Map<string, Intl.NumberFormat>()
function numberFormat(lang: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const locale = localeOf(lang)
  const key = `${locale}|${JSON.stringify(options)}`
  let format = cache.get(key)
  if (!format) {
    format = new Intl.NumberFormat(locale, options)
    cache.set(key, format)
  }
  return format
}

function missing(value: Value): value is null | undefined {
  return value === null || value === undefined || Number.isNaN(value)
}

export interface YenOptions {
  /** "+10円" / "+¥10" */
  signed?: boolean
  /** 3,935.7億円 / ¥393.6B for large amounts */
  compact?: boolean
  /** fraction digits kept at most (default 1: TSE ticks can be ¥0.1) */
  maxFractionDigits?: number
}

/**
 * Yen, written as the server's texts write it (evaluations/messages.py), so a page never mixes two
 * styles: prices and changes with the half-width ¥ sign in both languages ("¥3,770", "+¥10"; ICU's
 * Japanese locale would print a full-width ￥); large amounts in each language's units, grouped:
 * "3,935.7億円", "1.2兆円" in Japanese, "¥393.6B" in English.
 */
export function formatYen(value: Value, lang: string, options: YenOptions = {}): string {
  if (missing(value)) return MISSING
  const { signed = false, compact = false, maxFractionDigits = 1 } = options
  const ja = localeOf(lang) === 'ja-JP'
  const common: Intl.NumberFormatOptions = {
    minimumFractionDigits: 0,
    maximumFractionDigits: maxFractionDigits,
    // compact notation drops grouping by default ("3935.7億"): keep it
    useGrouping: true,
    signDisplay: signed ? 'exceptZero' : 'auto',
  }
  if (ja && compact) return `${numberFormat(lang, { ...common, notation: 'compact' }).format(value)}円`
  const format = numberFormat(lang, { ...common, style: 'currency', currency: 'JPY', notation: compact ? 'compact' : 'standard' })
  return format
    .formatToParts(value)
    .map((part) => (part.type === 'currency' ? '¥' : part.value))
    .join('')
}

export interface PercentOptions {
  signed?: boolean
  digits?: number
}

/** A value already in percent (3.8992 means 3.8992 %): → "3.90%" / "+0.63%". */
export function formatPct(value: Value, lang: string, options: PercentOptions = {}): string {
  if (missing(value)) return MISSING
  const { signed = false, digits = 2 } = options
  return numberFormat(lang, {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    signDisplay: signed ? 'exceptZero' : 'auto',
  }).format(value / 100)
}

/** A plain number with grouping: 1234.5 → "1,234.5". */
export function formatNumber(value: Value, lang: string, digits = 0, signed = false): string {
  if (missing(value)) return MISSING
  return numberFormat(lang, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    signDisplay: signed ? 'exceptZero' : 'auto',
  }).format(value)
}

/** Share counts and volumes, compact: 1,234,500 → "123.5万" / "1.2M". */
export function formatCompact(value: Value, lang: string): string {
  if (missing(value)) return MISSING
  return numberFormat(lang, { notation: 'compact', maximumFractionDigits: 1, useGrouping: true }).format(value)
}

/** A valuation multiple: 8.806 → "8.81倍" / "8.81x". */
export function formatMultiple(value: Value, lang: string): string {
  if (missing(value)) return MISSING
  const number = formatNumber(value, lang, 2)
  return localeOf(lang) === 'ja-JP' ? `${number}倍` : `${number}x`
}

function parseDate(iso: string): Date | null {
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  const date = dateOnly
    ? new Date(Date.UTC(Number(dateOnly[1]), Number(dateOnly[2]) - 1, Number(dateOnly[3])))
    : new Date(iso)
  return Number.isNaN(date.getTime()) ? null : date
}

const dateCache = new Map<string, Intl.DateTimeFormat>()
function dateFormat(lang: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const locale = localeOf(lang)
  const key = `${locale}|${JSON.stringify(options)}`
  let format = dateCache.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options)
    dateCache.set(key, format)
  }
  return format
}

/** A calendar date ("2026-11-27") → "2026/11/27" / "Nov 27, 2026". Market dates are not shifted by time zone. */
export function formatDate(iso: string | null | undefined, lang: string): string {
  if (!iso) return MISSING
  const date = parseDate(iso)
  if (!date) return MISSING
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso)
  return dateFormat(lang, {
    year: 'numeric',
    month: localeOf(lang) === 'ja-JP' ? '2-digit' : 'short',
    day: '2-digit',
    timeZone: dateOnly ? 'UTC' : 'Asia/Tokyo',
  }).format(date)
}

/** A moment, shown in Japan time: "2026/11/28 20:22" / "Nov 28, 2026, 8:22 PM". */
export function formatDateTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return MISSING
  const date = parseDate(iso)
  if (!date) return MISSING
  return dateFormat(lang, {
    year: 'numeric',
    month: localeOf(lang) === 'ja-JP' ? '2-digit' : 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Asia/Tokyo',
  }).format(date)
}

export interface Formatters {
  lang: string
  yen: (value: Value, options?: YenOptions) => string
  pct: (value: Value, options?: PercentOptions) => string
  number: (value: Value, digits?: number, signed?: boolean) => string
  compact: (value: Value) => string
  multiple: (value: Value) => string
  date: (iso: string | null | undefined) => string
  dateTime: (iso: string | null | undefined) => string
}

export function formattersFor(lang: string): Formatters {
  return {
    lang,
    yen: (value, options) => formatYen(value, lang, options),
    pct: (value, options) => formatPct(value, lang, options),
    number: (value, digits, signed) => formatNumber(value, lang, digits, signed),
    compact: (value) => formatCompact(value, lang),
    multiple: (value) => formatMultiple(value, lang),
    date: (iso) => formatDate(iso, lang),
    dateTime: (iso) => formatDateTime(iso, lang),
  }
}

/** The formatters for the current UI language (re-renders when it changes). */
export function useFormat(): Formatters {
  const { i18n } = useTranslation()
  return useMemo(() => formattersFor(i18n.language), [i18n.language])
}
