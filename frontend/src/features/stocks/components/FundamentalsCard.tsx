import type { ParseKeys } from 'i18next'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Card } from '@/components/Card'
import { ErrorMessage } from '@/components/ErrorMessage'
import { SkeletonBlock } from '@/components/Skeleton'
import type { FundamentalsSummary } from '@/lib/api/types'
import { useFormat, type Formatters } from '@/lib/format'
import { useFinancials } from '../hooks/queries'

type MetricKey = 'per' | 'forward_per' | 'pbr' | 'roe' | 'dividend_yield' | 'equity_ratio' | 'payout_ratio' | 'market_cap' | 'eps' | 'forecast_eps' | 'bps' | 'forecast_dps'

const METRICS: { key: MetricKey; label: ParseKeys; kind: 'multiple' | 'pct' | 'yen' | 'cap' }[] = [
  { key: 'per', label: 'stock.per', kind: 'multiple' },
  { key: 'forward_per', label: 'stock.forwardPer', kind: 'multiple' },
  { key: 'pbr', label: 'stock.pbr', kind: 'multiple' },
  { key: 'roe', label: 'stock.roe', kind: 'pct' },
  { key: 'dividend_yield', label: 'stock.dividendYield', kind: 'pct' },
  { key: 'payout_ratio', label: 'stock.payoutRatio', kind: 'pct' },
  { key: 'equity_ratio', label: 'stock.equityRatio', kind: 'pct' },
  { key: 'market_cap', label: 'stock.marketCap', kind: 'cap' },
  { key: 'eps', label: 'stock.eps', kind: 'yen' },
  { key: 'forecast_eps', label: 'stock.forecastEps', kind: 'yen' },
  { key: 'bps', label: 'stock.bps', kind: 'yen' },
  { key: 'forecast_dps', label: 'stock.forecastDps', kind: 'yen' },
]

function show(summary: FundamentalsSummary, key: MetricKey, kind: string, fmt: Formatters): string {
  const value = (summary as Partial<Record<MetricKey, number | null>>)[key]
  switch (kind) {
    case 'multiple':
      return fmt.multiple(value)
    case 'pct':
      return fmt.pct(value)
    case 'cap':
      return fmt.yen(value, { compact: true })
    default:
      return fmt.yen(value, { maxFractionDigits: 2 })
  }
}

const SHOWN = 6

/** Valuation at the last close and every disclosure (GET /stocks/{code}/financials). */
export function FundamentalsCard({ code }: { code: string }) {
  const { t } = useTranslation()
  const fmt = useFormat()
  const financials = useFinancials(code)
  const [all, setAll] = useState(false)

  if (financials.isPending) {
    return (
      <Card title={t('stock.fundamentals')} id="fundamentals">
        <div style={{ minHeight: 300 }}>
          <SkeletonBlock lines={6} lineHeight={36} />
        </div>
      </Card>
    )
  }
  if (financials.isError) {
    return (
      <Card title={t('stock.fundamentals')} id="fundamentals">
        <ErrorMessage error={financials.error} onRetry={() => void financials.refetch()} />
      </Card>
    )
  }
  const { latest, items } = financials.data
  const history = [...items].reverse()
  const rows = all ? history : history.slice(0, SHOWN)
  return (
    <Card title={t('stock.fundamentals')} id="fundamentals">
      {latest ? (
        <>
          <dl className="metrics">
            {METRICS.map((metric) => (
              <div key={metric.key} className="metrics__item">
                <dt>{t(metric.label)}</dt>
                <dd>{show(latest, metric.key, metric.kind, fmt)}</dd>
              </div>
            ))}
          </dl>
          <p className="footnote">
            {t('stock.latestDisclosure', { date: fmt.date(latest.disclosed_date), period: latest.period_type })}
          </p>
        </>
      ) : (
        <p className="muted">{t('stock.noFundamentals')}</p>
      )}
      {history.length ? (
        <>
          <h3 className="subheading">{t('stock.disclosures')}</h3>
          <div className="table-wrap">
            <table className="table table--compact">
              <thead>
                <tr>
                  <th scope="col">
                    {t('stock.disclosedDate')} / {t('stock.periodType')}
                  </th>
                  <th scope="col" className="num">
                    {t('stock.sales')}
                  </th>
                  <th scope="col" className="num">
                    {t('stock.operatingProfit')}
                  </th>
                  <th scope="col" className="num hide-sm">
                    {t('stock.netIncome')}
                  </th>
                  <th scope="col" className="num">
                    {t('stock.eps')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((item) => (
                  <tr key={`${item.disclosed_date}-${item.period_type}-${item.period_end}`}>
                    <td>
                      <span className="disclosure-date">
                        {fmt.date(item.disclosed_date)}
                        <small>
                          {item.period_type} · {item.period_end.slice(0, 7)}
                        </small>
                      </span>
                    </td>
                    <td className="num">{fmt.yen(item.sales, { compact: true })}</td>
                    <td className="num">{fmt.yen(item.operating_profit, { compact: true })}</td>
                    <td className="num hide-sm">{fmt.yen(item.net_income, { compact: true })}</td>
                    <td className="num">{fmt.number(item.eps, 1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {history.length > SHOWN ? (
            <button type="button" className="button button--link" aria-expanded={all} onClick={() => setAll((a) => !a)}>
              {all ? t('common.showLess') : `${t('common.showMore')} (${history.length})`}
            </button>
          ) : null}
        </>
      ) : null}
    </Card>
  )
}
