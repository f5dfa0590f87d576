import { useId, useRef, useState, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import type { StockItem } from '@/lib/api/types'
import { useStockSearch } from '../hooks/useStockSearch'

/**
 * The header's stock search: an ARIA 1.2 combobox with a listbox of up to 10 stocks.
 * ↑/↓ move, Enter opens the highlighted stock (or the first), Escape closes and then clears.
 */
export function SearchBox() {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const id = useId()
  const listId = `${id}-list`
  const inputRef = useRef<HTMLInputElement>(null)
  const [input, setInput] = useState('')
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(-1)
  const search = useStockSearch(input)
  const items: StockItem[] = input.trim() && search.data ? search.data.items : []
  const showList = open && input.trim().length > 0
  const activeItem = active >= 0 ? items[active] : undefined

  function choose(item: StockItem | undefined) {
    if (!item) return
    setOpen(false)
    setActive(-1)
    setInput('')
    inputRef.current?.blur()
    navigate(`/stocks/${encodeURIComponent(item.code)}`)
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault()
        setOpen(true)
        if (items.length) setActive((i) => (i + 1) % items.length)
        break
      case 'ArrowUp':
        event.preventDefault()
        setOpen(true)
        if (items.length) setActive((i) => (i <= 0 ? items.length - 1 : i - 1))
        break
      case 'Home':
      case 'End':
        if (showList && items.length && active >= 0) {
          event.preventDefault()
          setActive(event.key === 'Home' ? 0 : items.length - 1)
        }
        break
      case 'Enter':
        if (showList && items.length) {
          event.preventDefault()
          choose(activeItem ?? items[0])
        }
        break
      case 'Escape':
        if (showList) {
          event.preventDefault()
          setOpen(false)
          setActive(-1)
        } else if (input) {
          event.preventDefault()
          setInput('')
        }
        break
      default:
    }
  }

  const status = !input.trim()
    ? ''
    : search.isFetching || !search.settled
      ? t('search.searching')
      : items.length
        ? `${t('search.resultsCount', { n: items.length })}。${t('search.hint')}`
        : t('search.noResults', { q: input.trim() })

  return (
    <div className="search">
      <label htmlFor={`${id}-input`} className="visually-hidden">
        {t('search.label')}
      </label>
      <span className="search__icon" aria-hidden="true">
        <svg viewBox="0 0 20 20" width="16" height="16">
          <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="2" />
          <path d="M13 13l4.5 4.5" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
      </span>
      <input
        ref={inputRef}
        id={`${id}-input`}
        className="search__input"
        type="search"
        role="combobox"
        aria-expanded={showList}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={showList && activeItem ? `${id}-opt-${activeItem.code}` : undefined}
        aria-describedby={`${id}-status`}
        autoComplete="off"
        spellCheck={false}
        placeholder={t('search.placeholder')}
        value={input}
        onChange={(event) => {
          setInput(event.target.value)
          setOpen(true)
          setActive(-1)
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      <div className="search__popup" hidden={!showList}>
        <ul id={listId} role="listbox" aria-label={t('search.label')} className="search__list">
          {items.map((item, index) => (
            <li
              key={item.code}
              id={`${id}-opt-${item.code}`}
              role="option"
              aria-selected={index === active}
              className="search__option"
              onMouseDown={(event) => event.preventDefault()}
              onMouseEnter={() => setActive(index)}
              onClick={() => choose(item)}
            >
              <span className="search__code">{item.code}</span>
              <span className="search__name">{item.name}</span>
              <span className="search__meta">{item.sector ?? ''}</span>
            </li>
          ))}
        </ul>
        {showList && !items.length ? <p className="search__empty">{status}</p> : null}
      </div>
      <span id={`${id}-status`} className="visually-hidden" role="status" aria-live="polite">
        {showList ? status : ''}
      </span>
    </div>
  )
}
