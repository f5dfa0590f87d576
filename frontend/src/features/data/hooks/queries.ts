import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { DataSourceState, JQuantsPlan, SourceName, SyncJob } from '@/lib/api/dataSource'
import { healthKey } from '@/lib/api/health'
import { isJobConflict } from '@/lib/api/jobs'
import { queryKeys } from '@/lib/api/keys'
import { currentLanguage } from '@/lib/i18n'
import {
  activateSource,
  checkJQuantsKey,
  type CsvFiles,
  type EstimatedSource,
  fetchActiveSync,
  fetchDataSource,
  fetchEstimate,
  forgetJQuantsKey,
  importCsv,
  previewCsv,
  saveJQuants,
  saveYfinanceCodes,
} from '../api/dataSource'

export const dataKeys = {
  state: ['data-source'] as const,
  /** the estimate's notes are in the request's language */
  estimate: (source: EstimatedSource, plan: JQuantsPlan | null, lang: string) => ['data-source', 'estimate', source, plan, lang] as const,
  activeSync: ['data-source', 'active-sync'] as const,
}

export function useDataSource(enabled = true) {
  return useQuery({ queryKey: dataKeys.state, queryFn: fetchDataSource, enabled, staleTime: 10_000 })
}

/**
 * The cost of the first sync: J-Quants under the plan chosen (before a key is even pasted: what
 * it costs is what decides the plan), yfinance once codes are saved.
 */
export function useEstimate(source: EstimatedSource, enabled: boolean, plan: JQuantsPlan | null = null) {
  const lang = currentLanguage()
  return useQuery({
    queryKey: dataKeys.estimate(source, plan, lang),
    queryFn: () => fetchEstimate(source, plan ?? undefined),
    enabled,
    placeholderData: (previous) => previous,
  })
}

/** The sync queued or running when the page opened (a reload during a sync finds it again). */
export function useActiveSync(enabled = true) {
  return useQuery({ queryKey: dataKeys.activeSync, queryFn: fetchActiveSync, enabled, staleTime: 0 })
}

/** A change of set-up answers the new state: show it, and ask the estimate again. */
function useStateSaved() {
  const queryClient = useQueryClient()
  return (state: DataSourceState) => {
    queryClient.setQueryData(dataKeys.state, state)
    void queryClient.invalidateQueries({ queryKey: ['data-source', 'estimate'] })
  }
}

export function useCheckKey() {
  return useMutation({ mutationFn: ({ apiKey, plan }: { apiKey: string; plan: JQuantsPlan }) => checkJQuantsKey(apiKey, plan) })
}

export function useSaveJQuants() {
  const saved = useStateSaved()
  return useMutation({
    mutationFn: ({ apiKey, plan }: { apiKey: string | null; plan: JQuantsPlan }) => saveJQuants(apiKey, plan),
    onSuccess: saved,
  })
}

export function useForgetKey() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: forgetJQuantsKey,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['data-source'] }),
  })
}

export function useSaveYfinance() {
  const saved = useStateSaved()
  return useMutation({ mutationFn: saveYfinanceCodes, onSuccess: saved })
}

export function usePreviewCsv() {
  return useMutation({ mutationFn: previewCsv })
}

/**
 * Queue a sync (activate a source, or import files): the new job, or the one a 409 names, goes
 * into the cache so that the page follows it at once; /health polls while it runs.
 */
function useQueueSync<Args>(queue: (args: Args) => Promise<SyncJob>, onJob: (job: SyncJob) => void) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: queue,
    onSuccess: (job) => {
      queryClient.setQueryData(queryKeys.jobs.detail(job.id), job)
      onJob(job)
    },
    onError: (error) => {
      if (isJobConflict(error) && error.active) {
        queryClient.setQueryData(queryKeys.jobs.detail(error.active.id), error.active)
        onJob(error.active)
      }
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: dataKeys.state })
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobs.lists })
      void queryClient.invalidateQueries({ queryKey: healthKey })
    },
  })
}

export function useActivate(onJob: (job: SyncJob) => void) {
  return useQueueSync((source: Exclude<SourceName, 'csv'>) => activateSource(source), onJob)
}

export function useImportCsv(onJob: (job: SyncJob) => void) {
  return useQueueSync(({ files, replace }: { files: CsvFiles; replace: boolean }) => importCsv(files, replace), onJob)
}
