import { Link } from 'react-router'
import { usePageTitle } from '@/lib/usePageTitle'
import { useBacktestsT } from '../i18n'
import { BacktestList } from './BacktestList'
import '../backtests.css'

/** /backtests: the user's runs, a way to start one, and the pick of two to compare. */
export function BacktestsPage() {
  const { t } = useBacktestsT()
  usePageTitle(t('title'))
  return (
    <div className="page bt-page">
      <div className="bt-page__head">
        <div>
          <h1 className="page__title">{t('title')}</h1>
          <p className="muted">{t('lead')}</p>
        </div>
        <Link className="button button--primary" to="/backtests/new">
          {t('new')}
        </Link>
      </div>
      <BacktestList />
    </div>
  )
}
