import { filenameFrom } from './screener'

describe('filenameFrom', () => {
  it('takes the file name the server gives, else the fallback', () => {
    expect(filenameFrom('attachment; filename="screen-policy1-2026-11-27.csv"', 'x.csv')).toBe('screen-policy1-2026-11-27.csv')
    expect(filenameFrom("attachment; filename*=UTF-8''%E6%96%B9%E9%87%9D.csv", 'x.csv')).toBe('方針.csv')
    expect(filenameFrom('attachment', 'x.csv')).toBe('x.csv')
    expect(filenameFrom(null, 'x.csv')).toBe('x.csv')
  })
})
