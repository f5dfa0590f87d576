import { useState, type FormEvent } from 'react'
import { ErrorMessage } from '@/components/ErrorMessage'
import { PolicySelect } from '@/components/PolicySelect'
import { TextField } from '@/components/Field'
import { usePolicies } from '@/lib/api/policies'
import { useCreateWatchlist } from '../hooks/queries'
import { useWatchlistT } from '../i18n'

/** Create an empty watchlist (stocks are added from the stock page), optionally under a policy. */
export function NewWatchlistForm() {
  const { t } = useWatchlistT()
  const policies = usePolicies()
  const create = useCreateWatchlist()
  const [name, setName] = useState('')
  const [policyId, setPolicyId] = useState<number | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [created, setCreated] = useState<string | null>(null)

  function submit(event: FormEvent) {
    event.preventDefault()
    const trimmed = name.trim()
    setCreated(null)
    if (!trimmed) {
      setProblem(t('manage.nameRequired'))
      return
    }
    setProblem(null)
    create.mutate(
      { name: trimmed, policyId },
      {
        onSuccess: (list) => {
          setName('')
          setPolicyId(null)
          setCreated(t('create.created', { name: list.name }))
        },
      },
    )
  }

  return (
    <form className="wl-create" onSubmit={submit} aria-label={t('create.title')} noValidate>
      <TextField
        label={t('create.name')}
        value={name}
        maxLength={100}
        placeholder={t('create.namePlaceholder')}
        error={problem}
        onChange={(event) => setName(event.target.value)}
      />
      <PolicySelect
        label={t('policy.label')}
        policies={policies.data?.items ?? []}
        value={policyId}
        onChange={setPolicyId}
        emptyLabel={t('policy.none')}
      />
      <button type="submit" className="button button--primary wl-create__submit" disabled={create.isPending}>
        {create.isPending ? t('create.creating') : t('create.submit')}
      </button>
      {create.isError ? <ErrorMessage error={create.error} compact /> : null}
      <p className="card__status wl-create__status" role="status">
        {created ?? ''}
      </p>
    </form>
  )
}
