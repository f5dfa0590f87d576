import { otherStockName, sectorName, stockName } from './stockNames'

describe('stockName', () => {
  const toyota = { name: 'トヨタ自動車', name_en: 'TOYOTA MOTOR CORPORATION' }

  it('shows the English name in English and the Japanese one in Japanese', () => {
    expect(stockName(toyota, 'en')).toBe('TOYOTA MOTOR CORPORATION')
    expect(stockName(toyota, 'en-US')).toBe('TOYOTA MOTOR CORPORATION')
    expect(stockName(toyota, 'ja')).toBe('トヨタ自動車')
  })

  it('falls back to the Japanese name when the data has no English one', () => {
    expect(stockName({ name: '見本精機', name_en: null }, 'en')).toBe('見本精機')
    expect(stockName({ name: '見本精機' }, 'en')).toBe('見本精機') // an answer from before the field
    expect(stockName({ name: '見本精機', name_en: '  ' }, 'en')).toBe('見本精機')
  })

  it('uses the fallback (e.g. the code) only when there is no name at all', () => {
    expect(stockName({ name: null, name_en: null }, 'en', '7203')).toBe('7203')
    expect(stockName({ name: null, name_en: 'Toyota' }, 'ja', '7203')).toBe('Toyota')
  })

  it('names the other language for a second line, never the shown name twice', () => {
    expect(otherStockName(toyota, 'en')).toBe('トヨタ自動車')
    expect(otherStockName(toyota, 'ja')).toBe('TOYOTA MOTOR CORPORATION')
    expect(otherStockName({ name: '見本精機', name_en: null }, 'en')).toBe('')
  })
})

describe('sectorName', () => {
  it('prefers the API’s English name in English and keeps the Japanese one in Japanese', () => {
    const stock = { sector: '輸送用機器', sector_en: 'Transportation Equipment', sector_code: '3700' }
    expect(sectorName(stock, 'en')).toBe('Transportation Equipment')
    expect(sectorName(stock, 'ja')).toBe('輸送用機器')
  })

  it('finds the English name by code or Japanese name when the answer has none', () => {
    expect(sectorName({ sector: '陸運業', sector_code: '5050' }, 'en')).toBe('Land Transportation')
    expect(sectorName({ sector: '石油･石炭製品', sector_code: null }, 'en')).toBe('Oil & Coal Products')
  })

  it('falls back to the Japanese name for a sector outside the TSE table, and to nothing', () => {
    expect(sectorName({ sector: '独自業種', sector_en: null, sector_code: 'X1' }, 'en')).toBe('独自業種')
    expect(sectorName({ sector: null }, 'en')).toBe('')
    expect(sectorName({ sector: null }, 'ja')).toBe('')
  })
})
