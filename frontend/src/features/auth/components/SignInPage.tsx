import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, Navigate, useSearchParams } from 'react-router'
import { SkeletonBlock } from '@/components/Skeleton'
import type { TokenRead } from '@/lib/api/types'
import { clearExpiredFlag, useToken, wasExpired } from '@/lib/auth/session'
import { safeNext } from '@/lib/navigation'
import { usePageTitle } from '@/lib/usePageTitle'
import { useSetupStatus } from '../hooks/useSetupStatus'
import { useStartSession } from '../hooks/useStartSession'
import { AuthLayout } from './AuthLayout'
import { SignInForm } from './SignInForm'

/** /sign-in?next=… — goes to the setup page while no account exists, and back to `next` after. */
export function SignInPage() {
  const { t } = useTranslation()
  usePageTitle(t('auth.signInTitle'))
  const [params] = useSearchParams()
  const next = safeNext(params.get('next'))
  const startSession = useStartSession()
  const token = useToken()
  const setup = useSetupStatus()
  const [expired] = useState(wasExpired)
  useEffect(clearExpiredFlag, [])
  const [justSignedIn, setJustSignedIn] = useState(false)

  if (token && !justSignedIn) return <Navigate to={next} replace />
  if (setup.data === true) return <Navigate to={`/setup${params.size ? `?${params.toString()}` : ''}`} replace />

  async function onSignedIn(tokens: TokenRead) {
    setJustSignedIn(true)
    await startSession(tokens, next)
  }

  return (
    <AuthLayout title={t('auth.signInTitle')} lead={<p>{t('auth.signInLead')}</p>}>
      {expired ? (
        <p className="notice" role="status">
          {t('auth.sessionExpired')}
        </p>
      ) : null}
      {setup.isPending ? <SkeletonBlock lines={2} lineHeight={44} gap={20} /> : <SignInForm onSignedIn={onSignedIn} />}
      {setup.data === false ? null : (
        <p className="auth__alt">
          <Link to="/setup">{t('auth.goToSetup')}</Link>
        </p>
      )}
    </AuthLayout>
  )
}
