import { api, unwrap } from '@/lib/api/client'
import type { UserRead } from '@/lib/api/types'

export async function updateLanguage(language: 'ja' | 'en'): Promise<UserRead> {
  return unwrap(api.PATCH('/api/v1/users/me', { body: { language } }))
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<UserRead> {
  return unwrap(api.PATCH('/api/v1/users/me', { body: { current_password: currentPassword, new_password: newPassword } }))
}
