import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { Card } from '@/components/Card'
import { Change } from '@/components/Change'
import { ErrorMessage } from '@/components/ErrorMessage'
import { RecommendationBadge } from '@/components/RecommendationBadge'
import { ScoreChange } from '@/components/ScoreChange'
import { Skeleton } from '@/components/Skeleton'
import { usePolicies } from '@/lib/api/policies'
import type { BatchResult, WatchlistSummary } from '@/lib/api/types'
import { useFormat } from '@/lib/format'
import { stockName } from '@/lib/stockNames'
import { useEvaluateWatchlist, useRemoveFromWatchlist, useWatchlist } from '../hooks/queries'
import { useWatchlistT, type WatchlistT } from '../i18n'
import { WatchlistEditor } from './WatchlistEditor'

const ROW_HEIGHT = 49

/**
 * What "evaluate now" did, and why it left some out: which were already evaluated on the same data
 * and policy version, and which have no data. Japanese sentences run on; English ones take a space.
 */
function batchText(result: BatchResult, t: WatchlistT, en: boolean): string {
  const list = (codes: string[]) => codes.join(en ? ', ' : '、')
  const skipped = result.skipped_codes ?? []
  return [
    result.evaluated || (!result.skipped && !result.failed.length) ? t('evaluate.evaluated', { n: result.evaluated }) : '',
    skipped.length
      ? t('evaluate.skipped', { codes: list(skipped) })
      : result.skipped
        ? t('evaluate.skippedCount', { n: result.skipped })
        : '',
    result.failed.length ? t('evaluate.failed', { codes: list(result.failed) }) : '',
  ]
    .filter(Boolean)
    .join(en ? ' ' : '')
}

interface Props {
  summary: WatchlistSummary
  /** the list was deleted (the section says so: the card goes) */
  onDeleted: (name: string) => void
}

/** One watchlist: each stock's close, change and latest scores with their change; edited in place. */
export function WatchlistCard({ summary, onDeleted }: Props) {
  const { t } = useTranslation()
  const w = useWatchlistT().t
  const fmt = useFormat()
  const detail = useWatchlist(summary.id)
  const evaluate = useEvaluateWatchlist(summary.id)
  const removeItem = useRemoveFromWatchlist(summary.id)
  const policies = usePolicies()
  const [editing, setEditing] = useState(false)
  const [removed, setRemoved] = useState<string | null>(null)
  const rows = Math.max(summary.size, 1)
  const policyName =
    summary.policy_id === null ? null : (policies.data?.items.find((p) => p.id === summary.policy_id)?.name ?? null)

  return (
    <Card
      id={`watchlist-${summary.id}`}
      title={summary.name}
      level={3}
      actions={
        <>
          {summary.size > 0 ? (
            <button
              type="button"
              className="button button--small"
              onClick={() => evaluate.mutate()}
              disabled={evaluate.isPending}
            >
              {evaluate.isPending ? t('dashboard.evaluating') : t('dashboard.evaluateNow')}
            </button>
          ) : null}
          <button
            type="button"
            className="button button--small"
            aria-expanded={editing}
            onClick={() => {
              setEditing((open) => !open)
              setRemoved(null)
            }}
          >
            {editing ? w('manage.done') : w('manage.edit')}
          </button>
        </>
      }
    >
      {policyName ? <p className="muted wl-policy">{w('policy.current', { name: policyName })}</p> : null}
      {editing ? <WatchlistEditor summary={summary} onDeleted={onDeleted} /> : null}
      <p className="card__status" role="status">
        {evaluate.data ? batchText(evaluate.data, w, fmt.lang.startsWith('en')) : (removed ?? '')}
      </p>
      {evaluate.isError ? <ErrorMessage error={evaluate.error} compact /> : null}
      {removeItem.isError ? <ErrorMessage error={removeItem.error} compact /> : null}
      {detail.isPending ? (
        <div style={{ height: 41 + rows * ROW_HEIGHT }} className="table-skeleton" aria-busy="true">
          <span className="visually-hidden">{t('common.loading')}</span>
          {Array.from({ length: rows + 1 }, (_, i) => (
            <Skeleton key={i} height={i === 0 ? 29 : ROW_HEIGHT - 12} />
          ))}
        </div>
      ) : detail.isError ? (
        <ErrorMessage error={detail.error} onRetry={() => void detail.refetch()} />
      ) : detail.data.items.length === 0 ? (
        <p className="muted">{t('dashboard.emptyWatchlist')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table table--cards table--watchlist">
            <thead>
              <tr>
                <th scope="col">{t('dashboard.stock')}</th>
                <th scope="col" className="num">
                  {t('dashboard.close')}
                </th>
                <th scope="col" className="num">
                  {t('dashboard.changePct')}
                </th>
                <th scope="col" className="num">
                  {t('dashboard.buyScore')}
                </th>
                <th scope="col" className="num">
                  {t('dashboard.sellScore')}
                </th>
                <th scope="col" className="num">
                  {t('dashboard.matchScore')}
                </th>
                <th scope="col">{t('dashboard.recommendation')}</th>
                {editing ? (
                  <th scope="col">
                    <span className="visually-hidden">{w('manage.actions')}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {detail.data.items.map((item) => (
                <tr key={item.code}>
                  <th scope="row" className="stock-cell">
                    <Link to={`/stocks/${encodeURIComponent(item.code)}`} className="stock-link">
                      <span className="stock-link__code">{item.code}</span>{' '}
                      <span className="stock-link__name">{stockName(item, fmt.lang, item.code)}</span>
                    </Link>
                  </th>
                  <td className="num" data-label={t('dashboard.close')}>
                    {fmt.yen(item.close)}
                  </td>
                  <td className="num" data-label={t('dashboard.changePct')}>
                    <Change value={item.change_pct} format={(m) => fmt.pct(m)} />
                  </td>
                  {item.latest ? (
                    <>
                      <td className="num" data-label={t('dashboard.buyScore')}>
                        <ScoreChange score={item.latest.buy_score} change={item.latest.buy_change} />
                      </td>
                      <td className="num" data-label={t('dashboard.sellScore')}>
                        <ScoreChange score={item.latest.sell_score} change={item.latest.sell_change} />
                      </td>
                      <td className="num" data-label={t('dashboard.matchScore')}>
                        <ScoreChange score={item.latest.match_score} change={item.latest.match_change} />
                      </td>
                      <td className="rec-cell">
                        <RecommendationBadge value={item.latest.recommendation} />
                      </td>
                    </>
                  ) : (
                    <td colSpan={4} className="muted not-evaluated">
                      {t('dashboard.notEvaluated')}
                    </td>
                  )}
                  {editing ? (
                    <td className="wl-remove-cell">
                      <button
                        type="button"
                        className="button button--small"
                        aria-label={w('manage.removeLabel', { code: item.code, name: stockName(item, fmt.lang) }).replace('  ', ' ')}
                        disabled={removeItem.isPending}
                        onClick={() =>
                          removeItem.mutate(item.code, {
                            onSuccess: () => {
                              evaluate.reset()
                              setRemoved(w('manage.removed', { code: item.code }))
                            },
                          })
                        }
                      >
                        {w('manage.remove')}
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  )
}
