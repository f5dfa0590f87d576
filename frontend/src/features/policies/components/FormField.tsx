import type { ReactNode } from 'react'
import { fieldId } from './fieldIds'

interface FormFieldProps {
  /** the API's name of the field: its id and where its errors are shown */
  path: string
  label: string
  hint?: string
  errors: string[]
  children: (props: { id: string; invalid: boolean; describedBy: string | undefined }) => ReactNode
  className?: string
}

/** A labelled control with its hint and errors (read with it, and outlined when invalid). */
export function FormField({ path, label, hint, errors, children, className = '' }: FormFieldProps) {
  const id = fieldId(path)
  const invalid = errors.length > 0
  const describedBy = [hint ? `${id}-hint` : null, invalid ? `${id}-error` : null].filter(Boolean).join(' ') || undefined
  return (
    <div className={`field ${invalid ? 'field--invalid' : ''} ${className}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children({ id, invalid, describedBy })}
      {hint ? (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {invalid ? (
        <p className="field__error" id={`${id}-error`}>
          {errors.join(' / ')}
        </p>
      ) : null}
    </div>
  )
}
