import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { Card } from '@/components/Card'
import { Change } from '@/components/Change'
import { ErrorMessage } from '@/components/ErrorMessage'
import { RecommendationBadge } from '@/components/RecommendationBadge'
import { ScoreChange } from '@/components/ScoreChange'
import { Skeleton } from '@/components/Skeleton'
import type { WatchlistSummary } from '@/lib/api/types'
import { useFormat } from '@/lib/format'
import { useEvaluateWatchlist, useWatchlist } from '../hooks/queries'

const ROW_HEIGHT = 49

/** One watchlist: each stock's close, change and latest scores with their change. */
export function WatchlistCard({ summary }: { summary: WatchlistSummary }) {
  const { t } = useTranslation()
  const fmt = useFormat()
  const detail = useWatchlist(summary.id)
  const evaluate = useEvaluateWatchlist(summary.id)
  const rows = Math.max(summary.size, 1)

  return (
    <Card
      id={`watchlist-${summary.id}`}
      title={summary.name}
      level={3}
      actions={
        summary.size > 0 ? (
          <button
            type="button"
            className="button button--small"
            onClick={() => evaluate.mutate()}
            disabled={evaluate.isPending}
          >
            {evaluate.isPending ? t('dashboard.evaluating') : t('dashboard.evaluateNow')}
          </button>
        ) : null
      }
    >
      <p className="card__status" role="status">
        {evaluate.data
          ? t('dashboard.evaluatedResult', { evaluated: evaluate.data.evaluated, skipped: evaluate.data.skipped })
          : ''}
      </p>
      {evaluate.isError ? <ErrorMessage error={evaluate.error} compact /> : null}
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
              </tr>
            </thead>
            <tbody>
              {detail.data.items.map((item) => (
                <tr key={item.code}>
                  <th scope="row" className="stock-cell">
                    <Link to={`/stocks/${encodeURIComponent(item.code)}`} className="stock-link">
                      <span className="stock-link__code">{item.code}</span>{' '}
                      <span className="stock-link__name">{item.name ?? item.code}</span>
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
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  )
}
