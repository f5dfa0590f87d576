import { useQuery } from '@tanstack/react-query'
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
