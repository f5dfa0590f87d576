import type { CSSProperties } from 'react'
import { useTranslation } from 'react-i18next'

interface SkeletonProps {
  /** Fixed height, so that the real content does not shift the layout when it arrives. */
  height: number | string
  width?: number | string
  className?: string
  rounded?: boolean
}

/** A grey placeholder block (hidden from assistive technology). */
export function Skeleton({ height, width = '100%', className = '', rounded = false }: SkeletonProps) {
  const style: CSSProperties = { height, width }
  return <span aria-hidden="true" className={`skeleton ${rounded ? 'skeleton--round' : ''} ${className}`} style={style} />
}

/** A region that is loading: announces "loading" once and shows `lines` skeleton rows. */
export function SkeletonBlock({ lines = 3, lineHeight = 20, gap = 12 }: { lines?: number; lineHeight?: number; gap?: number }) {
  const { t } = useTranslation()
  return (
    <div className="skeleton-block" role="status" aria-live="polite" style={{ gap }}>
      <span className="visually-hidden">{t('common.loading')}</span>
      {Array.from({ length: lines }, (_, i) => (
        <Skeleton key={i} height={lineHeight} width={i === lines - 1 && lines > 1 ? '60%' : '100%'} />
      ))}
    </div>
  )
}

/** A whole page that is loading (its code, on the first visit): a title and a card, as most pages start. */
export function PageSkeleton() {
  return (
    <div className="page" aria-busy="true">
      <Skeleton height={34} width={220} />
      <div className="card">
        <SkeletonBlock lines={5} lineHeight={28} />
      </div>
    </div>
  )
}
