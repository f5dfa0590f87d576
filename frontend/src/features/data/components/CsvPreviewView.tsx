import type { CsvError, CsvFileSummary } from '@/lib/api/dataSource'
import { useFormat } from '@/lib/format'
import { useDataT } from '../i18n'

function cell(value: string | number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value)
}

/** The first rows of one file, as read by the server, with what it found in it. */
function FilePreview({ file }: { file: CsvFileSummary }) {
  const { t } = useDataT()
  const fmt = useFormat()
  const kindName = t(`csv.kind.${file.kind}`)
  const summary =
    file.from_date && file.to_date
      ? t('csv.fileSummaryPeriod', {
          rows: fmt.number(file.rows),
          codes: fmt.number(file.codes),
          from: fmt.date(file.from_date),
          to: fmt.date(file.to_date),
          encoding: file.encoding ?? '—',
        })
      : t('csv.fileSummary', { rows: fmt.number(file.rows), codes: fmt.number(file.codes), encoding: file.encoding ?? '—' })
  return (
    <div className="data-preview__file" data-kind={file.kind}>
      <p className="data-preview__name">
        <span className="data-preview__filename">{file.filename}</span> <span className="muted">{summary}</span>
      </p>
      <div className="table-wrap">
        <table className="table table--compact data-preview__table">
          <caption className="visually-hidden">
            {t('csv.previewCaption', { file: file.filename, kind: kindName, count: file.preview.length })}
          </caption>
          <thead>
            <tr>
              {file.columns.map((column) => (
                <th key={column} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {file.preview.map((row, index) => (
              <tr key={index}>
                {file.columns.map((column) => (
                  <td key={column}>{cell(row[column])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}

/** Every error of the upload, by file, row and column (the header is row 1). */
export function CsvErrors({ errors }: { errors: CsvError[] }) {
  const { t } = useDataT()
  const fmt = useFormat()
  return (
    <section className="data-errors" aria-labelledby="data-errors-title">
      <h3 className="subheading data-errors__title" id="data-errors-title">
        {t('csv.errorsTitle', { count: fmt.number(errors.length) })}
      </h3>
      <p className="data-lead">{t('csv.errorsLead')}</p>
      <div className="table-wrap">
        <table className="table table--compact table--cards data-errors__table">
          <thead>
            <tr>
              <th scope="col">{t('csv.errorFile')}</th>
              <th scope="col" className="num">
                {t('csv.errorRow')}
              </th>
              <th scope="col">{t('csv.errorColumn')}</th>
              <th scope="col">{t('csv.errorMessage')}</th>
            </tr>
          </thead>
          <tbody>
            {errors.map((error, index) => (
              <tr key={`${error.file}-${error.row}-${error.column ?? ''}-${index}`}>
                <td data-label={t('csv.errorFile')}>{t(`csv.kind.${error.file}`)}</td>
                <td className="num" data-label={t('csv.errorRow')}>
                  {fmt.number(error.row)}
                </td>
                <td data-label={t('csv.errorColumn')}>{error.column ?? '—'}</td>
                <td className="data-errors__message" data-label={t('csv.errorMessage')}>
                  {error.message}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

export function CsvFilesPreview({ files }: { files: CsvFileSummary[] }) {
  const { t } = useDataT()
  return (
    <section className="data-preview" aria-labelledby="data-preview-title">
      <h3 className="subheading" id="data-preview-title">
        {t('csv.preview')}
      </h3>
      {files.map((file) => (
        <FilePreview key={file.kind} file={file} />
      ))}
    </section>
  )
}
