import { api, unwrap } from '@/lib/api/client'
import type {
  CsvKind,
  CsvPreview,
  DataSourceState,
  JQuantsCheck,
  JQuantsPlan,
  SourceName,
  SyncEstimate,
  SyncJob,
} from '@/lib/api/dataSource'
import { isApiError } from '@/lib/api/errors'
import { fetchJobs, JobConflictError } from '@/lib/api/jobs'
import type { StockList } from '@/lib/api/types'

/**
 * The data page's calls: /api/v1/data-source (administrators) and the active sync job. The JSON
 * routes go through the typed client; the uploads (multipart) and the templates (CSV) through the
 * same client without the generated body types, which describe form fields, not a FormData.
 */
type Call = (path: string, init?: Record<string, unknown>) => Promise<{ data?: unknown; error?: unknown; response: Response }>
const untyped = api as unknown as { GET: Call; POST: Call }

const BASE = '/api/v1/data-source'

export async function fetchDataSource(): Promise<DataSourceState> {
  return unwrap(api.GET('/api/v1/data-source'))
}

/** One cheap call to J-Quants with the key (nothing stored). A refused key is a 422 on `api_key`. */
export async function checkJQuantsKey(apiKey: string, plan: JQuantsPlan): Promise<JQuantsCheck> {
  return unwrap(api.POST('/api/v1/data-source/jquants/check', { body: { api_key: apiKey, plan } }))
}

/** Store the key (checked again by the server) and plan; a null key keeps the stored one. */
export async function saveJQuants(apiKey: string | null, plan: JQuantsPlan): Promise<DataSourceState> {
  return unwrap(api.PUT('/api/v1/data-source/jquants', { body: { api_key: apiKey, plan } }))
}

export async function forgetJQuantsKey(): Promise<void> {
  await unwrap(api.DELETE('/api/v1/data-source/jquants'))
}

export async function saveYfinanceCodes(codes: string[]): Promise<DataSourceState> {
  return unwrap(api.PUT('/api/v1/data-source/yfinance', { body: { codes } }))
}

export type EstimatedSource = 'jquants' | 'yfinance'

/** `plan` (J-Quants): the cost under a plan before it is saved; without it, the stored plan's. */
export async function fetchEstimate(source: EstimatedSource, plan?: JQuantsPlan): Promise<SyncEstimate> {
  return unwrap(api.GET('/api/v1/data-source/estimate', { params: { query: plan ? { source, plan } : { source } } }))
}

/** The files chosen for an upload: prices are required, the other two optional. */
export type CsvFiles = Partial<Record<CsvKind, File>>

function formOf(files: CsvFiles, extra: Record<string, string> = {}): FormData {
  const form = new FormData()
  for (const kind of ['bars', 'fundamentals', 'stocks'] as const) {
    const file = files[kind]
    if (file) form.append(kind, file, file.name)
  }
  for (const [name, value] of Object.entries(extra)) form.append(name, value)
  return form
}

/** Read the files and report every error by file, row and column; nothing is written. */
export async function previewCsv(files: CsvFiles): Promise<CsvPreview> {
  return unwrap(untyped.POST(`${BASE}/csv/preview`, { body: formOf(files) })) as Promise<CsvPreview>
}

/** Queue the import (all or nothing). A 422 carries the same errors as the preview. */
export async function importCsv(files: CsvFiles, replace: boolean): Promise<SyncJob> {
  const call = untyped.POST(`${BASE}/csv/import`, { body: formOf(files, { replace: String(replace) }) })
  return (unwrap(call) as Promise<SyncJob>).catch((error: unknown) => explainConflict(error))
}

/** The example file of a kind, fetched with the token (the route is for administrators). */
export async function fetchTemplate(kind: CsvKind): Promise<Blob> {
  return unwrap(untyped.GET(`${BASE}/csv/templates/${kind}`, { parseAs: 'blob' })) as Promise<Blob>
}

/** Make `source` the active one and queue its sync (replacing demo data by real or back). */
export async function activateSource(source: Exclude<SourceName, 'csv'>): Promise<SyncJob> {
  return unwrap(api.POST('/api/v1/data-source/activate', { body: { source, confirm: true } })).catch(
    (error: unknown) => explainConflict(error),
  )
}

/** The sync queued or running now, if any: what the page follows after a reload. */
export async function fetchActiveSync(): Promise<SyncJob | null> {
  const jobs = await fetchJobs({ active: true, kind: 'sync', limit: 1 })
  return jobs[0] ?? null
}

/**
 * A 409 because a sync is already queued or running: name that job, so the page can follow it.
 * Another 409 (demo data held without "replace") is said as the server words it.
 */
async function explainConflict(error: unknown): Promise<never> {
  if (!isApiError(error) || error.status !== 409) throw error
  const active = await fetchActiveSync().catch(() => null)
  if (!active) throw error
  throw new JobConflictError(error, 'sync', active)
}

/** Listed names for the yfinance codes (GET /stocks?q=…), once a real master is known. */
export async function suggestStocks(q: string, signal?: AbortSignal): Promise<StockList> {
  return unwrap(api.GET('/api/v1/stocks', { params: { query: { q, limit: 8 } }, signal }))
}

/** Save a blob as a file: a temporary link to an object URL, clicked and then released. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.style.display = 'none'
  document.body.appendChild(link)
  link.click()
  link.remove()
  window.setTimeout(() => URL.revokeObjectURL(url), 1000)
}
