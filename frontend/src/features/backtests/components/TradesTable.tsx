import { useState } from 'react'
import { Link } from 'react-router'
import { useFormat } from '@/lib/format'
import { useBacktestsT } from '../i18n'
import type { Trade } from '../model/types'

/** Rows shown before "show all": a long run has hundreds of trades. */
const FIRST_ROWS = 50

/**
 * Every closed trade: dates and prices, shares, P&L, how long it was held and why it was sold (in
 * the policy's words). Each stock links to its page; the table scrolls sideways on a phone.
 */
export function TradesTable({ trades }: { trades: Trade[] }) {
  const { t } = useBacktestsT()
  const fmt = useFormat()
  const [all, setAll] = useState(false)
  const rows = all ? trades : trades.slice(0, FIRST_ROWS)
  return (
    <section className="bt-section" aria-labelledby="bt-trades-title">
      <h2 className="subheading" id="bt-trades-title">
        {t('trades.title')}
      </h2>
      {trades.length === 0 ? (
        <p className="muted">{t('trades.none')}</p>
      ) : (
        <div className="table-wrap bt-scroll" tabIndex={0} role="group" aria-label={t('trades.caption', { count: trades.length })}>
          <table className="table table--compact bt-trades">
            <caption className="visually-hidden">{t('trades.caption', { count: trades.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('trades.symbol')}</th>
                <th scope="col">{t('trades.entry')}</th>
                <th scope="col" className="num">{t('trades.entryPrice')}</th>
                <th scope="col">{t('trades.exit')}</th>
                <th scope="col" className="num">{t('trades.exitPrice')}</th>
                <th scope="col" className="num">{t('trades.shares')}</th>
                <th scope="col" className="num">{t('trades.pnl')}</th>
                <th scope="col" className="num">{t('trades.holding')}</th>
                <th scope="col">{t('trades.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((trade, index) => {
                const gain = (trade.pnl ?? 0) > 0 ? 'bt-gain' : (trade.pnl ?? 0) < 0 ? 'bt-loss' : ''
                return (
                  <tr key={`${trade.symbol}-${trade.entry_date}-${index}`}>
                    <th scope="row">
                      <Link
                        className="stock-link__code"
                        to={`/stocks/${encodeURIComponent(trade.symbol)}`}
                        aria-label={t('trades.openStock', { code: trade.symbol })}
                      >
                        {trade.symbol}
                      </Link>
                    </th>
                    <td className="nowrap">{fmt.date(trade.entry_date)}</td>
                    <td className="num">{fmt.yen(trade.entry_price)}</td>
                    <td className="nowrap">{fmt.date(trade.exit_date)}</td>
                    <td className="num">{fmt.yen(trade.exit_price)}</td>
                    <td className="num">{fmt.number(trade.shares)}</td>
                    <td className={`num nowrap ${gain}`}>
                      {fmt.yen(trade.pnl, { signed: true, maxFractionDigits: 0 })}
                      <span className="bt-trades__pct">{fmt.pct(trade.return_pct, { signed: true, digits: 1 })}</span>
                    </td>
                    <td className="num nowrap">{t('trades.days', { n: fmt.number(trade.holding_sessions) })}</td>
                    <td className="bt-trades__reason">{trade.reason_text}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      {!all && trades.length > FIRST_ROWS ? (
        <button type="button" className="button button--small" onClick={() => setAll(true)}>
          {t('trades.more', { count: trades.length })}
        </button>
      ) : null}
    </section>
  )
}
