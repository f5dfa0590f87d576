import { useQueryClient } from '@tanstack/react-query'
import { useNavigate } from 'react-router'
import { queryKeys } from '@/lib/api/keys'
import { fetchMe } from '@/lib/api/me'
import type { TokenRead } from '@/lib/api/types'
import { setToken } from '@/lib/auth/session'
import { applyAccountLanguage } from '@/lib/i18n'

/**
 * Once the server has accepted the credentials: nothing of a previous user stays in the cache, the
 * tokens are kept, the account's language applies (unless this device chose one), then on to `next`.
 */
export function useStartSession() {
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  return async (tokens: Pick<TokenRead, 'access_token' | 'refresh_token'>, next: string): Promise<void> => {
    queryClient.clear()
    setToken(tokens.access_token, tokens.refresh_token)
    try {
      const me = await queryClient.fetchQuery({ queryKey: queryKeys.me, queryFn: fetchMe, retry: false })
      applyAccountLanguage(me.language)
    } catch {
      // The language is a nicety: without the account (a network blip) the session starts anyway.
    }
    navigate(next, { replace: true })
  }
}
