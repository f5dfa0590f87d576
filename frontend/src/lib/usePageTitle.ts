import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'

/** Sets document.title to "<title> | 株トレード". */
export function usePageTitle(title: string | null | undefined): void {
  const { t } = useTranslation()
  const app = t('app.name')
  useEffect(() => {
    document.title = title ? `${title} | ${app}` : app
  }, [title, app])
}
