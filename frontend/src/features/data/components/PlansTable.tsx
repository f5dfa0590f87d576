import type { JQuantsPlan, PlanRead } from '@/lib/api/dataSource'
import { useFormat } from '@/lib/format'
import { delayText, historyText, planName } from '../format'
import { useDataT } from '../i18n'

/** J-Quants' plans side by side: rate limit, history window and delay; the chosen one marked. */
export function PlansTable({ plans, selected }: { plans: PlanRead[]; selected: JQuantsPlan }) {
  const { t } = useDataT()
  const fmt = useFormat()
  return (
    <div className="table-wrap">
      <table className="table table--compact data-plans">
        <caption className="visually-hidden">{t('plans.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('plans.plan')}</th>
            <th scope="col" className="num">
              {t('plans.rate')}
            </th>
            <th scope="col">{t('plans.history')}</th>
            <th scope="col">{t('plans.delay')}</th>
          </tr>
        </thead>
        <tbody>
          {plans.map((plan) => (
            <tr key={plan.plan} className={plan.plan === selected ? 'data-plans__selected' : undefined} aria-current={plan.plan === selected || undefined}>
              <th scope="row">{planName(t, plan.plan)}</th>
              <td className="num">{t('plans.perMinute', { count: fmt.number(plan.requests_per_minute) })}</td>
              <td>{historyText(t, plan.history_years)}</td>
              <td>{delayText(t, plan.delay_weeks)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
