import { useTranslation } from 'react-i18next'
import { PlaceholderPage } from '@/components/PlaceholderPage'

/** Placeholder: this page is written next (see README "Adding a feature"). */
export function HistoryPage() {
  const { t } = useTranslation()
  return <PlaceholderPage title={t('nav.history')} />
}
