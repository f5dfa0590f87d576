import { useTranslation } from 'react-i18next'
import { isApiError } from '@/lib/api/errors'

/** The message to show for an error: the server's `detail`, else a plain explanation. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation()
  return (error: unknown) => {
    if (isApiError(error)) {
      if (error.isNetwork) return t('errors.network')
      if (error.status >= 500) return error.detail || t('errors.server')
      return error.detail || `HTTP ${error.status}`
    }
    if (error instanceof Error && error.message) return error.message
    return t('errors.title')
  }
}

interface ErrorMessageProps {
  error: unknown
  onRetry?: () => void
  compact?: boolean
}

/** An error, said plainly, with a retry button when there is something to retry. */
export function ErrorMessage({ error, onRetry, compact = false }: ErrorMessageProps) {
  const { t } = useTranslation()
  const text = useErrorText()(error)
  return (
    <div className={`error-message ${compact ? 'error-message--compact' : ''}`} role="alert">
      <span className="error-message__icon" aria-hidden="true">
        !
      </span>
      <div className="error-message__body">
        {compact ? null : <p className="error-message__title">{t('errors.title')}</p>}
        <p className="error-message__text">{text}</p>
      </div>
      {onRetry ? (
        <button type="button" className="button button--small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  )
}
