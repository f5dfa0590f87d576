import type { ReactNode } from 'react'

interface CardProps {
  title?: ReactNode
  /** Heading level of the title (default h2). */
  level?: 2 | 3
  actions?: ReactNode
  children: ReactNode
  className?: string
  id?: string
}

/** A titled panel. */
export function Card({ title, level = 2, actions, children, className = '', id }: CardProps) {
  const Heading = level === 2 ? 'h2' : 'h3'
  return (
    <section className={`card ${className}`} aria-labelledby={title && id ? `${id}-title` : undefined} id={id}>
      {title || actions ? (
        <header className="card__header">
          {title ? (
            <Heading className="card__title" id={id ? `${id}-title` : undefined}>
              {title}
            </Heading>
          ) : null}
          {actions ? <div className="card__actions">{actions}</div> : null}
        </header>
      ) : null}
      <div className="card__body">{children}</div>
    </section>
  )
}
