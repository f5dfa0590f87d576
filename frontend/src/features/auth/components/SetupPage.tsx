import { useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, Navigate, useSearchParams } from 'react-router'
import { ErrorMessage } from '@/components/ErrorMessage'
import { SkeletonBlock } from '@/components/Skeleton'
import { safeNext } from '@/lib/navigation'
import { usePageTitle } from '@/lib/usePageTitle'
import { createFirstAccount, signIn } from '../api/auth'
import { useFieldErrors } from '../hooks/useFieldErrors'
import { setupStatusKey, useSetupStatus } from '../hooks/useSetupStatus'
import { useStartSession } from '../hooks/useStartSession'
import { AuthLayout } from './AuthLayout'
import { UsernameField } from './UsernameField'
import { TextField } from '@/components/Field'

const ALIASES = { setup_token: 'setupToken' }

/** /setup — create the first (administrator) account with the one-time token, then sign in. */
export function SetupPage() {
  const { t } = useTranslation()
  usePageTitle(t('auth.setupTitle'))
  const [params] = useSearchParams()
  const next = safeNext(params.get('next'))
  const queryClient = useQueryClient()
  const setup = useSetupStatus()
  const startSession = useStartSession()
  const [setupToken, setSetupToken] = useState('')
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [pending, setPending] = useState(false)
  const [done, setDone] = useState(false)
  const errors = useFieldErrors(ALIASES)

  async function submit(event: FormEvent) {
    event.preventDefault()
    setPending(true)
    errors.clear()
    try {
      await createFirstAccount({ setupToken: setupToken.trim(), username, password })
      setDone(true)
      const token = await signIn({ username, password })
      await startSession(token, next)
    } catch (error) {
      errors.show(error)
      setPending(false)
    }
  }

  if (setup.data === false && !done) {
    return (
      <AuthLayout title={t('auth.setupTitle')}>
        <p className="notice" role="status">
          {t('auth.setupNotNeeded')}
        </p>
        <Link className="button button--primary button--block" to={`/sign-in${params.size ? `?${params.toString()}` : ''}`}>
          {t('auth.signIn')}
        </Link>
      </AuthLayout>
    )
  }
  if (done && !pending) return <Navigate to="/sign-in" replace />

  return (
    <AuthLayout title={t('auth.setupTitle')} lead={<p>{t('auth.setupLead')}</p>}>
      {setup.isPending ? (
        <SkeletonBlock lines={3} lineHeight={44} gap={20} />
      ) : (
        <form className="form" onSubmit={submit} noValidate aria-busy={pending}>
          {setup.isError ? <ErrorMessage error={setup.error} compact onRetry={() => void queryClient.invalidateQueries({ queryKey: setupStatusKey })} /> : null}
          {errors.error ? <ErrorMessage error={errors.error} compact /> : null}
          {done ? (
            <p className="notice" role="status">
              {t('auth.setupDone')}
            </p>
          ) : null}
          <TextField
            label={t('auth.setupToken')}
            hint={t('auth.setupTokenHint')}
            name="setup_token"
            autoComplete="one-time-code"
            spellCheck={false}
            autoCapitalize="none"
            required
            value={setupToken}
            onChange={(e) => setSetupToken(e.target.value)}
            error={errors.fieldError('setupToken')}
            inputRef={errors.register('setupToken')}
          />
          <UsernameField value={username} onChange={setUsername} errors={errors} hint={t('auth.usernameHint')} />
          <TextField
            label={t('auth.password')}
            hint={t('auth.passwordHint')}
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={errors.fieldError('password')}
            inputRef={errors.register('password')}
          />
          <button type="submit" className="button button--primary button--block" disabled={pending}>
            {pending ? t('auth.creating') : t('auth.createAccount')}
          </button>
        </form>
      )}
    </AuthLayout>
  )
}
