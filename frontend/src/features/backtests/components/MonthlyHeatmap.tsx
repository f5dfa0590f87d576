import { useFormat } from '@/lib/format'
import { useBacktestsT } from '../i18n'
import { heatColor, heatmapRows } from '../model/heatmap'
import type { MonthlyReturn } from '../model/types'

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1)

/**
 * Monthly returns as a table of years × months, green for a gain and red for a loss: every cell
 * says its figure (and, to a screen reader, its month), so the colour is never the only signal.
 */
export function MonthlyHeatmap({ months }: { months: MonthlyReturn[] }) {
  const { t } = useBacktestsT()
  const fmt = useFormat()
  const rows = heatmapRows(months)
  if (!rows.length) return null
  return (
    <section className="bt-section" aria-labelledby="bt-monthly-title">
      <h2 className="subheading" id="bt-monthly-title">
        {t('monthly.title')}
      </h2>
      <div className="table-wrap bt-scroll" tabIndex={0} role="group" aria-label={t('monthly.caption')}>
        <table className="bt-heatmap">
          <caption className="visually-hidden">{t('monthly.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('monthly.year')}</th>
              {MONTHS.map((m) => (
                <th scope="col" key={m}>
                  {t('monthly.month', { m })}
                </th>
              ))}
              <th scope="col">{t('monthly.total')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.year}>
                <th scope="row">{row.year}</th>
                {row.months.map((value, i) => {
                  const text = value === null ? t('monthly.none') : fmt.pct(value, { signed: true, digits: 1 })
                  return (
                    <td
                      key={i}
                      className={`bt-heatmap__cell ${value === null ? 'bt-heatmap__cell--empty' : value >= 0 ? 'bt-heatmap__cell--gain' : 'bt-heatmap__cell--loss'}`}
                      style={{ background: heatColor(value) }}
                      aria-label={t('monthly.cell', { year: row.year, m: i + 1, value: text })}
                    >
                      {text}
                    </td>
                  )
                })}
                <td className="bt-heatmap__cell bt-heatmap__total" style={{ background: heatColor(row.total) }}>
                  {row.total === null ? t('monthly.none') : fmt.pct(row.total, { signed: true, digits: 1 })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}
