import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { Language } from '@/lib/i18n'
import { api, unwrap } from './client'
import { queryKeys } from './keys'
import type { UserRead } from './types'

/** The signed-in account: name, role, language. */
export async function fetchMe(): Promise<UserRead> {
  return unwrap(api.GET('/api/v1/users/me'))
}

export function useMe() {
  return useQuery({ queryKey: queryKeys.me, queryFn: fetchMe, staleTime: 5 * 60_000 })
}

/** PATCH /users/me {language}: the account's language (the header's switch and the settings page). */
export async function saveLanguage(language: Language): Promise<UserRead> {
  return unwrap(api.PATCH('/api/v1/users/me', { body: { language } }))
}

export function useSaveLanguage() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: saveLanguage,
    onSuccess: (user: UserRead) => queryClient.setQueryData(queryKeys.me, user),
  })
}
