import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { usePoliciesT } from '../i18n'
import type { MetricInfo } from '../model/types'
import type { MetricLabels } from './labels'

interface MetricPickerProps {
  /** id of the input (for an outside <label htmlFor>) */
  id: string
  value: string
  onChange: (name: string) => void
  metrics: readonly MetricInfo[]
  labels: MetricLabels
  invalid?: boolean
  describedBy?: string
}

/** Full-width → half-width, lower case, no spaces: "ＰＥＲ" and "per" find the same metric. */
function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_()（）]/g, '')
}

/**
 * A searchable metric select (ARIA 1.2 combobox with a grouped listbox): type part of the label in
 * either language or the metric's name; ↑/↓ move, Enter chooses, Escape closes and restores.
 */
export function MetricPicker({ id, value, onChange, metrics, labels, invalid, describedBy }: MetricPickerProps) {
  const { t } = usePoliciesT()
  const listId = useId()
  const inputRef = useRef<HTMLInputElement>(null)
  const listRef = useRef<HTMLUListElement>(null)
  const [open, setOpen] = useState(false)
  const [query, setQuery] = useState<string | null>(null)
  const [active, setActive] = useState(-1)
  const selectedLabel = value ? labels.label(value) : ''

  const options = useMemo(() => {
    const q = query ? normalize(query) : ''
    const hits = q
      ? metrics.filter((m) => [m.label_ja, m.label_en, m.name].some((text) => normalize(text).includes(q)))
      : [...metrics]
    // technical first, then fundamental, each in catalog order
    return [...hits.filter((m) => m.kind === 'technical'), ...hits.filter((m) => m.kind !== 'technical')]
  }, [metrics, query])

  useEffect(() => {
    if (!open || active < 0) return
    const element = listRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`)
    element?.scrollIntoView({ block: 'nearest' })
  }, [open, active])

  function choose(metric: MetricInfo | undefined) {
    if (metric) onChange(metric.name)
    setQuery(null)
    setOpen(false)
    setActive(-1)
  }

  function openList() {
    setOpen(true)
    const current = options.findIndex((m) => m.name === value)
    setActive(current)
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault()
        if (!open) openList()
        else if (options.length) setActive((i) => (i + 1) % options.length)
        break
      case 'ArrowUp':
        event.preventDefault()
        if (!open) openList()
        else if (options.length) setActive((i) => (i <= 0 ? options.length - 1 : i - 1))
        break
      case 'Home':
      case 'End':
        if (open && options.length && active >= 0) {
          event.preventDefault()
          setActive(event.key === 'Home' ? 0 : options.length - 1)
        }
        break
      case 'Enter':
        if (open) {
          event.preventDefault()
          choose(active >= 0 ? options[active] : options.length === 1 ? options[0] : undefined)
        }
        break
      case 'Escape':
        if (open || query !== null) {
          event.preventDefault()
          event.stopPropagation()
          setQuery(null)
          setOpen(false)
          setActive(-1)
        }
        break
      case 'Tab':
        if (open && active >= 0) choose(options[active])
        break
      default:
    }
  }

  const activeOption = open && active >= 0 ? options[active] : undefined
  const groups: { kind: string; items: { metric: MetricInfo; index: number }[] }[] = []
  options.forEach((metric, index) => {
    const last = groups[groups.length - 1]
    if (last && last.kind === metric.kind) last.items.push({ metric, index })
    else groups.push({ kind: metric.kind, items: [{ metric, index }] })
  })

  return (
    <div className={`pol-picker ${invalid ? 'pol-picker--invalid' : ''}`}>
      <input
        ref={inputRef}
        id={id}
        className="input pol-picker__input"
        type="text"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={activeOption ? `${listId}-${activeOption.name}` : undefined}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        autoComplete="off"
        spellCheck={false}
        placeholder={value ? undefined : t('picker.placeholder')}
        value={query ?? selectedLabel}
        onChange={(event) => {
          setQuery(event.target.value)
          setOpen(true)
          setActive(0)
        }}
        onFocus={(event) => event.target.select()}
        onClick={(event) => {
          if (open) return
          event.currentTarget.select()
          openList()
        }}
        onBlur={() => {
          setQuery(null)
          setOpen(false)
          setActive(-1)
        }}
        onKeyDown={onKeyDown}
      />
      {value && !open ? (
        <span className="pol-picker__unit" aria-hidden="true">
          {labels.unit(value)}
        </span>
      ) : null}
      <span
        className="pol-picker__chevron"
        aria-hidden="true"
        onMouseDown={(event) => event.preventDefault()}
        onClick={() => {
          inputRef.current?.focus()
          openList()
        }}
      >
        ▾
      </span>
      <div className="pol-picker__popup" hidden={!open}>
        <ul ref={listRef} id={listId} role="listbox" aria-label={t('picker.choose')} className="pol-picker__list">
          {(open ? groups : []).map((group) => (
            <li key={group.kind} role="presentation">
              <span className="pol-picker__group" id={`${listId}-g-${group.kind}`} aria-hidden="true">
                {t(`kind.${group.kind as 'technical'}`)}
              </span>
              <ul role="group" aria-labelledby={`${listId}-g-${group.kind}`} className="pol-picker__sublist">
                {group.items.map(({ metric, index }) => (
                  <li
                    key={metric.name}
                    id={`${listId}-${metric.name}`}
                    data-index={index}
                    role="option"
                    aria-selected={index === active}
                    className={`pol-picker__option ${metric.name === value ? 'pol-picker__option--current' : ''}`}
                    onMouseDown={(event) => event.preventDefault()}
                    onMouseEnter={() => setActive(index)}
                    onClick={() => choose(metric)}
                  >
                    <span className="pol-picker__label">
                      <span className="pol-picker__check" aria-hidden="true">
                        {metric.name === value ? '✓' : ''}
                      </span>
                      {labels.label(metric.name)}
                    </span>
                    <span className="pol-picker__meta">
                      {labels.unitName(metric.name) ? <span>{labels.unitName(metric.name)}</span> : null}
                      <code>{metric.name}</code>
                    </span>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
        {open && options.length === 0 ? <p className="pol-picker__empty">{t('picker.noMatch')}</p> : null}
      </div>
      <span className="visually-hidden" role="status" aria-live="polite">
        {open && query !== null ? (options.length ? t('picker.count', { n: options.length }) : t('picker.noMatch')) : ''}
      </span>
    </div>
  )
}
