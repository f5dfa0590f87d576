import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Card } from '@/components/Card'
import { ErrorMessage } from '@/components/ErrorMessage'
import { Skeleton } from '@/components/Skeleton'
import type { Interval, LevelsRead, Period } from '@/lib/api/types'
import { useFormat } from '@/lib/format'
import { usePrices } from '../../hooks/queries'
import { SMA_PERIODS, SMA_WINDOWS, useIndicatorSeries, type SmaPeriod } from '../../hooks/useIndicatorSeries'
import { PriceChart, type ChartLabels, type Overlays } from './PriceChart'
import { chartTheme } from './theme'

export const PERIODS: Period[] = ['1m', '3m', '6m', '1y', '2y', '5y', 'max']
export const INTERVALS: Interval[] = ['1d', '1w', '1mo']
/** The range shown on switching to an interval: about a hundred candles or more. */
const INTERVAL_PERIOD: Record<Interval, Period> = { '1d': '6m', '1w': '2y', '1mo': '5y' }

/**
 * What to fetch for a period: more than is shown, so that SMA 200 and the other indicators are
 * already warm on the first visible bar; switching between 1M and 1Y needs no new request.
 */
const FETCH: Record<Period, Period> = { '1m': '2y', '3m': '2y', '6m': '2y', '1y': '2y', '2y': '5y', '5y': 'max', max: 'max' }
const MONTHS: Partial<Record<Period, number>> = { '1m': 1, '3m': 3, '6m': 6, '1y': 12, '2y': 24, '5y': 60 }

function monthsBefore(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number]
  const date = new Date(Date.UTC(y, m - 1 - months, d))
  return date.toISOString().slice(0, 10)
}

interface ChartCardProps {
  code: string
  name: string
  levels: LevelsRead | null
}

export function ChartCard({ code, name, levels }: ChartCardProps) {
  const { t } = useTranslation()
  const fmt = useFormat()
  const [period, setPeriod] = useState<Period>('6m')
  const [interval, setCandleInterval] = useState<Interval>('1d')
  const [overlays, setOverlays] = useState<Overlays>({
    sma: { 5: false, 25: true, 75: true, 200: false },
    bollinger: false,
  })
  const [hover, setHover] = useState<number | null>(null)
  // Weekly and monthly candles are few: the whole history, so the long averages are warm.
  const prices = usePrices(code, interval === '1d' ? FETCH[period] : 'max', interval)
  const data = useIndicatorSeries(prices.data?.items, interval)
  const windows = SMA_WINDOWS[interval]
  const smaSlots = SMA_PERIODS.filter((n) => windows[n] !== undefined)
  // A slot the interval has no average for is neither offered nor drawn.
  const shown: Overlays = useMemo(() => {
    const sma = { ...overlays.sma }
    for (const n of SMA_PERIODS) if (windows[n] === undefined) sma[n] = false
    return { ...overlays, sma }
  }, [overlays, windows])
  const labels: ChartLabels = useMemo(
    () => ({ entry: t('stock.entryZone'), target: t('stock.target'), stop: t('stock.stopLoss'), trailing: t('stock.trailingStop'), rsi: t('stock.rsi'), macd: t('stock.macd') }),
    [t],
  )

  const bars = data?.bars ?? []
  const last = bars.length ? bars[bars.length - 1]!.time : null
  const months = MONTHS[period]
  const visibleFrom = last && months ? monthsBefore(last, months) : null
  const index = hover ?? (bars.length ? bars.length - 1 : null)
  const bar = index !== null ? bars[index] : undefined
  const previous = index !== null && index > 0 ? bars[index - 1] : undefined

  function chooseInterval(next: Interval) {
    setCandleInterval(next)
    setPeriod(INTERVAL_PERIOD[next])
  }

  function smaLabel(n: SmaPeriod): string {
    const window = windows[n] ?? n
    if (interval === '1w') return t('stock.smaWeeks', { n: window })
    if (interval === '1mo') return t('stock.smaMonths', { n: window })
    return t('stock.sma', { n: window })
  }

  function toggleSma(n: SmaPeriod) {
    setOverlays((o) => ({ ...o, sma: { ...o.sma, [n]: !o.sma[n] } }))
  }

  return (
    <Card
      title={t('stock.chart')}
      id="chart"
      className="chart-card"
      actions={
        <div className="chart-card__switches">
          <div className="segmented" role="radiogroup" aria-label={t('stock.interval')}>
            {INTERVALS.map((i) => (
              <button
                key={i}
                type="button"
                role="radio"
                aria-checked={interval === i}
                className="segmented__option"
                onClick={() => chooseInterval(i)}
              >
                {t(`stock.intervals.${i}`)}
              </button>
            ))}
          </div>
          <div className="segmented" role="radiogroup" aria-label={t('stock.period')}>
            {PERIODS.map((p) => (
              <button
                key={p}
                type="button"
                role="radio"
                aria-checked={period === p}
                className="segmented__option"
                onClick={() => setPeriod(p)}
              >
                {t(`stock.periods.${p}`)}
              </button>
            ))}
          </div>
        </div>
      }
    >
      <fieldset className="overlay-toggles">
        <legend className="visually-hidden">{t('stock.overlays')}</legend>
        {smaSlots.map((n) => (
          <label key={n} className="chip-toggle">
            <input type="checkbox" checked={overlays.sma[n]} onChange={() => toggleSma(n)} />
            <span className="chip-toggle__swatch" style={{ background: chartTheme.sma[n] }} aria-hidden="true" />
            {smaLabel(n)}
          </label>
        ))}
        <label className="chip-toggle">
          <input
            type="checkbox"
            checked={overlays.bollinger}
            onChange={() => setOverlays((o) => ({ ...o, bollinger: !o.bollinger }))}
          />
          <span className="chip-toggle__swatch chip-toggle__swatch--dashed" aria-hidden="true" />
          {t('stock.bollinger')}
        </label>
      </fieldset>

      <div className="price-chart">
        <div className="price-chart__legend" aria-live="off">
          {bar ? (
            <>
              <span className="legend__date">{fmt.date(bar.time)}</span>
              <span>
                {t('stock.open')} <b>{fmt.number(bar.open, 1).replace(/\.0$/, '')}</b>
              </span>
              <span>
                {t('stock.high')} <b>{fmt.number(bar.high, 1).replace(/\.0$/, '')}</b>
              </span>
              <span>
                {t('stock.low')} <b>{fmt.number(bar.low, 1).replace(/\.0$/, '')}</b>
              </span>
              <span>
                {t('stock.lastClose')}{' '}
                <b className={previous ? (bar.close > previous.close ? 'text-up' : bar.close < previous.close ? 'text-down' : '') : ''}>
                  {fmt.number(bar.close, 1).replace(/\.0$/, '')}
                </b>
              </span>
              <span>
                {t('stock.volume')} <b>{fmt.compact(bar.volume)}</b>
              </span>
              {index !== null && data ? (
                <>
                  <span className="legend__ind">
                    {t('stock.rsi')} <b>{fmt.number(data.rsi[index], 1)}</b>
                  </span>
                  <span className="legend__ind">
                    MACD <b>{fmt.number(data.macd.macd[index], 2)}</b> / {t('stock.signal')}{' '}
                    <b>{fmt.number(data.macd.signal[index], 2)}</b>
                  </span>
                </>
              ) : null}
            </>
          ) : (
            <span>&nbsp;</span>
          )}
        </div>
        <div className="price-chart__frame">
          {data && bars.length > 0 ? (
            <PriceChart
              data={data}
              overlays={shown}
              visibleFrom={visibleFrom}
              levels={levels}
              labels={labels}
              lang={fmt.lang}
              ariaLabel={t('stock.chartLabel', { name })}
              onHover={setHover}
            />
          ) : prices.isError ? (
            <div className="price-chart__placeholder">
              <ErrorMessage error={prices.error} onRetry={() => void prices.refetch()} />
            </div>
          ) : data && bars.length === 0 ? (
            <div className="price-chart__placeholder">
              <p className="muted">{t('stock.noBars')}</p>
            </div>
          ) : (
            <div className="price-chart__placeholder" aria-busy="true">
              <span className="visually-hidden">{t('common.loading')}</span>
              <Skeleton height="100%" />
            </div>
          )}
        </div>
      </div>
      {levels ? (
        <ul className="level-legend">
          {levels.entry_low !== null && levels.entry_high !== null ? (
            <li>
              <span className="level-legend__swatch level-legend__swatch--entry" aria-hidden="true" />
              {t('stock.entryZone')} {fmt.yen(levels.entry_low)}〜{fmt.yen(levels.entry_high)}
            </li>
          ) : null}
          {levels.target_price !== null ? (
            <li>
              <span className="level-legend__swatch level-legend__swatch--target" aria-hidden="true" />
              {t('stock.target')} {fmt.yen(levels.target_price)}
            </li>
          ) : null}
          {levels.stop_loss_price !== null ? (
            <li>
              <span className="level-legend__swatch level-legend__swatch--stop" aria-hidden="true" />
              {t('stock.stopLoss')} {fmt.yen(levels.stop_loss_price)}
            </li>
          ) : null}
        </ul>
      ) : null}
    </Card>
  )
}
