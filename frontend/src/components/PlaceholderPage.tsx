import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { usePageTitle } from '@/lib/usePageTitle'

/** A page that is not built yet (replaced by its feature later). */
export function PlaceholderPage({ title }: { title: string }) {
  const { t } = useTranslation()
  usePageTitle(title)
  return (
    <div className="page">
      <h1 className="page__title">{title}</h1>
      <div className="card placeholder">
        <p className="placeholder__title">{t('placeholder.coming')}</p>
        <p>{t('placeholder.body', { page: title })}</p>
        <Link className="button" to="/">
          {t('errors.backHome')}
        </Link>
      </div>
    </div>
  )
}
