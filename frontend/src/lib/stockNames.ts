import { findSector } from './sectors'

/**
 * Company and sector names in the UI language. The data's names are Japanese; English ones come
 * where the source has them (J-Quants' CoNameEn, a CSV list's `name_en`, the TSE sector names), so
 * English mode shows them and falls back to the Japanese name otherwise. Every place that shows a
 * stock or a sector goes through these two, so that no screen mixes the two languages by accident.
 */

/** Anything with a stock's names: a stock, a screener hit, a watchlist item. */
export interface Named {
  name?: string | null
  name_en?: string | null
}

/** Anything with a stock's sector: `sector` is the Japanese 33-sector name. */
export interface Sectored {
  sector?: string | null
  sector_en?: string | null
  sector_code?: string | null
}

function isEnglish(lang: string): boolean {
  return lang.startsWith('en')
}

/** The company name to show; `fallback` (e.g. the code) when the data has no name at all. */
export function stockName(stock: Named, lang: string, fallback = ''): string {
  const english = stock.name_en?.trim()
  if (isEnglish(lang) && english) return english
  return stock.name ?? english ?? fallback
}

/** The name in the other language, for a second line under the shown one ('' when there is none). */
export function otherStockName(stock: Named, lang: string): string {
  const shown = stockName(stock, lang)
  const other = isEnglish(lang) ? stock.name : stock.name_en
  return other && other !== shown ? other : ''
}

/** The sector to show: the API's English name, else the TSE table's, else the Japanese name. */
export function sectorName(stock: Sectored, lang: string): string {
  if (!isEnglish(lang)) return stock.sector ?? ''
  return stock.sector_en || findSector(stock.sector_code, stock.sector)?.en || stock.sector || ''
}
