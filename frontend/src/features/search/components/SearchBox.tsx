import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import { Change } from '@/components/Change'
import type { StockListItem } from '@/lib/api/types'
import { useFormat } from '@/lib/format'
import { sectorName, stockName } from '@/lib/stockNames'
import { useStockSearch } from '../hooks/useStockSearch'

/**
 * A TSE securities code: four characters, a digit first, the rest digits or (new-style codes such
 * as 130A) capital letters. Typed in full width or lower case with a Japanese IME, so normalised.
 */
const STOCK_CODE = /^[0-9][0-9A-Z]{3}$/

export function asStockCode(input: string): string | null {
  const code = input.normalize('NFKC').trim().toUpperCase()
  return STOCK_CODE.test(code) ? code : null
}

/**
 * The header's stock search: an ARIA 1.2 combobox with a listbox of up to 10 stocks, each with its
 * last close and the change against the previous session.
 * ↑/↓ move, Enter opens the highlighted stock, a typed code, or the first match of what is typed
 * (waiting for its results: never the previous word's), Escape closes and then clears.
 */
export function SearchBox() {
  const { t, i18n } = useTranslation()
  const fmt = useFormat()
  const navigate = useNavigate()
  const id = useId()
  const listId = `${id}-list`
  const inputRef = useRef<HTMLInputElement>(null)
  const [input, setInput] = useState('')
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(-1)
  const search = useStockSearch(input)
  const items: StockListItem[] = input.trim() && search.data ? search.data.items : []
  const showList = open && input.trim().length > 0
  const activeItem = active >= 0 ? items[active] : undefined
  // The list on screen answers what is typed now (not the previous word, kept while the next loads).
  const fresh = search.settled && !search.isPlaceholderData && !search.isFetching
  // Enter pressed before the results for what is typed arrived: open the first once they do.
  const [pendingEnter, setPendingEnter] = useState(false)

  function openStock(code: string) {
    setOpen(false)
    setActive(-1)
    setInput('')
    setPendingEnter(false)
    inputRef.current?.blur()
    navigate(`/stocks/${encodeURIComponent(code)}`)
  }

  function choose(item: StockListItem | undefined) {
    if (item) openStock(item.code)
  }

  useEffect(() => {
    if (!pendingEnter || !fresh) return
    if (items[0]) openStock(items[0].code)
    else setPendingEnter(false) // nothing matches: the list says so
  }, [pendingEnter, fresh, items])

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
      case 'Enter': {
        const code = asStockCode(input)
        if (showList && activeItem) {
          // the user moved onto this option: open exactly what they highlighted
          event.preventDefault()
          choose(activeItem)
        } else if (code) {
          event.preventDefault()
          openStock(code)
        } else if (input.trim()) {
          event.preventDefault()
          if (fresh && items[0]) choose(items[0])
          else if (!fresh) setPendingEnter(true)
        }
        break
      }
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
          setPendingEnter(false)
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
              <span className="search__name">{stockName(item, i18n.language)}</span>
              <span className="search__meta">{sectorName(item, i18n.language)}</span>
              {item.last_close != null ? (
                <>
                  <span className="search__price">
                    <span className="visually-hidden">{t('stock.lastClose')} </span>
                    {fmt.yen(item.last_close)}
                  </span>
                  <span className="search__change">
                    <Change value={item.change_pct} format={(m) => fmt.pct(m)} />
                  </span>
                </>
              ) : null}
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
