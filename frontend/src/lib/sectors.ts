/**
 * The 33 TSE sectors (東証33業種) with their codes as J-Quants serves them (`S33`) and their official
 * English names (JPX). The API sends `sector_en` itself; this table names a sector in the UI
 * language where an answer has only the Japanese name (a cached answer from before the field, a
 * sector picker). Same data as the server's `market/sectors.py`.
 */
export interface Sector {
  code: string
  ja: string
  en: string
}

export const SECTORS: readonly Sector[] = [
  { code: '0050', ja: '水産・農林業', en: 'Fishery, Agriculture & Forestry' },
  { code: '1050', ja: '鉱業', en: 'Mining' },
  { code: '2050', ja: '建設業', en: 'Construction' },
  { code: '3050', ja: '食料品', en: 'Foods' },
  { code: '3100', ja: '繊維製品', en: 'Textiles & Apparels' },
  { code: '3150', ja: 'パルプ・紙', en: 'Pulp & Paper' },
  { code: '3200', ja: '化学', en: 'Chemicals' },
  { code: '3250', ja: '医薬品', en: 'Pharmaceutical' },
  { code: '3300', ja: '石油・石炭製品', en: 'Oil & Coal Products' },
  { code: '3350', ja: 'ゴム製品', en: 'Rubber Products' },
  { code: '3400', ja: 'ガラス・土石製品', en: 'Glass & Ceramics Products' },
  { code: '3450', ja: '鉄鋼', en: 'Iron & Steel' },
  { code: '3500', ja: '非鉄金属', en: 'Nonferrous Metals' },
  { code: '3550', ja: '金属製品', en: 'Metal Products' },
  { code: '3600', ja: '機械', en: 'Machinery' },
  { code: '3650', ja: '電気機器', en: 'Electric Appliances' },
  { code: '3700', ja: '輸送用機器', en: 'Transportation Equipment' },
  { code: '3750', ja: '精密機器', en: 'Precision Instruments' },
  { code: '3800', ja: 'その他製品', en: 'Other Products' },
  { code: '4050', ja: '電気・ガス業', en: 'Electric Power & Gas' },
  { code: '5050', ja: '陸運業', en: 'Land Transportation' },
  { code: '5100', ja: '海運業', en: 'Marine Transportation' },
  { code: '5150', ja: '空運業', en: 'Air Transportation' },
  { code: '5200', ja: '倉庫・運輸関連業', en: 'Warehousing & Harbor Transportation Services' },
  { code: '5250', ja: '情報・通信業', en: 'Information & Communication' },
  { code: '6050', ja: '卸売業', en: 'Wholesale Trade' },
  { code: '6100', ja: '小売業', en: 'Retail Trade' },
  { code: '7050', ja: '銀行業', en: 'Banks' },
  { code: '7100', ja: '証券、商品先物取引業', en: 'Securities & Commodity Futures' },
  { code: '7150', ja: '保険業', en: 'Insurance' },
  { code: '7200', ja: 'その他金融業', en: 'Other Financing Business' },
  { code: '8050', ja: '不動産業', en: 'Real Estate' },
  { code: '9050', ja: 'サービス業', en: 'Services' },
]

const BY_CODE = new Map(SECTORS.map((s) => [s.code, s]))
const BY_JA = new Map(SECTORS.map((s) => [s.ja, s]))

/** A sector by its 33-sector code, or else by its Japanese name (half-width ･ and ､ folded). */
export function findSector(code: string | null | undefined, ja: string | null | undefined): Sector | undefined {
  return (code ? BY_CODE.get(code) : undefined) ?? (ja ? BY_JA.get(ja.normalize('NFKC').trim()) : undefined)
}
