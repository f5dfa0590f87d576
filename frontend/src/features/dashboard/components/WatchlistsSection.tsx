import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Card } from '@/components/Card'
import { EmptyState } from '@/components/EmptyState'
import { ErrorMessage } from '@/components/ErrorMessage'
import { SkeletonBlock } from '@/components/Skeleton'
import { useWatchlists } from '../hooks/queries'
import { useWatchlistT } from '../i18n'
import { NewWatchlistForm } from './NewWatchlistForm'
import { WatchlistCard } from './WatchlistCard'

/** The user's watchlists, each in its card (edited there), and a form to start a new one. */
export function WatchlistsSection() {
  const { t } = useTranslation()
  const w = useWatchlistT().t
  const watchlists = useWatchlists()
  const [deleted, setDeleted] = useState<string | null>(null)
  const deletedNote = (
    <p className="card__status" role="status">
      {deleted ? w('manage.deleted', { name: deleted }) : ''}
    </p>
  )

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
        {deletedNote}
        <EmptyState title={t('dashboard.noWatchlistsTitle')} icon="☆">
          <p>{t('dashboard.noWatchlistsBody')}</p>
        </EmptyState>
        <NewWatchlistForm />
      </Card>
    )
  }
  return (
    <section className="stack" aria-labelledby="watchlists-title">
      <h2 className="section-title" id="watchlists-title">
        {t('dashboard.watchlists')}
      </h2>
      {deletedNote}
      {watchlists.data.items.map((summary) => (
        <WatchlistCard key={summary.id} summary={summary} onDeleted={setDeleted} />
      ))}
      <Card title={w('create.title')} id="watchlist-new" level={3}>
        <NewWatchlistForm />
      </Card>
    </section>
  )
}
