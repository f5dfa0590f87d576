import type { ReactNode } from 'react'
import { Field, type FieldControl } from '@/components/Field'
import { fieldId } from './fieldIds'

interface FormFieldProps {
  /** the API's name of the field: its id and where its errors are shown */
  path: string
  label: string
  hint?: string
  errors: string[]
  children: (control: FieldControl) => ReactNode
  className?: string
}

/** A policy field (see Field), named by its API path; all its errors shown together. */
export function FormField({ path, label, hint, errors, children, className }: FormFieldProps) {
  return (
    <Field id={fieldId(path)} label={label} hint={hint} error={errors.join(' / ') || null} className={className}>
      {children}
    </Field>
  )
}
