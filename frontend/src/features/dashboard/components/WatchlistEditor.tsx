import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { ErrorMessage } from '@/components/ErrorMessage'
import { TextField } from '@/components/Field'
import { PolicySelect } from '@/components/PolicySelect'
import { usePolicies } from '@/lib/api/policies'
import type { WatchlistSummary } from '@/lib/api/types'
import { useDeleteWatchlist, useUpdateWatchlist } from '../hooks/queries'
import { useWatchlistT } from '../i18n'

interface Props {
  summary: WatchlistSummary
  onDeleted: (name: string) => void
}

/** A watchlist's settings inside its card: its name, its policy, and deleting it (after asking). */
export function WatchlistEditor({ summary, onDeleted }: Props) {
  const { t } = useWatchlistT()
  const common = useTranslation().t
  const id = useId()
  const policies = usePolicies()
  const rename = useUpdateWatchlist(summary.id)
  const setPolicy = useUpdateWatchlist(summary.id)
  const remove = useDeleteWatchlist(summary.id)
  const [name, setName] = useState(summary.name)
  const [problem, setProblem] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const cancel = useRef<HTMLButtonElement>(null)
  const deleteButton = useRef<HTMLButtonElement>(null)

  const asked = useRef(false)
  // Cancel takes the focus when the question appears, so Enter does no harm; when it goes, the
  // focus returns to the button that asked it.
  useEffect(() => {
    if (confirming) cancel.current?.focus()
    else if (asked.current) deleteButton.current?.focus()
    asked.current = confirming
  }, [confirming])

  function saveName(event: FormEvent) {
    event.preventDefault()
    const trimmed = name.trim()
    if (!trimmed) {
      setProblem(t('manage.nameRequired'))
      return
    }
    setProblem(null)
    if (trimmed !== summary.name) rename.mutate({ name: trimmed })
  }

  function closeQuestion() {
    setConfirming(false)
  }

  return (
    <div className="wl-editor" role="group" aria-label={t('manage.panel', { name: summary.name })}>
      <form className="wl-editor__row" onSubmit={saveName} noValidate>
        <TextField
          label={t('manage.name')}
          value={name}
          maxLength={100}
          error={problem}
          onChange={(event) => {
            setName(event.target.value)
            rename.reset()
          }}
        />
        <button type="submit" className="button" disabled={rename.isPending}>
          {rename.isPending ? t('manage.saving') : t('manage.saveName')}
        </button>
      </form>
      {rename.isError ? <ErrorMessage error={rename.error} compact /> : null}
      <PolicySelect
        label={t('policy.label')}
        policies={policies.data?.items ?? []}
        value={summary.policy_id}
        disabled={setPolicy.isPending || policies.isPending}
        onChange={(policyId) => setPolicy.mutate(policyId === null ? { clear_policy: true } : { policy_id: policyId })}
        emptyLabel={t('policy.none')}
        className="wl-editor__policy"
      />
      {setPolicy.isError ? <ErrorMessage error={setPolicy.error} compact /> : null}
      <p className="card__status" role="status">
        {rename.isSuccess || setPolicy.isSuccess ? t('manage.saved') : ''}
      </p>
      {confirming ? (
        <div
          className="wl-confirm"
          role="alertdialog"
          aria-labelledby={`${id}-q`}
          aria-describedby={`${id}-body`}
          onKeyDown={(event) => {
            if (event.key === 'Escape') closeQuestion()
          }}
        >
          <p className="wl-confirm__title" id={`${id}-q`}>
            {t('manage.confirmTitle', { name: summary.name })}
          </p>
          <p id={`${id}-body`}>
            {summary.size > 0 ? t('manage.confirmBody', { n: summary.size }) : t('manage.confirmBodyEmpty')}
          </p>
          {remove.isError ? <ErrorMessage error={remove.error} compact /> : null}
          <div className="wl-confirm__buttons">
            <button ref={cancel} type="button" className="button" onClick={closeQuestion}>
              {common('common.cancel')}
            </button>
            <button
              type="button"
              className="button button--danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate(undefined, { onSuccess: () => onDeleted(summary.name) })}
            >
              {remove.isPending ? t('manage.deleting') : t('manage.confirm')}
            </button>
          </div>
        </div>
      ) : (
        <button ref={deleteButton} type="button" className="button button--danger-quiet wl-editor__delete" onClick={() => setConfirming(true)}>
          {t('manage.delete')}
        </button>
      )}
    </div>
  )
}
