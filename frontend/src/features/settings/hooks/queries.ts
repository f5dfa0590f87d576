import { useMutation, useQueryClient } from '@tanstack/react-query'
import { queryKeys } from '@/lib/api/keys'
import type { UserRead } from '@/lib/api/types'
import { changePassword, updateLanguage } from '../api/settings'

export function useUpdateLanguage() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: updateLanguage,
    onSuccess: (user: UserRead) => queryClient.setQueryData(queryKeys.me, user),
  })
}

export function useChangePassword() {
  return useMutation({
    mutationFn: ({ current, next }: { current: string; next: string }) => changePassword(current, next),
  })
}
