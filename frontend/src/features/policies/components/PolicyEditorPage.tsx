import { useState } from 'react'
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router'
import { Card } from '@/components/Card'
import { EmptyState } from '@/components/EmptyState'
import { ErrorMessage } from '@/components/ErrorMessage'
import { Skeleton } from '@/components/Skeleton'
import { isApiError } from '@/lib/api/errors'
import { useVocabulary } from '@/lib/api/policies'
import { useFormat } from '@/lib/format'
import { usePageTitle } from '@/lib/usePageTitle'
import { usePolicy, usePresets } from '../hooks/queries'
import { usePoliciesT } from '../i18n'
import { policyToDraft, type PolicyDraft } from '../model/draft'
import { STYLES, type Style, type Vocabulary } from '../model/types'
import { DeletePolicyDialog } from './DeletePolicyDialog'
import { uiLanguage } from './labels'
import { PolicyEditor } from './PolicyEditor'
import { VersionHistory } from './VersionHistory'
import '../policies.css'

function blankDraft(vocabulary: Vocabulary): PolicyDraft {
  return {
    name: '',
    description: '',
    style: 'value',
    horizon: 'medium',
    riskTolerance: 3,
    targetReturnPct: '15',
    stopLossPct: '8',
    trailingStopPct: '',
    weights: Object.fromEntries(vocabulary.score_parts.map((part) => [part, 1])),
    rules: [],
  }
}

function EditorSkeleton() {
  return (
    <div className="pol-editor" aria-busy="true">
      <div className="pol-editor__grid">
        <div className="card pol-editor__card">
          <Skeleton height={22} width={120} />
          <div style={{ height: 12 }} />
          <Skeleton height={252} />
        </div>
        <div className="card pol-editor__card">
          <Skeleton height={22} width={160} />
          <div style={{ height: 12 }} />
          <Skeleton height={252} />
        </div>
        <div className="card pol-editor__card pol-editor__card--wide">
          <Skeleton height={22} width={100} />
          <div style={{ height: 12 }} />
          <Skeleton height={360} />
        </div>
      </div>
    </div>
  )
}

/** /policies/:id (and /policies/new?preset=style): the policy form, its versions and delete. */
export function PolicyEditorPage() {
  const { id = '' } = useParams()
  const isNew = id === 'new'
  const policyId = /^\d+$/.test(id) ? Number(id) : null
  return <PolicyEditorView key={id} isNew={isNew} policyId={policyId} />
}

function PolicyEditorView({ isNew, policyId }: { isNew: boolean; policyId: number | null }) {
  const { t, i18n } = usePoliciesT()
  const fmt = useFormat()
  const navigate = useNavigate()
  const location = useLocation()
  const [params] = useSearchParams()
  const presetStyle = params.get('preset')
  const preset = isNew && STYLES.includes(presetStyle as Style) ? (presetStyle as Style) : null
  const vocabulary = useVocabulary()
  const policy = usePolicy(policyId)
  const presets = usePresets(uiLanguage(i18n.language), preset !== null)
  const [generation, setGeneration] = useState(0)
  const [deleting, setDeleting] = useState(false)
  // "Created" belongs to the first version only: saving a v2 (same page, same history entry) drops it.
  const justCreated = Boolean((location.state as { created?: boolean } | null)?.created) && policy.data?.version === 1

  const title = isNew ? t('editor.newTitle') : (policy.data?.name ?? t('editor.editTitle'))
  usePageTitle(title)

  const back = (
    <Link to="/policies" className="pol-back">
      <span aria-hidden="true">← </span>
      {t('editor.back')}
    </Link>
  )

  const notFound = (!isNew && policyId === null) || (isApiError(policy.error) && policy.error.status === 404)
  if (notFound) {
    return (
      <div className="page">
        {back}
        <EmptyState
          title={t('editor.notFound')}
          icon="?"
          action={
            <Link className="button" to="/policies">
              {t('editor.back')}
            </Link>
          }
        >
          <p>{t('editor.notFoundBody')}</p>
        </EmptyState>
      </div>
    )
  }

  const error = vocabulary.error ?? policy.error ?? presets.error
  const loading = vocabulary.isPending || (!isNew && policy.isPending) || (preset !== null && presets.isPending)

  let initial: PolicyDraft | null = null
  if (!loading && !error && vocabulary.data) {
    if (policy.data) initial = policyToDraft(policy.data, vocabulary.data.score_parts)
    else if (preset && presets.data) {
      const chosen = presets.data.find((p) => p.style === preset)
      initial = chosen ? policyToDraft(chosen.policy, vocabulary.data.score_parts) : blankDraft(vocabulary.data)
    } else initial = blankDraft(vocabulary.data)
  }

  return (
    <div className="page pol-page">
      {back}
      <div className="pol-page__head">
        <div>
          <h1 className="page__title">{title}</h1>
          <p className="muted pol-page__meta">
            {policy.data ? t('editor.meta', { version: policy.data.version, date: fmt.dateTime(policy.data.updated_at) }) : '\u00a0'}
            {justCreated && policy.data ? <span className="chip chip--ok pol-created">{t('editor.created')}</span> : null}
          </p>
        </div>
        {policy.data ? (
          <div className="pol-page__actions">
            <Link className="button" to={`/backtests/new?policy=${policy.data.id}`}>
              {t('editor.backtest')}
            </Link>
            <button type="button" className="button pol-button--danger-outline" onClick={() => setDeleting(true)}>
              {t('delete')}
            </button>
          </div>
        ) : null}
      </div>

      {error ? (
        <ErrorMessage
          error={error}
          onRetry={() => {
            void vocabulary.refetch()
            if (!isNew) void policy.refetch()
          }}
        />
      ) : initial && vocabulary.data ? (
        <PolicyEditor
          key={`${policy.data?.id ?? 'new'}-${generation}`}
          policy={policy.data ?? null}
          initial={initial}
          vocabulary={vocabulary.data}
          onReload={() => {
            void policy.refetch().then(() => setGeneration((g) => g + 1))
          }}
        />
      ) : (
        <EditorSkeleton />
      )}

      {policy.data && vocabulary.data ? (
        <Card title={t('versions.title')} id="pol-versions">
          <VersionHistory policyId={policy.data.id} vocabulary={vocabulary.data} />
        </Card>
      ) : null}

      {deleting && policy.data ? (
        <DeletePolicyDialog
          policy={policy.data}
          onClose={() => setDeleting(false)}
          onDeleted={(name) => navigate('/policies', { state: { deleted: name } })}
        />
      ) : null}
    </div>
  )
}
