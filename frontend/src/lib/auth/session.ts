import { useSyncExternalStore } from 'react'

/**
 * The access token and its refresh token, kept in localStorage so that a reload (or another tab)
 * stays signed in. A 401 from the API first tries the refresh token once (lib/auth/refresh.ts);
 * when that fails too, both are cleared, which sends the user to sign-in.
 *
 * Bearer tokens rather than cookies: in production the web app is a static site on its own
 * origin, so cookies would have to be SameSite=None and every write would need CSRF protection.
 * Access tokens live 15 minutes and refresh tokens are single-use, which bounds a stolen one.
 */
const KEY = 'kabu.token'
const REFRESH_KEY = 'kabu.refresh'
const listeners = new Set<() => void>()

function read(): string | null {
  try {
    return window.localStorage.getItem(KEY)
  } catch {
    return null
  }
}

function notify(): void {
  for (const listener of listeners) listener()
}

export function getToken(): string | null {
  return read()
}

export function getRefreshToken(): string | null {
  try {
    return window.localStorage.getItem(REFRESH_KEY)
  } catch {
    return null
  }
}

/** Keep a new access token (and the refresh token that came with it, if any). */
export function setToken(token: string, refreshToken?: string): void {
  clearExpiredFlag()
  try {
    window.localStorage.setItem(KEY, token)
    if (refreshToken) window.localStorage.setItem(REFRESH_KEY, refreshToken)
    else window.localStorage.removeItem(REFRESH_KEY)
  } finally {
    notify()
  }
}

const EXPIRED_KEY = 'kabu.session-expired'

/** Sign out. `expired` (a 401 from the API) makes the sign-in page say that the session ended. */
export function clearToken(options: { expired?: boolean } = {}): void {
  if (read() === null) return
  try {
    if (options.expired) window.sessionStorage.setItem(EXPIRED_KEY, '1')
    window.localStorage.removeItem(KEY)
    window.localStorage.removeItem(REFRESH_KEY)
  } finally {
    notify()
  }
}

/** Whether the last sign-out was a 401 (until clearExpiredFlag or the next sign-in). */
export function wasExpired(): boolean {
  try {
    return window.sessionStorage.getItem(EXPIRED_KEY) === '1'
  } catch {
    return false
  }
}

export function clearExpiredFlag(): void {
  try {
    window.sessionStorage.removeItem(EXPIRED_KEY)
  } catch {
    // nothing to clear
  }
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  const onStorage = (event: StorageEvent) => {
    if (event.key === KEY || event.key === null) listener()
  }
  window.addEventListener('storage', onStorage)
  return () => {
    listeners.delete(listener)
    window.removeEventListener('storage', onStorage)
  }
}

/** The current token (null when signed out); re-renders on sign-in, sign-out and 401s. */
export function useToken(): string | null {
  return useSyncExternalStore(subscribe, read, () => null)
}
