import { api, unwrap } from '@/lib/api/client'
import { clearToken, getRefreshToken } from './session'

/**
 * Sign out on this device: the refresh token is revoked on the server (so a copy of it is worth
 * nothing) and both tokens are forgotten here. The server's answer is not waited for when it is
 * unreachable: signing out must always work locally.
 */
export async function signOutHere(): Promise<void> {
  const refreshToken = getRefreshToken()
  clearToken()
  if (!refreshToken) return
  try {
    await unwrap(api.POST('/api/v1/auth/logout', { body: { refresh_token: refreshToken } }))
  } catch {
    // Offline or already revoked: the token expires by itself.
  }
}

/** Every access and refresh token of this account stops working, on every device (this one too). */
export async function signOutEverywhere(): Promise<void> {
  await unwrap(api.POST('/api/v1/auth/logout-all'))
  clearToken()
}
