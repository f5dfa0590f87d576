import { useTranslation } from 'react-i18next'
import { usePageTitle } from '@/lib/usePageTitle'
import { DataStatusCard } from './DataStatusCard'
import { GradingCard } from './GradingCard'
import { LatestEvaluations } from './LatestEvaluations'
import { MarketOverviewCard } from './MarketOverviewCard'
import { WatchlistsSection } from './WatchlistsSection'

/** Watchlists with their latest scores, the market's latest session, the latest evaluations, and data freshness. */
export function DashboardPage() {
  const { t } = useTranslation()
  usePageTitle(t('dashboard.title'))
  return (
    <div className="page">
      <h1 className="page__title">{t('dashboard.title')}</h1>
      <div className="dashboard">
        <div className="dashboard__main">
          <WatchlistsSection />
          <p className="footnote">{t('dashboard.colorNote')}</p>
        </div>
        <aside className="dashboard__side">
          <MarketOverviewCard />
          <DataStatusCard />
          <LatestEvaluations />
          <GradingCard />
        </aside>
      </div>
    </div>
  )
}
