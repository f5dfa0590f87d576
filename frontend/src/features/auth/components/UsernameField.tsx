import { useTranslation } from 'react-i18next'
import { TextField } from '@/components/Field'
import type { useFieldErrors } from '../hooks/useFieldErrors'

/** The user-name field of both auth forms, wired to the form's API errors. */
export function UsernameField({
  value,
  onChange,
  errors,
  hint,
}: {
  value: string
  onChange: (value: string) => void
  errors: ReturnType<typeof useFieldErrors>
  hint?: string
}) {
  const { t } = useTranslation()
  return (
    <TextField
      label={t('auth.username')}
      hint={hint}
      name="username"
      autoComplete="username"
      autoCapitalize="none"
      spellCheck={false}
      required
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={errors.fieldError('username')}
      inputRef={errors.register('username')}
    />
  )
}
