import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { queryKeys } from '@/lib/api/keys'
import {
  createFromPreset,
  createPolicy,
  deletePolicy,
  fetchPolicy,
  fetchPresets,
  fetchVersions,
  updatePolicy,
} from '../api/policies'
import type { PolicyCreate, PolicyRead, PolicyUpdate, Style } from '../model/types'

/** The list shares its key with the other features' policy pickers, so they all refresh together. */
export const policyKeys = {
  list: queryKeys.policies,
  detail: (id: number) => [...queryKeys.policies, 'detail', id] as const,
  versions: (id: number) => [...queryKeys.policies, 'detail', id, 'versions'] as const,
  presets: (lang: string) => [...queryKeys.policies, 'presets', lang] as const,
}

export function usePolicy(id: number | null) {
  return useQuery({
    queryKey: policyKeys.detail(id ?? 0),
    queryFn: () => fetchPolicy(id as number),
    enabled: id !== null,
    staleTime: 0,
    refetchOnWindowFocus: false,
  })
}

export function usePresets(lang: 'ja' | 'en', enabled = true) {
  return useQuery({ queryKey: policyKeys.presets(lang), queryFn: () => fetchPresets(lang), staleTime: Infinity, enabled })
}

export function useVersions(id: number) {
  return useQuery({ queryKey: policyKeys.versions(id), queryFn: () => fetchVersions(id) })
}

function useSaved() {
  const queryClient = useQueryClient()
  return (policy: PolicyRead) => {
    queryClient.setQueryData(policyKeys.detail(policy.id), policy)
    void queryClient.invalidateQueries({ queryKey: policyKeys.list, exact: true })
    void queryClient.invalidateQueries({ queryKey: policyKeys.versions(policy.id) })
  }
}

export function useCreateFromPreset() {
  const saved = useSaved()
  return useMutation({ mutationFn: (style: Style) => createFromPreset(style), onSuccess: saved })
}

export function useCreatePolicy() {
  const saved = useSaved()
  return useMutation({ mutationFn: (body: PolicyCreate) => createPolicy(body), onSuccess: saved })
}

export function useUpdatePolicy(id: number) {
  const saved = useSaved()
  return useMutation({ mutationFn: (body: PolicyUpdate) => updatePolicy(id, body), onSuccess: saved })
}

export function useDeletePolicy() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: number) => deletePolicy(id),
    onSuccess: (_data, id) => {
      queryClient.removeQueries({ queryKey: policyKeys.detail(id) })
      void queryClient.invalidateQueries({ queryKey: policyKeys.list, exact: true })
    },
  })
}
