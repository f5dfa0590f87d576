import { useCallback, useRef, useState } from 'react'
import { isApiError } from '@/lib/api/errors'

/**
 * Maps an API error onto a form: `formError` is the message for the alert above the form,
 * `fieldError(name)` the message under a field, and the first bad field gets the focus.
 * `aliases` maps the API's field names onto the form's (setup_token → setupToken).
 */
export function useFieldErrors(aliases: Record<string, string> = {}) {
  const [error, setError] = useState<unknown>(null)
  const refs = useRef(new Map<string, HTMLInputElement | null>())

  const fieldOf = useCallback((name: string | null): string | null => (name ? (aliases[name] ?? name) : null), [aliases])

  const fieldError = (name: string): string | null => {
    if (!isApiError(error)) return null
    const hit = error.errors.find((e) => fieldOf(e.field) === name)
    if (hit) return hit.message
    return fieldOf(error.field) === name ? error.detail : null
  }

  const show = (next: unknown) => {
    setError(next)
    if (isApiError(next)) {
      const first = fieldOf(next.field) ?? fieldOf(next.errors[0]?.field ?? null)
      if (first) window.setTimeout(() => refs.current.get(first)?.focus(), 0)
    }
  }

  const register = (name: string) => (element: HTMLInputElement | null) => {
    refs.current.set(name, element)
  }

  return { error, show, clear: () => setError(null), fieldError, register }
}
