/**
 * Every failed API call becomes an ApiError. The backend answers errors as
 * `{"error", "detail", "field", "errors"?}`: show `detail`, highlight the form field named `field`.
 */
export interface FieldError {
  field: string | null
  message: string
}

export interface ErrorBody {
  error?: string
  detail?: unknown
  field?: string | null
  errors?: FieldError[]
}

export class ApiError extends Error {
  /** HTTP status; 0 when the server could not be reached. */
  readonly status: number
  /** The backend's error code ("unauthorized", "not_found", "validation_error", …) or "network". */
  readonly code: string
  /** The human-readable message from the server, if any. */
  readonly detail: string
  /** The request field the error is about, if any. */
  readonly field: string | null
  readonly errors: FieldError[]

  constructor(status: number, body: ErrorBody | null | undefined) {
    const detail = typeof body?.detail === 'string' ? body.detail : ''
    super(detail || `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.code = body?.error ?? (status === 0 ? 'network' : 'http_error')
    this.detail = detail
    this.field = body?.field ?? null
    this.errors = Array.isArray(body?.errors) ? body.errors : []
  }

  get isNetwork(): boolean {
    return this.status === 0
  }

  /** The message for one form field (the main `field`, or one of `errors`). */
  messageFor(field: string): string | null {
    if (this.field === field) return this.detail
    const hit = this.errors.find((error) => error.field === field)
    return hit ? hit.message : null
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError
}

/** Whether a failed query is worth retrying: network trouble and 5xx, never 4xx. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (isApiError(error) && error.status >= 400 && error.status < 500) return false
  return failureCount < 2
}
