import { Link, useLocation, useNavigate, useSearchParams } from 'react-router'
import { usePageTitle } from '@/lib/usePageTitle'
import { useCreateBacktest } from '../hooks/queries'
import { useBacktestsT } from '../i18n'
import type { StoredParams } from '../model/types'
import { BacktestForm } from './BacktestForm'
import '../backtests.css'

function policyParam(value: string | null): number | null {
  const id = Number(value)
  return value && Number.isInteger(id) && id > 0 ? id : null
}

/**
 * /backtests/new?policy=ID: the form (the policy page's "バックテスト" button fills the policy in;
 * "run again" passes the earlier run's settings as history state); once sent, the run's page.
 */
export function NewBacktestPage() {
  const { t } = useBacktestsT()
  usePageTitle(t('newTitle'))
  const [search] = useSearchParams()
  const location = useLocation()
  const navigate = useNavigate()
  const create = useCreateBacktest()
  const again = (location.state as { params?: StoredParams; policyId?: number } | null) ?? null
  const policyId = policyParam(search.get('policy')) ?? again?.policyId ?? null
  return (
    <div className="page bt-page">
      <Link to="/backtests" className="bt-back">
        ← {t('back')}
      </Link>
      <h1 className="page__title">{t('newTitle')}</h1>
      <p className="muted">{t('lead')}</p>
      <section className="card bt-card">
        <div className="card__body">
          <BacktestForm
            key={policyId ?? 'none'}
            start={{ policyId, params: again?.params }}
            pending={create.isPending}
            error={create.error}
            onSubmit={(body) => create.mutate(body, { onSuccess: (backtest) => navigate(`/backtests/${backtest.id}`) })}
          />
        </div>
      </section>
    </div>
  )
}
