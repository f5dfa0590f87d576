import { useId, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { ErrorMessage } from '@/components/ErrorMessage'
import { useDeletePolicy } from '../hooks/queries'
import { usePoliciesT } from '../i18n'
import { Dialog } from './Dialog'

interface DeletePolicyDialogProps {
  policy: { id: number; name: string }
  onClose: () => void
  onDeleted: (name: string) => void
}

/** "Delete “…”?" — Cancel has the focus, so Enter does no harm. */
export function DeletePolicyDialog({ policy, onClose, onDeleted }: DeletePolicyDialogProps) {
  const { t } = usePoliciesT()
  const common = useTranslation().t
  const remove = useDeletePolicy()
  const cancel = useRef<HTMLButtonElement>(null)
  const bodyId = useId()

  return (
    <Dialog
      role="alertdialog"
      title={t('deleteDialog.title', { name: policy.name })}
      onClose={onClose}
      initialFocus={cancel}
      describedBy={bodyId}
      footer={
        <>
          <button ref={cancel} type="button" className="button" onClick={onClose}>
            {common('common.cancel')}
          </button>
          <button
            type="button"
            className="button pol-button--danger"
            disabled={remove.isPending}
            onClick={() => remove.mutate(policy.id, { onSuccess: () => onDeleted(policy.name) })}
          >
            {remove.isPending ? t('deleteDialog.deleting') : t('deleteDialog.confirm')}
          </button>
        </>
      }
    >
      <p id={bodyId}>{t('deleteDialog.body')}</p>
      {remove.isError ? <ErrorMessage error={remove.error} compact /> : null}
    </Dialog>
  )
}
