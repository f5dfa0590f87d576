import { useId, useState } from 'react'
import { ErrorMessage } from '@/components/ErrorMessage'
import { useJobText } from '@/components/jobs'
import type { CsvError, CsvKind, DataSourceState, SyncJob } from '@/lib/api/dataSource'
import { isApiError } from '@/lib/api/errors'
import { type CsvFiles, fetchTemplate, saveBlob } from '../api/dataSource'
import { useImportCsv, usePreviewCsv } from '../hooks/queries'
import { useDataT } from '../i18n'
import { CsvErrors, CsvFilesPreview } from './CsvPreviewView'
import { DropZone } from './DropZone'

const KINDS: CsvKind[] = ['bars', 'fundamentals', 'stocks']
/** The names of the example files under examples/ that the templates are. */
const TEMPLATE_NAMES: Record<CsvKind, string> = { bars: 'prices.csv', fundamentals: 'fundamentals.csv', stocks: 'stocks.csv' }

/** A refused import (422) carries the same errors as the preview: every one, by file, row and column. */
function importErrors(error: unknown): CsvError[] {
  if (!isApiError(error) || error.status !== 422) return []
  return (error.errors as unknown[]).filter(
    (item): item is CsvError => typeof item === 'object' && item !== null && 'file' in item && 'row' in item,
  )
}

/**
 * CSV: a drop zone per file (prices required), each file previewed by the server as soon as it is
 * chosen (nothing written), every error listed; the import is all or nothing and runs as a sync.
 */
export function CsvPanel({ state, busy, onJob }: { state: DataSourceState; busy: boolean; onJob: (job: SyncJob) => void }) {
  const { t } = useDataT()
  const text = useJobText()
  const ids = useId()
  const [files, setFiles] = useState<CsvFiles>({})
  const [replace, setReplace] = useState(false)
  const [templateError, setTemplateError] = useState<unknown>(null)
  const preview = usePreviewCsv()
  const importer = useImportCsv(onJob)
  const mustReplace = state.stored_data === 'demo'

  function choose(kind: CsvKind, file: File | undefined) {
    const next = { ...files, [kind]: file }
    if (!file) delete next[kind]
    setFiles(next)
    importer.reset()
    if (next.bars) preview.mutate(next)
    else preview.reset()
  }

  function downloadTemplate(kind: CsvKind) {
    setTemplateError(null)
    fetchTemplate(kind).then((blob) => saveBlob(blob, TEMPLATE_NAMES[kind]), setTemplateError)
  }

  const errors = [...(preview.data?.errors ?? []), ...importErrors(importer.error)]
  const ready = Boolean(files.bars) && preview.isSuccess && preview.data.ok && errors.length === 0
  const conflict = text.conflict(importer.error)
  const canImport = ready && (!mustReplace || replace) && !busy && !importer.isPending

  function startImport() {
    importer.mutate(
      { files, replace: mustReplace ? replace : false },
      {
        onSuccess: () => {
          setFiles({})
          preview.reset()
        },
      },
    )
  }

  return (
    <section className="data-panel" aria-labelledby={`${ids}-title`}>
      <h2 className="card__title" id={`${ids}-title`}>
        {t('csv.title')}
      </h2>
      <p className="muted data-lead">{t('csv.lead')}</p>
      <div className="data-drops">
        {KINDS.map((kind) => (
          <DropZone
            key={kind}
            kind={kind}
            required={kind === 'bars'}
            file={files[kind]}
            onFile={(file) => choose(kind, file)}
            onTemplate={() => downloadTemplate(kind)}
          />
        ))}
      </div>
      {templateError ? <ErrorMessage error={templateError} compact /> : null}
      {!files.bars && (files.fundamentals || files.stocks) ? <p className="field__error">{t('csv.needsBars')}</p> : null}
      <div aria-live="polite">
        {preview.isPending ? <p className="muted">{t('csv.previewing')}</p> : null}
        {preview.isError ? <ErrorMessage error={preview.error} compact /> : null}
      </div>
      {preview.isSuccess && preview.data.files.length ? <CsvFilesPreview files={preview.data.files} /> : null}
      {errors.length ? <CsvErrors errors={errors} /> : null}
      {ready ? (
        <p className="data-message data-message--ok" role="status">
          {t('csv.noErrors')}
        </p>
      ) : null}
      {mustReplace && ready ? (
        <div className="data-replace">
          <label className="data-check">
            <input type="checkbox" checked={replace} onChange={(event) => setReplace(event.target.checked)} />
            <span>{t('csv.replace')}</span>
          </label>
          <p className="field__hint">{t('csv.replaceHint')}</p>
        </div>
      ) : null}
      <div className="data-actions">
        <button type="button" className="button button--primary" disabled={!canImport} onClick={startImport}>
          {importer.isPending ? t('csv.importing') : t('csv.import')}
        </button>
        {errors.length ? <span className="field__error">{t('csv.importDisabled')}</span> : null}
      </div>
      {conflict ? (
        <p className="data-message data-message--conflict" role="status">
          {conflict}
        </p>
      ) : importer.isError && importErrors(importer.error).length === 0 ? (
        <ErrorMessage error={importer.error} compact />
      ) : null}
    </section>
  )
}
