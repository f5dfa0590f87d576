import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { ErrorMessage } from '@/components/ErrorMessage'
import type { TokenRead } from '@/lib/api/types'
import { signIn } from '../api/auth'
import { useFieldErrors } from '../hooks/useFieldErrors'
import { UsernameField } from './UsernameField'
import { TextField } from '@/components/Field'

interface SignInFormProps {
  /** Called with the tokens once the server accepted the credentials (the form stays busy until it is done). */
  onSignedIn: (tokens: TokenRead) => void | Promise<void>
}

/** Username and password → POST /auth/token. Shows the server's `detail`, marks the `field`. */
export function SignInForm({ onSignedIn }: SignInFormProps) {
  const { t } = useTranslation()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [pending, setPending] = useState(false)
  const errors = useFieldErrors()

  async function submit(event: FormEvent) {
    event.preventDefault()
    setPending(true)
    errors.clear()
    try {
      const token = await signIn({ username, password })
      await onSignedIn(token)
    } catch (error) {
      errors.show(error)
      setPending(false)
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate aria-busy={pending}>
      {errors.error ? <ErrorMessage error={errors.error} compact /> : null}
      <UsernameField value={username} onChange={setUsername} errors={errors} />
      <TextField
        label={t('auth.password')}
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.fieldError('password')}
        inputRef={errors.register('password')}
      />
      <button type="submit" className="button button--primary button--block" disabled={pending}>
        {pending ? t('auth.signingIn') : t('auth.signIn')}
      </button>
    </form>
  )
}
