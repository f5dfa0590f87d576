import { useMemo } from 'react'
import { useFormat } from '@/lib/format'
import { useBacktestsT } from '../i18n'
import type { BacktestResult } from '../model/types'
import { ChartFigure } from './ChartFigure'
import { MonthlyHeatmap } from './MonthlyHeatmap'
import { StatsCards } from './StatsCards'
import { TradesTable } from './TradesTable'

export const COLORS = { strategy: '#1d5aa6', benchmark: '#8a94a3', drawdown: '#c62828', other: '#c2410c' }

/** A finished run: its figures, equity against the benchmark, drawdown, trades and months. */
export function ResultView({ result }: { result: BacktestResult }) {
  const { t } = useBacktestsT()
  const fmt = useFormat()
  const { summary, equity } = result
  const last = equity[equity.length - 1]
  const series = useMemo(
    () => ({
      equity: [
        { label: t('chart.strategy'), color: COLORS.strategy, points: equity.map((p) => ({ time: p.date, value: p.equity })) },
        { label: t('chart.benchmark'), color: COLORS.benchmark, points: equity.map((p) => ({ time: p.date, value: p.benchmark })) },
      ],
      drawdown: [
        { label: t('chart.drawdown'), color: COLORS.drawdown, area: true, points: equity.map((p) => ({ time: p.date, value: p.drawdown_pct })) },
      ],
    }),
    [equity, t],
  )
  const yen = (value: number) => fmt.yen(value, { compact: true })
  return (
    <div className="bt-result">
      {result.lookahead?.checked ? (
        result.lookahead.differences.length === 0 ? (
          <p className="chip chip--ok" role="status">
            {t('lookahead.none', { cuts: result.lookahead.cuts.length })}
          </p>
        ) : (
          <div className="bt-lookahead" role="alert">
            <p>{t('lookahead.found', { count: result.lookahead.differences.length })}</p>
            <ul>
              {result.lookahead.differences.slice(0, 20).map((d, i) => (
                <li key={i}>{d.text}</li>
              ))}
            </ul>
          </div>
        )
      ) : null}
      <StatsCards summary={summary} />
      <div className="bt-charts">
        <ChartFigure
          title={t('chart.equity')}
          summary={t('chart.equityAria', {
            end: fmt.yen(last?.equity ?? null, { maxFractionDigits: 0 }),
            ret: fmt.pct(summary.return_pct, { signed: true }),
            bench: fmt.yen(last?.benchmark ?? null, { maxFractionDigits: 0 }),
          })}
          series={series.equity}
          lang={fmt.lang}
          format={yen}
        />
        <ChartFigure
          title={t('chart.drawdown')}
          summary={t('chart.drawdownAria', { max: fmt.pct(summary.max_drawdown_pct) })}
          series={series.drawdown}
          lang={fmt.lang}
          format={(value) => fmt.pct(value, { digits: 0 })}
          small
        />
      </div>
      <TradesTable trades={result.trades} />
      <MonthlyHeatmap months={result.monthly_returns} />
    </div>
  )
}
