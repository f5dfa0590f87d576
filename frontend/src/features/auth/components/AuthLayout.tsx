import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { DemoBanner } from '@/components/DemoBanner'
import { LanguageSwitch } from '@/components/LanguageSwitch'

interface AuthLayoutProps {
  title: string
  lead?: ReactNode
  children: ReactNode
}

/** The centred card of the sign-in and setup pages (and, above it, the first demo load while it runs). */
export function AuthLayout({ title, lead, children }: AuthLayoutProps) {
  const { t } = useTranslation()
  return (
    <div className="auth">
      <div className="auth__top">
        <span className="brand brand--dark">
          <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" width={28} height={28} />
          <span className="brand__name">{t('app.name')}</span>
        </span>
        <LanguageSwitch />
      </div>
      <DemoBanner placement="auth" />
      <main id="main" className="auth__card">
        <h1 className="auth__title">{title}</h1>
        {lead ? <div className="auth__lead">{lead}</div> : null}
        {children}
      </main>
      <p className="auth__tagline">{t('app.tagline')}</p>
    </div>
  )
}
