import { useMemo, useState, type MouseEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router'
import { Change } from '@/components/Change'
import { RecommendationBadge } from '@/components/RecommendationBadge'
import { useFormat, type Formatters } from '@/lib/format'
import { sectorName, stockName } from '@/lib/stockNames'
import { useScreenerT } from '../i18n'
import { nextSort, sortItems, type ScreenItem, type Sort, type SortKey } from '../model/sort'

type ColumnLabel =
  | 'rank'
  | 'stock'
  | 'match'
  | 'buy'
  | 'sell'
  | 'recommendation'
  | 'close'
  | 'change'
  | 'per'
  | 'pbr'
  | 'roe'
  | 'dividendYield'
  | 'rsi'
  | 'return60'
  | 'marketCap'

interface Column {
  key: SortKey
  label: ColumnLabel
  numeric: boolean
  render: (item: ScreenItem, fmt: Formatters) => ReactNode
}

function ScoreBar({ value, tone }: { value: number | null; tone: 'match' | 'buy' | 'sell' }) {
  const fmt = useFormat()
  return (
    <span className={`scr-score scr-score--${tone}`}>
      <span className="scr-score__value">{fmt.number(value, 1)}</span>
      <span className="scr-score__bar" aria-hidden="true">
        <span style={{ width: `${Math.max(0, Math.min(100, value ?? 0))}%` }} />
      </span>
    </span>
  )
}

const COLUMNS: Column[] = [
  { key: 'match_score', label: 'match', numeric: true, render: (i) => <ScoreBar value={i.match_score} tone="match" /> },
  { key: 'buy_score', label: 'buy', numeric: true, render: (i, f) => f.number(i.buy_score, 1) },
  { key: 'sell_score', label: 'sell', numeric: true, render: (i, f) => f.number(i.sell_score, 1) },
  { key: 'recommendation', label: 'recommendation', numeric: false, render: (i) => <RecommendationBadge value={i.recommendation} /> },
  { key: 'close', label: 'close', numeric: true, render: (i, f) => f.yen(i.close) },
  { key: 'change_pct', label: 'change', numeric: true, render: (i, f) => <Change value={i.change_pct} format={(m) => f.pct(m)} /> },
  { key: 'per', label: 'per', numeric: true, render: (i, f) => f.multiple(i.per) },
  { key: 'pbr', label: 'pbr', numeric: true, render: (i, f) => f.multiple(i.pbr) },
  { key: 'roe', label: 'roe', numeric: true, render: (i, f) => f.pct(i.roe, { digits: 1 }) },
  { key: 'dividend_yield', label: 'dividendYield', numeric: true, render: (i, f) => f.pct(i.dividend_yield) },
  { key: 'rsi_14', label: 'rsi', numeric: true, render: (i, f) => f.number(i.rsi_14, 1) },
  {
    key: 'return_60d_pct',
    label: 'return60',
    numeric: true,
    render: (i, f) => <Change value={i.return_60d_pct} format={(m) => f.pct(m, { digits: 1 })} />,
  },
  { key: 'market_cap', label: 'marketCap', numeric: true, render: (i, f) => f.yen(i.market_cap, { compact: true }) },
]

interface SortHeaderProps {
  sortKey: SortKey
  label: string
  sort: Sort
  numeric: boolean
  className?: string
  onSort: (key: SortKey) => void
}

function SortHeader({ sortKey, label, sort, numeric, className = '', onSort }: SortHeaderProps) {
  const active = sort.key === sortKey
  return (
    <th
      scope="col"
      className={`scr-th ${numeric ? 'num' : ''} ${active ? 'scr-th--sorted' : ''} ${className}`}
      aria-sort={active ? sort.direction : undefined}
    >
      <button type="button" className="scr-sort" onClick={() => onSort(sortKey)}>
        <span>{label}</span>
        <span className="scr-sort__icon" aria-hidden="true">
          {active ? (sort.direction === 'ascending' ? '▲' : '▼') : '⇅'}
        </span>
      </button>
    </th>
  )
}

/** The stock page with the policy of the ranking kept (the stock page selects it). */
function stockPath(code: string, policyId: number | undefined): string {
  const path = `/stocks/${encodeURIComponent(code)}`
  return policyId ? `${path}?policy=${policyId}` : path
}

/**
 * The ranking as a table sortable by every column (buttons in the headers, aria-sort on the sorted
 * one). On a phone it scrolls sideways with rank and stock kept in view. A row opens the stock,
 * under the ranking's policy.
 */
export function ResultsTable({ items, policyId }: { items: ScreenItem[]; policyId?: number }) {
  const { t } = useScreenerT()
  const common = useTranslation().t
  const fmt = useFormat()
  const navigate = useNavigate()
  const [sort, setSort] = useState<Sort>({ key: 'rank', direction: 'ascending' })
  const [announcement, setAnnouncement] = useState('')
  const rows = useMemo(() => sortItems(items, sort), [items, sort])

  const labelOf = (key: SortKey): string => {
    if (key === 'rank') return t('col.rank')
    if (key === 'stock_code') return t('col.stock')
    return t(`col.${COLUMNS.find((c) => c.key === key)!.label}`)
  }

  function onSort(key: SortKey) {
    const next = nextSort(sort, key)
    setSort(next)
    setAnnouncement(t('sorted', { column: labelOf(key), direction: t(next.direction) }))
  }

  function openRow(event: MouseEvent<HTMLTableRowElement>, code: string) {
    if ((event.target as HTMLElement).closest('a, button')) return
    navigate(stockPath(code, policyId))
  }

  return (
    <>
      <div className="table-wrap scr-table-wrap" tabIndex={0} role="region" aria-label={t('tableLabel')}>
        <table className="table scr-table">
          <thead>
            <tr>
              <SortHeader sortKey="rank" label={t('col.rank')} sort={sort} numeric onSort={onSort} className="scr-sticky scr-sticky--rank" />
              <SortHeader sortKey="stock_code" label={t('col.stock')} sort={sort} numeric={false} onSort={onSort} className="scr-sticky scr-sticky--stock" />
              {COLUMNS.map((column) => (
                <SortHeader key={column.key} sortKey={column.key} label={t(`col.${column.label}`)} sort={sort} numeric={column.numeric} onSort={onSort} />
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((item) => (
              <tr key={item.stock_code} className="scr-row" onClick={(event) => openRow(event, item.stock_code)}>
                <td className="num scr-sticky scr-sticky--rank scr-rank">{item.rank}</td>
                <th scope="row" className="scr-sticky scr-sticky--stock">
                  <Link to={stockPath(item.stock_code, policyId)} className="stock-link scr-stock">
                    <span className="stock-link__code">{item.stock_code}</span>
                    <span className="stock-link__name">{stockName(item, fmt.lang)}</span>
                  </Link>
                  <span className="scr-stock__meta">
                    {[sectorName(item, fmt.lang), item.market ? common(`market.${item.market as 'prime'}`, { defaultValue: item.market }) : '']
                      .filter(Boolean)
                      .join(' · ')}
                  </span>
                </th>
                {COLUMNS.map((column) => (
                  <td key={column.key} className={column.numeric ? 'num' : 'scr-rec'}>
                    {column.render(item, fmt)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <span className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </span>
    </>
  )
}
