import { useTranslation } from 'react-i18next'
import { firstLoadJob, useHealth } from '@/lib/api/health'
import type { ActiveJob } from '@/lib/api/types'
import { JobProgress, useJobsT } from './jobs'

interface DemoBannerProps {
  /**
   * `app` (the signed-in pages): the first demo load while it runs, then the demo notice.
   * `auth` (sign-in, setup): only the first demo load — before signing in, that is the news.
   */
  placement?: 'app' | 'auth'
}

/**
 * Shown on every page while the database holds the fictional demo universe; while an empty
 * install loads it in the background (a first-load job), how far that has come instead.
 */
export function DemoBanner({ placement = 'app' }: DemoBannerProps) {
  const { t } = useTranslation()
  const { data } = useHealth()
  const loading = firstLoadJob(data)
  if (loading) return <FirstLoadNotice job={loading} placement={placement} />
  if (placement === 'auth' || !data?.data.demo) return null
  return (
    <div className="demo-banner" role="note" aria-label={t('common.demo')}>
      <span className="demo-banner__tag" aria-hidden="true">
        DEMO
      </span>
      <strong>{t('app.demoBanner')}</strong>
      <span className="demo-banner__detail">{t('app.demoBannerDetail')}</span>
    </div>
  )
}

/** The demo data is being created: what, how far, and that the app works meanwhile. */
function FirstLoadNotice({ job, placement }: { job: ActiveJob; placement: 'app' | 'auth' }) {
  const { t } = useJobsT()
  return (
    <section
      className={`demo-banner demo-banner--loading demo-banner--${placement}`}
      aria-labelledby="first-load-title"
      data-job={job.id}
    >
      <span className="demo-banner__tag" aria-hidden="true">
        DEMO
      </span>
      <div className="demo-banner__body">
        <strong id="first-load-title">{t('firstLoadBanner.title')}</strong>
        <p className="demo-banner__detail">{t('firstLoadBanner.detail')}</p>
        <JobProgress job={job} />
      </div>
    </section>
  )
}
