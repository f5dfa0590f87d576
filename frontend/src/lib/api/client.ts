import createClient, { type Middleware } from 'openapi-fetch'
import { clearToken, getToken } from '@/lib/auth/session'
import { clientBaseUrl } from '@/lib/config'
import i18n from '@/lib/i18n'
import { ApiError, type ErrorBody } from './errors'
import type { paths } from './schema'

/** Paths whose 401 means "wrong credentials", not "session over". */
const AUTH_PATHS = ['/auth/token', '/auth/setup']

const authMiddleware: Middleware = {
  onRequest({ request }) {
    const token = getToken()
    if (token && !request.headers.has('Authorization')) {
      request.headers.set('Authorization', `Bearer ${token}`)
    }
    if (!request.headers.has('Accept-Language')) request.headers.set('Accept-Language', i18n.language)
    return request
  },
  onResponse({ request, response }) {
    const path = new URL(request.url).pathname
    if (response.status === 401 && !AUTH_PATHS.some((p) => path.endsWith(p))) clearToken({ expired: true })
    return response
  },
}

/**
 * The one typed client of the API, generated from openapi.json (`npm run gen:api`).
 * `fetch` is looked up at call time so that tests can replace it.
 */
export const api = createClient<paths>({
  baseUrl: clientBaseUrl(),
  fetch: (request: Request) => globalThis.fetch(request),
})
api.use(authMiddleware)

interface FetchResult<T> {
  data?: T
  error?: unknown
  response: Response
}

/** Await an openapi-fetch call: its data, or an ApiError (also for network failures). */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>
  try {
    result = await call
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause
    throw new ApiError(0, { error: 'network', detail: '' })
  }
  if (!result.response.ok || result.error !== undefined) {
    const body = typeof result.error === 'object' && result.error !== null ? (result.error as ErrorBody) : null
    throw new ApiError(result.response.status, body)
  }
  return result.data as T
}
