import { useRef, useState, type FormEvent } from 'react'
import { ErrorMessage } from '@/components/ErrorMessage'
import { TextField } from '@/components/Field'
import { isApiError } from '@/lib/api/errors'
import { useChangePassword } from '../hooks/queries'
import { useSettingsT } from '../i18n'

type Field = 'current_password' | 'new_password' | 'confirm'

/**
 * Current password, new password twice. Checked here first (length, match); the server's answer
 * (a wrong current password, a rule on the new one) is shown at the field it names, which gets the focus.
 */
export function PasswordForm({ username }: { username: string }) {
  const { t } = useSettingsT()
  const change = useChangePassword()
  const [values, setValues] = useState<Record<Field, string>>({ current_password: '', new_password: '', confirm: '' })
  const [checked, setChecked] = useState(false)
  const [serverError, setServerError] = useState<unknown>(null)
  const [done, setDone] = useState(false)
  const refs = useRef(new Map<Field, HTMLInputElement | null>())

  const local: Record<Field, string | null> = {
    current_password: values.current_password ? null : t('password.required'),
    new_password: !values.new_password
      ? t('password.required')
      : values.new_password.length < 10
        ? t('password.tooShort')
        : values.new_password === values.current_password
          ? t('password.same')
          : null,
    confirm: values.confirm === values.new_password ? null : t('password.mismatch'),
  }
  const serverFor = (field: Field): string | null => (isApiError(serverError) ? serverError.messageFor(field) : null)
  const errorOf = (field: Field) => serverFor(field) ?? (checked ? local[field] : null)

  function set(field: Field, value: string) {
    setValues((v) => ({ ...v, [field]: value }))
    setDone(false)
    if (serverFor(field)) setServerError(null)
  }

  async function submit(event: FormEvent) {
    event.preventDefault()
    setChecked(true)
    setServerError(null)
    setDone(false)
    const firstBad = (Object.keys(local) as Field[]).find((field) => local[field])
    if (firstBad) {
      refs.current.get(firstBad)?.focus()
      return
    }
    try {
      await change.mutateAsync({ username, current: values.current_password, next: values.new_password })
      setValues({ current_password: '', new_password: '', confirm: '' })
      setChecked(false)
      setDone(true)
    } catch (error) {
      setServerError(error)
      const field = isApiError(error) ? (error.field as Field | null) : null
      if (field && refs.current.has(field)) window.setTimeout(() => refs.current.get(field)?.focus(), 0)
    }
  }

  const unplaced = serverError && !(isApiError(serverError) && serverError.field && refs.current.has(serverError.field as Field))

  return (
    <form className="form set-password" onSubmit={submit} noValidate aria-labelledby="set-password-title">
      {/* for password managers: which account this password belongs to */}
      <input type="text" name="username" autoComplete="username" value={username} hidden readOnly />
      {(
        [
          ['current_password', t('password.current'), 'current-password', undefined],
          ['new_password', t('password.new'), 'new-password', t('password.newHint')],
          ['confirm', t('password.confirm'), 'new-password', undefined],
        ] as const
      ).map(([field, label, autoComplete, hint]) => (
        <TextField
          key={field}
          id={`set-${field}`}
          type="password"
          label={label}
          value={values[field]}
          autoComplete={autoComplete}
          hint={hint}
          error={errorOf(field)}
          onChange={(event) => set(field, event.target.value)}
          inputRef={(element) => {
            refs.current.set(field, element)
          }}
        />
      ))}
      {unplaced ? <ErrorMessage error={serverError} compact /> : null}
      <div className="set-actions">
        <button type="submit" className="button button--primary" disabled={change.isPending}>
          {change.isPending ? t('password.saving') : t('password.submit')}
        </button>
        <span className="set-status" role="status">
          {done ? (
            <>
              <span aria-hidden="true">✓ </span>
              {t('password.done')}
            </>
          ) : (
            ''
          )}
        </span>
      </div>
    </form>
  )
}
