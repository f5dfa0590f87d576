import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { EmptyState } from '@/components/EmptyState'
import { usePageTitle } from '@/lib/usePageTitle'

export function NotFoundPage() {
  const { t } = useTranslation()
  usePageTitle(t('errors.notFound'))
  return (
    <div className="page">
      <EmptyState
        title={t('errors.notFound')}
        icon="?"
        action={
          <Link className="button button--primary" to="/">
            {t('errors.backHome')}
          </Link>
        }
      >
        <p>{t('errors.notFoundBody')}</p>
      </EmptyState>
    </div>
  )
}
