import { useMutation, useQueryClient } from '@tanstack/react-query'
import { setToken } from '@/lib/auth/session'
import { signOutEverywhere } from '@/lib/auth/signOut'
import { changePassword, signInAgain } from '../api/settings'

/** The language card saves with the same mutation as the header's switch. */
export { useSaveLanguage as useUpdateLanguage } from '@/lib/api/me'

/**
 * A password change signs every device out, this one included (the server bumps the account's
 * token version): this device signs straight back in with the new password.
 */
export function useChangePassword() {
  return useMutation({
    mutationFn: async ({ username, current, next }: { username: string; current: string; next: string }) => {
      await changePassword(current, next)
      const tokens = await signInAgain(username, next)
      setToken(tokens.access_token, tokens.refresh_token)
    },
  })
}

export function useSignOutEverywhere() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: signOutEverywhere,
    onSuccess: () => queryClient.clear(),
  })
}
