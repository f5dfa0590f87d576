import reference from '@/test/fixtures/talib-reference.json'
import { bollinger, ema, macd, rsi, sma, type Series } from './indicators'

/** Compare two series: same nulls, numbers within `tolerance`. */
function expectSeries(actual: Series, expected: (number | null)[], tolerance = 1e-6): void {
  expect(actual).toHaveLength(expected.length)
  actual.forEach((value, i) => {
    const want = expected[i]
    if (want === null || want === undefined) {
      expect(value, `index ${i}`).toBeNull()
    } else {
      expect(value, `index ${i}`).not.toBeNull()
      expect(Math.abs((value as number) - want), `index ${i}: ${value} vs ${want}`).toBeLessThanOrEqual(tolerance)
    }
  })
}

describe('sma', () => {
  it('averages the last n values, null before', () => {
    expect(sma([1, 2, 3, 4, 5], 3)).toEqual([null, null, 2, 3, 4])
  })
  it('matches TA-Lib SMA(5)', () => {
    expectSeries(sma(reference.closes, 5), reference.sma5)
  })
  it('is all null when the input is shorter than the period', () => {
    expect(sma([1, 2], 5)).toEqual([null, null])
  })
  it('rejects a bad period', () => {
    expect(() => sma([1, 2, 3], 0)).toThrow(/period/)
  })
})

describe('ema', () => {
  it('is seeded with the SMA of the first n values', () => {
    // α = 0.5: seed (1+2+3)/3 = 2, then 0.5·4 + 0.5·2 = 3, then 0.5·5 + 0.5·3 = 4
    expect(ema([1, 2, 3, 4, 5], 3)).toEqual([null, null, 2, 3, 4])
  })
  it('matches TA-Lib EMA(12)', () => {
    expectSeries(ema(reference.closes, 12), reference.ema12)
  })
})

describe('rsi (Wilder)', () => {
  it('matches TA-Lib RSI(14)', () => {
    expectSeries(rsi(reference.closes, 14), reference.rsi14)
  })
  it('is 100 when prices only rise and 0 when they only fall', () => {
    const up = Array.from({ length: 20 }, (_, i) => 100 + i)
    expect(rsi(up, 14).at(-1)).toBe(100)
    expect(rsi([...up].reverse(), 14).at(-1)).toBe(0)
  })
  it('is 50 on a flat line', () => {
    expect(rsi(new Array<number>(20).fill(10), 14).at(-1)).toBe(50)
  })
  it('starts after period changes', () => {
    const out = rsi(reference.closes, 14)
    expect(out[13]).toBeNull()
    expect(out[14]).not.toBeNull()
  })
})

describe('macd', () => {
  it('matches TA-Lib MACD(12, 26, 9) where TA-Lib has values', () => {
    const { macd: line, signal, histogram } = macd(reference.closes)
    const from = reference.macd.findIndex((v) => v !== null)
    expect(from).toBe(33)
    expectSeries(line.slice(from), reference.macd.slice(from))
    expectSeries(signal, reference.signal)
    expectSeries(histogram, reference.hist)
  })
  it('starts the MACD line once the slow EMA exists', () => {
    const { macd: line } = macd(reference.closes)
    expect(line[24]).toBeNull()
    expect(line[25]).not.toBeNull()
  })
  it('rejects fast ≥ slow', () => {
    expect(() => macd([1, 2, 3], 26, 12)).toThrow(/fast/)
  })
})

describe('bollinger', () => {
  it('uses the population standard deviation', () => {
    // mean 3, population σ √2
    const { upper, middle, lower } = bollinger([1, 2, 3, 4, 5], 5, 2)
    expect(middle[4]).toBe(3)
    expect(upper[4]).toBeCloseTo(3 + 2 * Math.SQRT2, 12)
    expect(lower[4]).toBeCloseTo(3 - 2 * Math.SQRT2, 12)
    expect(upper[3]).toBeNull()
  })
  it('matches TA-Lib BBANDS(20, 2, 2)', () => {
    const { upper, middle, lower } = bollinger(reference.closes, 20, 2)
    expectSeries(upper, reference.bbu)
    expectSeries(middle, reference.bbm)
    expectSeries(lower, reference.bbl)
  })
})
