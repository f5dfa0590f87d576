import { formatCompact, formatDate, formatDateTime, formatMultiple, formatNumber, formatPct, formatYen, MISSING } from './format'

describe('formatYen', () => {
  it('writes prices with the half-width ¥ in both languages, as the server’s texts do', () => {
    expect(formatYen(3770, 'ja')).toBe('¥3,770')
    expect(formatYen(3770, 'en')).toBe('¥3,770')
  })
  it('keeps a tenth of a yen, no more', () => {
    expect(formatYen(3618.75, 'ja')).toBe('¥3,618.8')
    expect(formatYen(428.11, 'en', { maxFractionDigits: 2 })).toBe('¥428.11')
  })
  it('signs changes', () => {
    expect(formatYen(-10, 'ja', { signed: true })).toBe('-¥10')
    expect(formatYen(10, 'ja', { signed: true })).toBe('+¥10')
    expect(formatYen(10, 'en', { signed: true })).toBe('+¥10')
    expect(formatYen(0, 'en', { signed: true })).toBe('¥0')
  })
  it('shortens large amounts in each language’s units, grouped in Japanese style', () => {
    expect(formatYen(76_127_610_000, 'ja', { compact: true })).toBe('761.3億円')
    expect(formatYen(393_570_000_000, 'ja', { compact: true })).toBe('3,935.7億円')
    expect(formatYen(1_200_000_000_000, 'ja', { compact: true })).toBe('1.2兆円')
    expect(formatYen(12_345_678, 'ja', { compact: true })).toBe('1,234.6万円')
    expect(formatYen(-2_500_000_000, 'ja', { compact: true })).toBe('-25億円')
    expect(formatYen(76_127_610_000, 'en', { compact: true })).toBe('¥76.1B')
  })
  it('shows a dash for a missing value', () => {
    expect(formatYen(null, 'ja')).toBe(MISSING)
    expect(formatYen(undefined, 'en')).toBe(MISSING)
    expect(formatYen(Number.NaN, 'en')).toBe(MISSING)
  })
})

describe('formatPct', () => {
  it('takes values already in percent', () => {
    expect(formatPct(3.8992, 'ja')).toBe('3.90%')
    expect(formatPct(3.8992, 'en')).toBe('3.90%')
  })
  it('signs changes in both languages', () => {
    expect(formatPct(-0.2646, 'ja', { signed: true })).toBe('-0.26%')
    expect(formatPct(0.6264, 'en', { signed: true })).toBe('+0.63%')
  })
  it('rounds to the digits asked', () => {
    expect(formatPct(100, 'ja', { digits: 0 })).toBe('100%')
    expect(formatPct(null, 'ja')).toBe(MISSING)
  })
})

describe('numbers', () => {
  it('groups and rounds', () => {
    expect(formatNumber(71820, 'ja')).toBe('71,820')
    expect(formatNumber(51.02, 'en', 1)).toBe('51.0')
    expect(formatNumber(11.8839, 'ja', 1, true)).toBe('+11.9')
  })
  it('shortens volumes', () => {
    expect(formatCompact(1_234_500, 'ja')).toBe('123.5万')
    expect(formatCompact(12_345_678, 'ja')).toBe('1,234.6万')
    expect(formatCompact(1_234_500, 'en')).toBe('1.2M')
  })
  it('writes valuation multiples', () => {
    expect(formatMultiple(8.806, 'ja')).toBe('8.81倍')
    expect(formatMultiple(8.806, 'en')).toBe('8.81x')
  })
})

describe('dates', () => {
  it('formats market dates without shifting them across time zones', () => {
    expect(formatDate('2026-11-27', 'ja')).toBe('2026/11/27')
    expect(formatDate('2026-11-27', 'en')).toBe('Nov 27, 2026')
    expect(formatDate('2026-01-01', 'ja')).toBe('2026/01/01')
  })
  it('shows moments in Japan time', () => {
    expect(formatDateTime('2026-11-28T11:22:50Z', 'ja')).toBe('2026/11/28 20:22')
    expect(formatDateTime('2026-11-28T11:22:50Z', 'en')).toBe('Nov 28, 2026, 08:22 PM')
  })
  it('shows a dash for nothing or garbage', () => {
    expect(formatDate(null, 'ja')).toBe(MISSING)
    expect(formatDate('not a date', 'en')).toBe(MISSING)
  })
})
