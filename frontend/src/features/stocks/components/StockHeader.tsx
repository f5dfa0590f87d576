import { useTranslation } from 'react-i18next'
import { Change } from '@/components/Change'
import type { NextEarnings, StockDetail } from '@/lib/api/types'
import { useFormat } from '@/lib/format'
import { otherStockName, sectorName, stockName } from '@/lib/stockNames'
import { AddToWatchlist } from './AddToWatchlist'

const MARKETS = ['prime', 'standard', 'growth', 'other'] as const

/** The estimated next results date, with the sessions left (決算発表予定日). */
function NextEarningsLine({ next }: { next: NextEarnings }) {
  const { t } = useTranslation()
  const fmt = useFormat()
  const date = fmt.date(next.date)
  const text =
    next.days < 0
      ? t('stock.nextEarningsOverdue', { date })
      : next.sessions !== null && next.sessions !== undefined
        ? t('stock.nextEarningsSessions', { date, n: next.sessions })
        : date
  return (
    <div className="stock-header__earnings">
      <span className="muted">{t('stock.nextEarnings')}</span> {text}
    </div>
  )
}

/** Code, name, sector, market, last close with change, the as-of date and the next earnings. */
export function StockHeader({ stock }: { stock: StockDetail }) {
  const { t, i18n } = useTranslation()
  const fmt = useFormat()
  const market = MARKETS.find((m) => m === stock.market)
  const lang = i18n.language
  const secondName = otherStockName(stock, lang)
  const sector = sectorName(stock, lang)
  return (
    <header className="stock-header card">
      <div className="stock-header__identity">
        <div className="stock-header__codes">
          <span className="code-badge">{stock.code}</span>
          {market ? <span className="chip">{t(`market.${market}`)}</span> : null}
          {sector ? <span className="chip">{sector}</span> : null}
          <span className="chip chip--muted">{t('stock.lot', { lot: fmt.number(stock.lot_size) })}</span>
          {stock.demo ? <span className="chip chip--demo">{t('common.demo')}</span> : null}
        </div>
        <h1 className="stock-header__name">{stockName(stock, lang)}</h1>
        {secondName ? <p className="stock-header__sub">{secondName}</p> : null}
      </div>
      <div className="stock-header__price">
        <div className="stock-header__close">
          <span className="visually-hidden">{t('stock.lastClose')}</span>
          {fmt.yen(stock.last_close)}
        </div>
        <div className="stock-header__change">
          <span className="visually-hidden">{t('stock.change')}</span>
          <Change value={stock.change} format={(m) => fmt.yen(m)} />
          <span className="stock-header__pct">
            (<Change value={stock.change_pct} format={(m) => fmt.pct(m)} />)
          </span>
        </div>
        <div className="stock-header__asof muted">{stock.as_of ? t('common.asOf', { date: fmt.date(stock.as_of) }) : ''}</div>
        {stock.next_earnings ? <NextEarningsLine next={stock.next_earnings} /> : null}
      </div>
      <div className="stock-header__actions">
        <AddToWatchlist code={stock.code} />
      </div>
    </header>
  )
}
