import { costSpec, parseCost } from './costs'
import { heatColor, heatmapRows } from './heatmap'

describe('cost option', () => {
  it('writes the API’s forms and reads them back', () => {
    expect(costSpec({ kind: 'sbi', rate: '0.1', minimum: '' })).toBe('sbi')
    expect(costSpec({ kind: 'pct', rate: '0.1', minimum: '' })).toBe('pct:0.1')
    expect(costSpec({ kind: 'pct', rate: ' 0.25 ', minimum: '100' })).toBe('pct:0.25,min:100')
    expect(parseCost('pct:0.25,min:100')).toEqual({ kind: 'pct', rate: '0.25', minimum: '100' })
    expect(parseCost('rakuten').kind).toBe('rakuten')
    expect(parseCost(undefined).kind).toBe('zero')
  })
})

describe('monthly heatmap', () => {
  it('puts each month in its year’s row, leaves the months without sessions empty and compounds the year', () => {
    const rows = heatmapRows([
      { month: '2025-01', return_pct: 10 },
      { month: '2024-11', return_pct: -5 },
      { month: '2025-02', return_pct: -10 },
    ])
    expect(rows.map((r) => r.year)).toEqual([2024, 2025])
    expect(rows[0]!.months[10]).toBe(-5)
    expect(rows[0]!.months[0]).toBeNull()
    expect(rows[1]!.total).toBeCloseTo(-1) // 1.1 × 0.9 − 1
  })

  it('colours gains green and losses red, deeper with the size', () => {
    expect(heatColor(2)).toMatch(/^rgba\(22, 135, 74/)
    expect(heatColor(-2)).toMatch(/^rgba\(200, 40, 40/)
    expect(heatColor(20)).toContain('0.80)')
    expect(heatColor(null)).toBe('transparent')
  })
})
