import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query'
import { fetchCsv, runScreen, saveFile } from '../api/screener'
import type { ScreenRequest } from '../model/sort'

/**
 * The ranking for a request (null: nothing asked yet); the policy's version is part of the key, so
 * editing the policy ranks again. The previous ranking stays on screen while the next one loads.
 */
export function useScreen(request: ScreenRequest | null, policyVersion: number | undefined) {
  return useQuery({
    queryKey: ['screener', request, policyVersion],
    queryFn: () => runScreen(request as ScreenRequest),
    enabled: request !== null,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  })
}

export function useCsvDownload() {
  return useMutation({
    mutationFn: fetchCsv,
    onSuccess: (file) => saveFile(file),
  })
}
