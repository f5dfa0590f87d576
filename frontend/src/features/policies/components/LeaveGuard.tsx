import { useId, useRef, type RefObject } from 'react'
import { useBlocker } from 'react-router'
import { usePoliciesT } from '../i18n'
import { Dialog } from './Dialog'

interface LeaveGuardProps {
  /** whether there is something to lose (read when a navigation starts) */
  dirty: boolean
  /** set to true just before the editor navigates on purpose (after creating a policy) */
  leaving: RefObject<boolean>
}

/**
 * Asks before an in-app navigation (a link, the search box, Back) leaves unsaved changes behind.
 * Closing the tab or reloading is the browser's own question (the editor's beforeunload).
 */
export function LeaveGuard({ dirty, leaving }: LeaveGuardProps) {
  const { t } = usePoliciesT()
  const stay = useRef<HTMLButtonElement>(null)
  const bodyId = useId()
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirty && !leaving.current && currentLocation.pathname !== nextLocation.pathname,
  )
  if (blocker.state !== 'blocked') return null
  return (
    <Dialog
      role="alertdialog"
      title={t('leave.title')}
      onClose={() => blocker.reset()}
      initialFocus={stay}
      describedBy={bodyId}
      footer={
        <>
          <button ref={stay} type="button" className="button button--primary" onClick={() => blocker.reset()}>
            {t('leave.stay')}
          </button>
          <button type="button" className="button pol-button--danger-outline" onClick={() => blocker.proceed()}>
            {t('leave.leave')}
          </button>
        </>
      }
    >
      <p id={bodyId}>{t('leave.body')}</p>
    </Dialog>
  )
}
