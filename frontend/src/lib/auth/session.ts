import { useSyncExternalStore } from 'react'

/**
 * The access token, kept in localStorage so that a reload (or another tab) stays signed in.
 * Any 401 from the API clears it (see lib/api/client.ts), which sends the user to sign-in.
 */
const KEY = 'kabu.token'
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

export function setToken(token: string): void {
  clearExpiredFlag()
  try {
    window.localStorage.setItem(KEY, token)
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
