import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { ErrorMessage } from '@/components/ErrorMessage'
import { Skeleton } from '@/components/Skeleton'
import { ApiError } from '@/lib/api/errors'
import { useAddToWatchlist, useWatchlistsForAdding } from '../hooks/queries'

/** "Add to watchlist": pick one of your lists, or create a new one with this stock. */
export function AddToWatchlist({ code }: { code: string }) {
  const { t } = useTranslation()
  const id = useId()
  const [open, setOpen] = useState(false)
  const [name, setName] = useState('')
  const [done, setDone] = useState<string | null>(null)
  // lists the API said (409) already hold this stock: marked, so nobody tries them again
  const [holding, setHolding] = useState<ReadonlySet<number>>(new Set())
  const [already, setAlready] = useState<string | null>(null)
  const watchlists = useWatchlistsForAdding(open)
  const add = useAddToWatchlist(code)
  const root = useRef<HTMLDivElement>(null)
  const toggle = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    if (!open) return
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false)
        toggle.current?.focus()
      }
    }
    const onClick = (event: MouseEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false)
    }
    document.addEventListener('keydown', onKey)
    document.addEventListener('mousedown', onClick)
    return () => {
      document.removeEventListener('keydown', onKey)
      document.removeEventListener('mousedown', onClick)
    }
  }, [open])

  useEffect(() => {
    if (!done) return
    const timer = window.setTimeout(() => setDone(null), 5000)
    return () => window.clearTimeout(timer)
  }, [done])

  function addTo(target: { id: number; name: string } | { name: string }) {
    setAlready(null)
    add.mutate('id' in target ? { id: target.id } : { name: target.name }, {
      onError: (error) => {
        // 409: the stock is on that list already. Not a failure to show in red, and not "added".
        if ('id' in target && error instanceof ApiError && error.status === 409) {
          add.reset()
          setHolding((ids) => new Set(ids).add(target.id))
          setAlready(t('stock.alreadyOnList', { name: target.name }))
        }
      },
      onSuccess: () => {
        setDone(t('stock.added', { name: target.name }))
        setOpen(false)
        setName('')
        toggle.current?.focus()
      },
    })
  }

  function create(event: FormEvent) {
    event.preventDefault()
    addTo({ name: name.trim() || t('stock.defaultWatchlistName') })
  }

  return (
    <div className="popover-anchor" ref={root}>
      <button
        ref={toggle}
        type="button"
        className="button"
        aria-expanded={open}
        aria-controls={`${id}-panel`}
        onClick={() => {
          setOpen((o) => !o)
          add.reset()
          setAlready(null)
        }}
      >
        <span aria-hidden="true">＋</span> {t('stock.addToWatchlist')}
      </button>
      <p className="popover-status" role="status">
        {done ?? ''}
      </p>
      {open ? (
        <div className="popover" id={`${id}-panel`} role="group" aria-label={t('stock.addToWatchlist')}>
          {add.isError ? <ErrorMessage error={add.error} compact /> : null}
          {already ? (
            <p className="popover__note" role="status">
              {already}
            </p>
          ) : null}
          {watchlists.isPending ? (
            <Skeleton height={36} />
          ) : watchlists.isError ? (
            <ErrorMessage error={watchlists.error} compact />
          ) : watchlists.data.items.length ? (
            <ul className="popover__list">
              {watchlists.data.items.map((watchlist) => (
                <li key={watchlist.id}>
                  <button
                    type="button"
                    className="popover__item"
                    disabled={add.isPending || holding.has(watchlist.id)}
                    onClick={() => addTo({ id: watchlist.id, name: watchlist.name })}
                  >
                    {holding.has(watchlist.id) ? (
                      <>
                        {watchlist.name}
                        <span className="popover__item-note">{t('stock.alreadyOn')}</span>
                      </>
                    ) : (
                      t('stock.addTo', { name: watchlist.name })
                    )}
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
          <form className="popover__form" onSubmit={create}>
            <label htmlFor={`${id}-name`} className="field__label">
              {t('stock.newWatchlistName')}
            </label>
            <div className="inline-form">
              <input
                id={`${id}-name`}
                className="input"
                value={name}
                maxLength={100}
                placeholder={t('stock.defaultWatchlistName')}
                onChange={(e) => setName(e.target.value)}
              />
              <button type="submit" className="button button--primary" disabled={add.isPending}>
                {t('stock.create')}
              </button>
            </div>
          </form>
        </div>
      ) : null}
    </div>
  )
}
