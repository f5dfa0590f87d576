import { API_PREFIX, clientBaseUrl } from '@/lib/config'
import { getRefreshToken, getToken, setToken } from './session'

/**
 * Trade the refresh token for a new pair, once for everyone who needs it.
 *
 * Refresh tokens are single-use and a reused one signs the whole chain out (the server takes it
 * for a stolen copy). So the requests of this tab that meet a 401 together share one refresh, and
 * tabs take turns through a Web Lock: a tab that waited finds the token already renewed by another
 * and uses that instead of spending the old refresh token a second time.
 *
 * `staleToken` is the access token the failed request carried. Resolves to the access token to
 * retry with, or null when the session cannot be renewed (the caller signs out).
 */
let inFlight: Promise<string | null> | null = null

export function refreshSession(staleToken: string | null): Promise<string | null> {
  inFlight ??= withLock(() => renew(staleToken)).finally(() => {
    inFlight = null
  })
  return inFlight
}

async function withLock<T>(task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
  return locks ? locks.request('kabu.refresh', task) : task()
}

async function renew(staleToken: string | null): Promise<string | null> {
  const current = getToken()
  if (current && current !== staleToken) return current // another tab renewed it meanwhile
  const refreshToken = getRefreshToken()
  if (!refreshToken) return null
  try {
    const response = await globalThis.fetch(
      new Request(`${clientBaseUrl()}${API_PREFIX}/auth/refresh`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: refreshToken }),
      }),
    )
    if (!response.ok) return null
    const body = (await response.json()) as { access_token: string; refresh_token: string }
    setToken(body.access_token, body.refresh_token)
    return body.access_token
  } catch {
    return null
  }
}
