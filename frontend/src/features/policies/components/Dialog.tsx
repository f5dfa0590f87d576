import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react'
import { createPortal } from 'react-dom'
import { useTranslation } from 'react-i18next'

interface DialogProps {
  title: string
  onClose: () => void
  children: ReactNode
  /** buttons at the bottom */
  footer?: ReactNode
  /** what gets the focus when the dialog opens (default: the first focusable element) */
  initialFocus?: RefObject<HTMLElement | null>
  /** alertdialog for a confirmation */
  role?: 'dialog' | 'alertdialog'
  size?: 'sm' | 'lg'
  describedBy?: string
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

/**
 * A modal dialog: focus moves in when it opens, Tab stays inside, Escape and the backdrop close it,
 * and the focus goes back to where it was when it closes. The page behind is inert.
 */
export function Dialog({ title, onClose, children, footer, initialFocus, role = 'dialog', size = 'sm', describedBy }: DialogProps) {
  const { t } = useTranslation()
  const id = useId()
  const panel = useRef<HTMLDivElement>(null)
  const closeRef = useRef(onClose)
  closeRef.current = onClose

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null
    const root = document.getElementById('root')
    root?.setAttribute('inert', '')
    const first = initialFocus?.current ?? panel.current?.querySelector<HTMLElement>(FOCUSABLE) ?? panel.current
    first?.focus()
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.stopPropagation()
        closeRef.current()
        return
      }
      if (event.key !== 'Tab' || !panel.current) return
      const items = [...panel.current.querySelectorAll<HTMLElement>(FOCUSABLE)]
      if (!items.length) return
      const firstItem = items[0]!
      const lastItem = items[items.length - 1]!
      if (event.shiftKey && document.activeElement === firstItem) {
        event.preventDefault()
        lastItem.focus()
      } else if (!event.shiftKey && document.activeElement === lastItem) {
        event.preventDefault()
        firstItem.focus()
      }
    }
    document.addEventListener('keydown', onKey)
    const overflow = document.body.style.overflow
    document.body.style.overflow = 'hidden'
    return () => {
      document.removeEventListener('keydown', onKey)
      document.body.style.overflow = overflow
      root?.removeAttribute('inert')
      opener?.focus?.()
    }
    // Set up once per opening: `initialFocus` is read when the dialog opens.
  }, [])

  return createPortal(
    <div className="pol-dialog__backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div
        ref={panel}
        className={`pol-dialog pol-dialog--${size}`}
        role={role}
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={describedBy}
        tabIndex={-1}
      >
        <header className="pol-dialog__header">
          <h2 className="pol-dialog__title" id={`${id}-title`}>
            {title}
          </h2>
          <button type="button" className="pol-dialog__close" aria-label={t('common.close')} onClick={onClose}>
            <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
              <path d="M5 5l10 10M15 5L5 15" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
            </svg>
          </button>
        </header>
        <div className="pol-dialog__body">{children}</div>
        {footer ? <footer className="pol-dialog__footer">{footer}</footer> : null}
      </div>
    </div>,
    document.body,
  )
}
