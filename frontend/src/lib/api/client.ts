import createClient, { type Middleware } from 'openapi-fetch'
import { refreshSession } from '@/lib/auth/refresh'
import { clearToken, getToken } from '@/lib/auth/session'
import { clientBaseUrl } from '@/lib/config'
import i18n from '@/lib/i18n'
import { ApiError, type ErrorBody } from './errors'
import type { paths } from './schema'

/** Paths whose 401 means "wrong credentials", not "session over". */
const AUTH_PATHS = ['/auth/token', '/auth/setup', '/auth/refresh', '/auth/logout']

/** A copy of each request as sent, so that it can be sent again after a refresh (bodies read once). */
const originals = new Map<string, Request>()

function bearerOf(request: Request): string | null {
  return request.headers.get('Authorization')?.replace(/^Bearer /, '') ?? null
}

const authMiddleware: Middleware = {
  onRequest({ request, id }) {
    const token = getToken()
    if (token && !request.headers.has('Authorization')) {
      request.headers.set('Authorization', `Bearer ${token}`)
    }
    if (!request.headers.has('Accept-Language')) request.headers.set('Accept-Language', i18n.language)
    originals.set(id, request.clone())
    return request
  },
  async onResponse({ request, response, id }) {
    const original = originals.get(id)
    originals.delete(id)
    const path = new URL(request.url).pathname
    if (response.status !== 401 || AUTH_PATHS.some((p) => path.endsWith(p))) return response
    // An expired access token: renew it once and send the request again; a second 401 ends it.
    const token = original ? await refreshSession(bearerOf(original)) : null
    if (original && token) {
      original.headers.set('Authorization', `Bearer ${token}`)
      const retried = await globalThis.fetch(original)
      if (retried.status !== 401) return retried
    }
    clearToken({ expired: true })
    return response
  },
  onError({ id }) {
    originals.delete(id)
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
