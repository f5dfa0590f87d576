import { useTranslation } from 'react-i18next'
import { useRouteError } from 'react-router'
import { ErrorMessage } from '@/components/ErrorMessage'

/** Last resort when a page throws while rendering. */
export function RouteError() {
  const error = useRouteError()
  const { t } = useTranslation()
  return (
    <div className="page">
      <ErrorMessage error={error} onRetry={() => window.location.reload()} />
      <p>
        <a href={import.meta.env.BASE_URL}>{t('errors.backHome')}</a>
      </p>
    </div>
  )
}
