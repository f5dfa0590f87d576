import type { MouseEvent } from 'react'
import { Link, useNavigate } from 'react-router'
import { RecommendationBadge } from '@/components/RecommendationBadge'
import type { EvaluationSummary } from '@/lib/api/types'
import { useFormat } from '@/lib/format'
import { stockName } from '@/lib/stockNames'
import { useHistoryT } from '../i18n'

export function useTriggerLabel() {
  const { t } = useHistoryT()
  return (trigger: string) => t(`trigger.${trigger as 'manual'}`, { defaultValue: trigger })
}

/** The evaluations, newest first; a row (or its date link) opens the evaluation. */
export function EvaluationTable({ items }: { items: EvaluationSummary[] }) {
  const { t } = useHistoryT()
  const fmt = useFormat()
  const navigate = useNavigate()
  const triggerLabel = useTriggerLabel()

  function openRow(event: MouseEvent<HTMLTableRowElement>, id: number) {
    if ((event.target as HTMLElement).closest('a, button')) return
    navigate(`/history/${id}`)
  }

  return (
    <div className="table-wrap his-table-wrap">
      <table className="table table--cards his-table" aria-label={t('tableLabel')}>
        <thead>
          <tr>
            <th scope="col">{t('col.date')}</th>
            <th scope="col">{t('col.stock')}</th>
            <th scope="col">{t('col.policy')}</th>
            <th scope="col" className="num">
              {t('col.buy')}
            </th>
            <th scope="col" className="num">
              {t('col.sell')}
            </th>
            <th scope="col" className="num">
              {t('col.match')}
            </th>
            <th scope="col">{t('col.recommendation')}</th>
            <th scope="col">{t('col.trigger')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id} className="his-row" onClick={(event) => openRow(event, item.id)}>
              <th scope="row" className="his-date">
                <Link to={`/history/${item.id}`} className="his-date__link">
                  {fmt.date(item.as_of)}
                </Link>
                <span className="his-date__time muted">{fmt.dateTime(item.created_at)}</span>
              </th>
              <td className="his-stock">
                <span className="stock-link__code">{item.stock_code}</span> <span className="his-stock__name">{stockName({ name: item.stock_name, name_en: item.stock_name_en }, fmt.lang)}</span>
              </td>
              <td className="his-policy" data-label={t('col.policy')}>
                {item.policy_name
                  ? t('policyVersion', { name: item.policy_name, version: item.policy_version ?? 1 })
                  : item.policy_id
                    ? `#${item.policy_id}`
                    : t('noPolicy')}
              </td>
              <td className="num" data-label={t('col.buy')}>
                {fmt.number(item.buy_score, 1)}
              </td>
              <td className="num" data-label={t('col.sell')}>
                {fmt.number(item.sell_score, 1)}
              </td>
              <td className="num" data-label={t('col.match')}>
                {fmt.number(item.match_score, 1)}
              </td>
              <td className="his-rec">
                <RecommendationBadge value={item.recommendation} />
              </td>
              <td className="his-trigger" data-label={t('col.trigger')}>
                {triggerLabel(item.trigger)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
