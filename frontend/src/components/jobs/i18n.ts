import { defineFeatureStrings } from '@/lib/i18n/feature'

/**
 * The words of jobs (sync, metrics refresh, the first demo load): the demo banner, the dashboard's
 * data card and the settings page all show them.
 */
const ja = {
  kind: { sync: 'データ同期', refresh: '指標の再計算', backtest: 'バックテスト' },
  status: { queued: '待機中', running: '実行中', succeeded: '完了', failed: '失敗' },
  firstLoad: '初回のデモデータ読み込み',
  progress: {
    label: '{{job}}の進み具合',
    percent: '{{pct}}%',
    waiting: 'ワーカーが受け付けるのを待っています',
    starting: '開始しています…',
    prices: '{{from}}〜{{to}} の株価',
    disclosures: '{{from}}〜{{to}} の決算・財務情報',
    range: '{{from}}〜{{to}}',
    metrics: '指標とスコアを計算しています',
    stocks: '{{from}}〜{{to}} 銘柄目を判定しています（全 {{total}} 銘柄）',
    simulating: '売買をシミュレーションしています',
  },
  result: {
    sync: '{{stocks}} 銘柄・日足 {{bars}} 本・財務 {{fundamentals}} 件を更新',
    syncNothing: '新しいデータはありませんでした',
    refresh: '{{metrics}} 銘柄の指標を再計算',
  },
  conflict: {
    queued: '{{job}}（#{{id}}）がすでに待機中です。終わるまでお待ちください。',
    running: '{{job}}（#{{id}}）がすでに実行中です。終わるまでお待ちください。',
    unknown: '{{job}}がすでに待機中か実行中です。終わるまでお待ちください。',
  },
  duration: { seconds: '{{s}} 秒', minutes: '{{m}} 分 {{s}} 秒', hours: '{{h}} 時間 {{m}} 分' },
  firstLoadBanner: {
    title: 'デモデータを準備しています',
    detail: '架空の企業の株価と財務データを作成中です。完了を待たずにアプリを使えます（それまでは銘柄や株価の一部が表示されません）。完了すると画面が自動で更新されます。',
  },
}

const en: typeof ja = {
  kind: { sync: 'Data sync', refresh: 'Metrics refresh', backtest: 'Backtest' },
  status: { queued: 'Queued', running: 'Running', succeeded: 'Succeeded', failed: 'Failed' },
  firstLoad: 'First demo load',
  progress: {
    label: 'Progress: {{job}}',
    percent: '{{pct}}%',
    waiting: 'Waiting for a worker to pick it up',
    starting: 'Starting…',
    prices: 'prices {{from}} – {{to}}',
    disclosures: 'disclosures {{from}} – {{to}}',
    range: '{{from}} – {{to}}',
    metrics: 'Computing metrics and scores',
    stocks: 'Judging stocks {{from}}–{{to}} of {{total}}',
    simulating: 'Simulating the trades',
  },
  result: {
    sync: 'Stocks: {{stocks}} · daily bars: {{bars}} · disclosures: {{fundamentals}}',
    syncNothing: 'No new data',
    refresh: 'Metrics recomputed for {{metrics}} stocks',
  },
  conflict: {
    queued: '{{job}} #{{id}} is already queued. Please wait until it has finished.',
    running: '{{job}} #{{id}} is already running. Please wait until it has finished.',
    unknown: 'A job of this kind ({{job}}) is already queued or running. Please wait until it has finished.',
  },
  duration: { seconds: '{{s}} s', minutes: '{{m}} min {{s}} s', hours: '{{h}} h {{m}} min' },
  firstLoadBanner: {
    title: 'Preparing the demo data',
    detail: 'Creating prices and financial data for fictional companies. You can use the app meanwhile (until it is done, some stocks and prices are missing). The screens refresh by themselves when it finishes.',
  },
}

export const useJobsT = defineFeatureStrings('jobs', { ja, en })
export type JobsT = ReturnType<typeof useJobsT>['t']
