import { defineFeatureStrings, type FeatureT } from '@/lib/i18n/feature'

/** The dashboard's market overview card. */
const ja = {
  title: '市場概況',
  asOf: '{{date}} の終値',
  benchmark: '全銘柄の単純平均',
  benchmarkNote: 'データに指数（TOPIX など）がないため、全銘柄の騰落率の単純平均を示します。',
  indexTopix: 'TOPIX（東証株価指数）',
  indexDemo: 'TOPIX（デモ）',
  indexClose: '{{close}} ポイント',
  indexPoints: '{{n}} ポイント',
  indexNote: '前営業日の終値との比較です。',
  indexDemoNote: 'デモデータの架空の指数で、実際の TOPIX ではありません。',
  breadth: '騰落',
  advancers: '値上がり',
  decliners: '値下がり',
  unchanged: '変わらず',
  breadthLabel: '値上がり {{up}}、値下がり {{down}}、変わらず {{flat}}（{{n}} 銘柄）',
  sectors: '業種別（平均騰落率）',
  strongest: '上昇上位',
  weakest: '下落上位',
  allSectors: 'すべての業種（{{n}}）',
  count: '{{n}} 銘柄',
  noSector: '業種なし',
  empty: 'まだ株価データがありません。同期が終わると表示されます。',
}

const en: typeof ja = {
  title: 'Market overview',
  asOf: 'Closes of {{date}}',
  benchmark: 'Equal-weight average of all stocks',
  benchmarkNote: 'The data holds no index (such as TOPIX), so this is the plain average change of every stock.',
  indexTopix: 'TOPIX (Tokyo Stock Price Index)',
  indexDemo: 'TOPIX (demo)',
  indexClose: '{{close}} points',
  indexPoints: '{{n}} points',
  indexNote: 'Against the previous session’s close.',
  indexDemoNote: 'A fictional index of the demo data, not the real TOPIX.',
  breadth: 'Advance / decline',
  advancers: 'Up',
  decliners: 'Down',
  unchanged: 'Unchanged',
  breadthLabel: '{{up}} up, {{down}} down, {{flat}} unchanged ({{n}} stocks)',
  sectors: 'Sectors (average change)',
  strongest: 'Strongest',
  weakest: 'Weakest',
  allSectors: 'All sectors ({{n}})',
  count: '{{n}} stocks',
  noSector: 'No sector',
  empty: 'No prices yet. The overview appears once a sync has finished.',
}

export const useMarketT = defineFeatureStrings('marketOverview', { ja, en })
export type MarketT = FeatureT<typeof ja>
