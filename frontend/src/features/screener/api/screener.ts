import { api, unwrap } from '@/lib/api/client'
import type { ScreenRequest, ScreenResult } from '../model/sort'

export async function runScreen(body: ScreenRequest): Promise<ScreenResult> {
  return unwrap(api.POST('/api/v1/screener', { body }))
}

export interface CsvFile {
  blob: Blob
  filename: string
}

/** `attachment; filename="screen-policy1-2026-11-27.csv"` → the file name. */
export function filenameFrom(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition)
  if (star?.[1]) return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''))
  const plain = /filename="?([^";]+)"?/i.exec(disposition)
  return plain?.[1]?.trim() || fallback
}

/**
 * The same ranking as CSV. Fetched through the API client (so the Authorization header goes
 * with it) as a blob, to be saved with an object URL.
 */
export async function fetchCsv(body: ScreenRequest): Promise<CsvFile> {
  const call = api.POST('/api/v1/screener/export.csv', { body, parseAs: 'blob' })
  const blob = (await unwrap(call)) as unknown as Blob
  const { response } = await call
  return { blob, filename: filenameFrom(response.headers.get('Content-Disposition'), `screen-policy${body.policy_id}.csv`) }
}

/** Save a blob as a file: a temporary link to an object URL, clicked and then released. */
export function saveFile({ blob, filename }: CsvFile): void {
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
