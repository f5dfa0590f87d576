import { useTranslation } from 'react-i18next'
import { Card } from '@/components/Card'
import { EmptyState } from '@/components/EmptyState'
import { ErrorMessage } from '@/components/ErrorMessage'
import { SkeletonBlock } from '@/components/Skeleton'
import { useWatchlists } from '../hooks/queries'
import { WatchlistCard } from './WatchlistCard'

export function WatchlistsSection() {
  const { t } = useTranslation()
  const watchlists = useWatchlists()

  if (watchlists.isPending) {
    return (
      <Card title={t('dashboard.watchlists')} id="watchlists">
        <div style={{ minHeight: 240 }}>
          <SkeletonBlock lines={5} lineHeight={32} />
        </div>
      </Card>
    )
  }
  if (watchlists.isError) {
    return (
      <Card title={t('dashboard.watchlists')} id="watchlists">
        <ErrorMessage error={watchlists.error} onRetry={() => void watchlists.refetch()} />
      </Card>
    )
  }
  if (watchlists.data.items.length === 0) {
    return (
      <Card title={t('dashboard.watchlists')} id="watchlists">
        <EmptyState title={t('dashboard.noWatchlistsTitle')} icon="☆">
          <p>{t('dashboard.noWatchlistsBody')}</p>
        </EmptyState>
      </Card>
    )
  }
  return (
    <section className="stack" aria-labelledby="watchlists-title">
      <h2 className="section-title" id="watchlists-title">
        {t('dashboard.watchlists')}
      </h2>
      {watchlists.data.items.map((summary) => (
        <WatchlistCard key={summary.id} summary={summary} />
      ))}
    </section>
  )
}
