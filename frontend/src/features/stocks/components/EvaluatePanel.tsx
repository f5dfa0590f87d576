import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Card } from '@/components/Card'
import { ErrorMessage } from '@/components/ErrorMessage'
import { PolicySelect } from '@/components/PolicySelect'
import { SkeletonBlock } from '@/components/Skeleton'
import { usePolicies } from '@/lib/api/policies'
import type { EvaluationRead } from '@/lib/api/types'
import { useEvaluate } from '../hooks/queries'
import { EvaluationResult } from './EvaluationResult'

interface EvaluatePanelProps {
  code: string
  /** the evaluation on show (the latest one of this stock, or the one just made) */
  evaluation: EvaluationRead | undefined
  /** true while the evaluation on show is loading */
  loading: boolean
  error?: unknown
  onEvaluated: (evaluation: EvaluationRead) => void
  lang: string
  /** the policy the page was opened with (?policy=N), selected from the start */
  initialPolicyId?: number | null
}

/** Pick a policy (or none), evaluate the stock now, and see the whole judgement. */
export function EvaluatePanel({ code, evaluation, loading, error, onEvaluated, lang, initialPolicyId }: EvaluatePanelProps) {
  const { t } = useTranslation()
  const policies = usePolicies()
  const evaluate = useEvaluate(code, lang)
  // undefined until the user picks (null: no policy)
  const [policyId, setPolicyId] = useState<number | null | undefined>(initialPolicyId ?? undefined)

  // Until the user picks (or the page was opened with a policy), preselect the policy of the evaluation on show.
  useEffect(() => {
    if (policyId === undefined && evaluation) setPolicyId(evaluation.policy_id)
  }, [evaluation, policyId])

  const selected = policyId ?? null

  function run() {
    evaluate.mutate(selected, { onSuccess: (made) => onEvaluated(made) })
  }

  return (
    <Card title={t('evaluate.title')} id="evaluate" className="evaluate-card">
      <div className="evaluate-form">
        <PolicySelect
          className="evaluate-form__policy"
          label={t('evaluate.policy')}
          policies={policies.data?.items ?? []}
          value={selected}
          emptyLabel={t('evaluate.noPolicy')}
          disabled={policies.isPending}
          onChange={setPolicyId}
        />
        <button type="button" className="button button--primary evaluate-form__run" onClick={run} disabled={evaluate.isPending}>
          {evaluate.isPending ? t('evaluate.running') : t('evaluate.run')}
        </button>
      </div>
      {policies.isError ? <ErrorMessage error={policies.error} compact onRetry={() => void policies.refetch()} /> : null}
      {evaluate.isError ? <ErrorMessage error={evaluate.error} compact /> : null}
      <div aria-live="polite" aria-busy={evaluate.isPending || loading}>
        {evaluate.isPending || (loading && !evaluation) ? (
          <div className="evaluation-skeleton">
            <SkeletonBlock lines={6} lineHeight={28} />
          </div>
        ) : error && !evaluation ? (
          <ErrorMessage error={error} />
        ) : evaluation ? (
          <EvaluationResult evaluation={evaluation} />
        ) : (
          <p className="muted evaluate-intro">{t('evaluate.intro')}</p>
        )}
      </div>
    </Card>
  )
}
