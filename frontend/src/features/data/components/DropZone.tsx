import { useRef, useState, type DragEvent } from 'react'
import type { CsvKind } from '@/lib/api/dataSource'
import { useDataT } from '../i18n'

interface DropZoneProps {
  kind: CsvKind
  required: boolean
  file: File | undefined
  onFile: (file: File | undefined) => void
  onTemplate: () => void
}

/** One file of an upload: drop it here, or choose it with the button; its template beside it. */
export function DropZone({ kind, required, file, onFile, onTemplate }: DropZoneProps) {
  const { t } = useDataT()
  const input = useRef<HTMLInputElement>(null)
  const [over, setOver] = useState(false)
  const kindName = t(`csv.kind.${kind}`)

  function onDrop(event: DragEvent) {
    event.preventDefault()
    setOver(false)
    const dropped = event.dataTransfer.files[0]
    if (dropped) onFile(dropped)
  }

  return (
    <div
      className={`data-drop ${over ? 'data-drop--over' : ''} ${file ? 'data-drop--filled' : ''}`}
      data-kind={kind}
      onDragOver={(event) => {
        event.preventDefault()
        setOver(true)
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <p className="data-drop__title">
        {kindName} <span className={`chip chip--small ${required ? 'chip--warn' : 'chip--muted'}`}>{required ? t('csv.required') : t('csv.optional')}</span>
      </p>
      <p className="data-drop__file">{file ? file.name : <span className="muted">{t('csv.drop')}</span>}</p>
      <div className="data-drop__actions">
        <input
          ref={input}
          type="file"
          name={kind}
          accept=".csv,text/csv"
          className="visually-hidden"
          tabIndex={-1}
          aria-hidden="true"
          onChange={(event) => {
            const chosen = event.target.files?.[0]
            if (chosen) onFile(chosen)
            event.target.value = ''
          }}
        />
        <button type="button" className="button button--small" aria-label={t('csv.choose', { kind: kindName })} onClick={() => input.current?.click()}>
          {file ? t('csv.replaceFile') : t('csv.choose', { kind: kindName })}
        </button>
        {file ? (
          <button type="button" className="button button--small button--link" aria-label={t('csv.remove', { kind: kindName })} onClick={() => onFile(undefined)}>
            ✕
          </button>
        ) : null}
        <button type="button" className="button button--small button--link" onClick={onTemplate}>
          {t('csv.template', { kind: kindName })}
        </button>
      </div>
    </div>
  )
}
