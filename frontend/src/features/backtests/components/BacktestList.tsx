import { useState } from 'react'
import { Link, useNavigate } from 'react-router'
import { EmptyState } from '@/components/EmptyState'
import { ErrorMessage } from '@/components/ErrorMessage'
import { SkeletonBlock } from '@/components/Skeleton'
import { usePolicies } from '@/lib/api/policies'
import { useFormat } from '@/lib/format'
import { useBacktests, useDeleteBacktest } from '../hooks/queries'
import { useBacktestsT } from '../i18n'
import { type BacktestRead, paramsOf, summaryOf } from '../model/types'

/** The delete button of a row, which asks first (in the row, no dialog to lose on a phone). */
function DeleteButton({ backtest }: { backtest: BacktestRead }) {
  const { t } = useBacktestsT()
  const remove = useDeleteBacktest()
  const [asking, setAsking] = useState(false)
  if (!asking) {
    return (
      <button type="button" className="button button--small" onClick={() => setAsking(true)}>
        {t('list.delete')}
      </button>
    )
  }
  return (
    <span className="bt-confirm" role="group" aria-label={t('list.confirm', { id: backtest.id })}>
      <span className="bt-confirm__text">{t('list.confirm', { id: backtest.id })}</span>
      <button type="button" className="button button--small bt-button--danger" disabled={remove.isPending} onClick={() => remove.mutate(backtest.id)}>
        {remove.isPending ? t('list.deleting') : t('list.confirmYes')}
      </button>
      <button type="button" className="button button--small" onClick={() => setAsking(false)}>
        {t('list.cancel')}
      </button>
      {remove.error ? <ErrorMessage error={remove.error} compact /> : null}
    </span>
  )
}

/** The user's past runs, newest first: open, delete, or pick two to compare. */
export function BacktestList() {
  const { t } = useBacktestsT()
  const fmt = useFormat()
  const navigate = useNavigate()
  const list = useBacktests()
  const policies = usePolicies()
  const [picked, setPicked] = useState<number[]>([])
  const names = new Map((policies.data?.items ?? []).map((p) => [p.id, p.name]))

  const toggle = (id: number) =>
    setPicked((current) => (current.includes(id) ? current.filter((x) => x !== id) : [...current, id].slice(-2)))

  let body
  if (list.error) body = <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
  else if (!list.data) body = <SkeletonBlock lines={4} />
  else if (list.data.length === 0) body = <EmptyState title={t('list.empty')} />
  else {
    body = (
      <>
        <div className="table-wrap bt-scroll" tabIndex={0} role="group" aria-label={t('list.title')}>
          <table className="table table--compact bt-list">
            <caption className="visually-hidden">{t('list.title')}</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">{t('list.pick')}</span>
                </th>
                <th scope="col">#</th>
                <th scope="col">{t('list.policy')}</th>
                <th scope="col">{t('list.period')}</th>
                <th scope="col">{t('list.status')}</th>
                <th scope="col" className="num">{t('list.result')}</th>
                <th scope="col">{t('list.created')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('list.delete')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((backtest) => {
                const params = paramsOf(backtest)
                const summary = summaryOf(backtest)
                const name = `${names.get(backtest.policy_id) ?? t('run.untitled', { id: backtest.policy_id })} v${backtest.policy_version}`
                return (
                  <tr key={backtest.id} data-backtest={backtest.id}>
                    <td>
                      <input
                        type="checkbox"
                        checked={picked.includes(backtest.id)}
                        disabled={backtest.status !== 'succeeded'}
                        onChange={() => toggle(backtest.id)}
                        aria-label={`${t('list.pick')}: #${backtest.id} ${name}`}
                      />
                    </td>
                    <td className="num">{backtest.id}</td>
                    <td>
                      <Link to={`/backtests/${backtest.id}`}>{name}</Link>
                    </td>
                    <td className="nowrap">
                      {fmt.date(params.start)}〜{fmt.date(params.end)}
                    </td>
                    <td>
                      <span className={`status status--${backtest.status}`}>{t(`list.status_${backtest.status}`)}</span>
                    </td>
                    <td className={`num ${summary && summary.return_pct > 0 ? 'bt-gain' : summary && summary.return_pct < 0 ? 'bt-loss' : ''}`}>
                      {summary ? fmt.pct(summary.return_pct, { signed: true }) : '—'}
                    </td>
                    <td className="nowrap">{fmt.dateTime(backtest.created_at)}</td>
                    <td>
                      <DeleteButton backtest={backtest} />
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
        <div className="bt-list__compare">
          <span className="muted" aria-live="polite">
            {t('list.pickedCount', { count: picked.length })}
          </span>
          <button
            type="button"
            className="button"
            disabled={picked.length !== 2}
            onClick={() => navigate(`/backtests/compare?a=${picked[0]}&b=${picked[1]}`)}
          >
            {t('list.compareSelected')}
          </button>
        </div>
      </>
    )
  }

  return (
    <section className="bt-section" aria-labelledby="bt-list-title">
      <h2 className="subheading" id="bt-list-title">
        {t('list.title')}
      </h2>
      {body}
    </section>
  )
}
