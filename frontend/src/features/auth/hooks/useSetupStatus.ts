import { useQuery } from '@tanstack/react-query'
import { fetchSetupStatus } from '../api/auth'

export const setupStatusKey = ['auth', 'setup'] as const

export function useSetupStatus() {
  return useQuery({ queryKey: setupStatusKey, queryFn: fetchSetupStatus, staleTime: 0 })
}
