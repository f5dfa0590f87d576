import { useTranslation } from 'react-i18next'
import { useHealth } from '@/lib/api/health'

/** Shown on every page while the database holds the fictional demo universe. */
export function DemoBanner() {
  const { t } = useTranslation()
  const { data } = useHealth()
  if (!data?.data.demo) return null
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
