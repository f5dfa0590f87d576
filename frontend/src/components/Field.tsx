import { useId, type InputHTMLAttributes, type ReactNode, type Ref } from 'react'

/** What a field's control needs: its id, whether it is invalid, and the ids that describe it. */
export interface FieldControl {
  id: string
  invalid: boolean
  describedBy: string | undefined
}

interface FieldProps {
  label: string
  hint?: string
  /** the error to show (none: valid) */
  error?: string | null
  /** the control's id (default: a generated one) */
  id?: string
  className?: string
  children: (control: FieldControl) => ReactNode
}

/** A labelled control with its hint and error: an error marks it invalid, outlines it and is read with it. */
export function Field({ label, hint, error, id: givenId, className = '', children }: FieldProps) {
  const generated = useId()
  const id = givenId ?? generated
  const invalid = Boolean(error)
  const describedBy = [hint ? `${id}-hint` : null, invalid ? `${id}-error` : null].filter(Boolean).join(' ') || undefined
  return (
    <div className={`field ${invalid ? 'field--invalid' : ''} ${className}`.trim()}>
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
          {error}
        </p>
      ) : null}
    </div>
  )
}

interface TextFieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string
  hint?: string
  error?: string | null
  inputRef?: Ref<HTMLInputElement>
}

/** A labelled text input (see Field). */
export function TextField({ label, hint, error, inputRef, id, ...input }: TextFieldProps) {
  return (
    <Field label={label} hint={hint} error={error} id={id}>
      {(control) => (
        <input
          {...input}
          id={control.id}
          ref={inputRef}
          className="input"
          aria-invalid={control.invalid || undefined}
          aria-describedby={control.describedBy}
        />
      )}
    </Field>
  )
}
