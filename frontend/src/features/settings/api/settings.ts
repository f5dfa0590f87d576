import { api, unwrap } from '@/lib/api/client'
import type { TokenRead, UserRead } from '@/lib/api/types'

export async function changePassword(currentPassword: string, newPassword: string): Promise<UserRead> {
  return unwrap(api.PATCH('/api/v1/users/me', { body: { current_password: currentPassword, new_password: newPassword } }))
}

/** POST /auth/token with the new password, right after a change ended the earlier tokens. */
export async function signInAgain(username: string, password: string): Promise<TokenRead> {
  return unwrap(
    api.POST('/api/v1/auth/token', {
      body: { username, password, scope: '' },
      bodySerializer: (body) => new URLSearchParams(body as unknown as Record<string, string>),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    }),
  )
}
