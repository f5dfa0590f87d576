import { Link, useParams } from 'react-router'
import { Card } from '@/components/Card'
import { EmptyState } from '@/components/EmptyState'
import { ErrorMessage } from '@/components/ErrorMessage'
import { EvaluationReasons, EvaluationScores } from '@/components/evaluation'
import { GradesTable, useGradingT } from '@/components/grading'
import { RecommendationBadge } from '@/components/RecommendationBadge'
import { Skeleton } from '@/components/Skeleton'
import { isApiError } from '@/lib/api/errors'
import { useEvaluation } from '@/lib/api/evaluations'
import { useVocabulary } from '@/lib/api/policies'
import { useFormat } from '@/lib/format'
import { stockName } from '@/lib/stockNames'
import { usePageTitle } from '@/lib/usePageTitle'
import { useHistoryT } from '../i18n'
import { useTriggerLabel } from './EvaluationTable'
import { OutcomeCard } from './OutcomeCard'
import { ValuesSection } from './ValuesSection'
import '../history.css'

/** /history/:id — one evaluation: what happened since, the scores, and every reason. */
export function EvaluationDetailPage() {
  const { id = '' } = useParams()
  const evaluationId = /^\d+$/.test(id) ? Number(id) : null
  return <EvaluationDetail key={id} evaluationId={evaluationId} />
}

function EvaluationDetail({ evaluationId }: { evaluationId: number | null }) {
  const { t, i18n } = useHistoryT()
  const fmt = useFormat()
  const evaluation = useEvaluation(evaluationId, i18n.language)
  const vocabulary = useVocabulary()
  const triggerLabel = useTriggerLabel()
  const grading = useGradingT().t
  const data = evaluation.data
  const name = data ? stockName({ name: data.stock_name, name_en: data.stock_name_en }, fmt.lang) : ''
  usePageTitle(data ? `${data.stock_code} ${name} · ${fmt.date(data.as_of)}` : t('detail.title'))

  const back = (
    <Link to="/history" className="his-back">
      <span aria-hidden="true">← </span>
      {t('detail.back')}
    </Link>
  )

  if (evaluationId === null || (isApiError(evaluation.error) && evaluation.error.status === 404)) {
    return (
      <div className="page">
        {back}
        <EmptyState
          title={t('detail.notFound')}
          icon="?"
          action={
            <Link className="button" to="/history">
              {t('detail.back')}
            </Link>
          }
        >
          <p>{t('detail.notFoundBody')}</p>
        </EmptyState>
      </div>
    )
  }

  if (evaluation.isError) {
    return (
      <div className="page">
        {back}
        <ErrorMessage error={evaluation.error} onRetry={() => void evaluation.refetch()} />
      </div>
    )
  }

  if (!data) {
    return (
      <div className="page his-detail" aria-busy="true">
        {back}
        <span className="visually-hidden">{t('detail.title')}</span>
        <div className="his-detail__head">
          <Skeleton height={34} width={320} />
          <Skeleton height={20} width={260} />
        </div>
        <div className="card">
          <Skeleton height={24} width={200} />
          <div style={{ height: 12 }} />
          <Skeleton height={150} />
        </div>
        <div className="card">
          <Skeleton height={180} />
        </div>
      </div>
    )
  }

  return (
    <div className="page his-detail">
      {back}
      <header className="his-detail__head">
        <div className="his-detail__title">
          <span className="code-badge">{data.stock_code}</span>
          <h1 className="page__title">{name || data.stock_code}</h1>
          <RecommendationBadge value={data.recommendation} size="lg" />
        </div>
        <p className="his-detail__meta muted">
          <span>{t('detail.evaluatedAt', { date: fmt.dateTime(data.created_at), asOf: fmt.date(data.as_of) })}</span>
          <span>
            {data.policy_name
              ? t('policyVersion', { name: data.policy_name, version: data.policy_version ?? 1 })
              : t('noPolicy')}
          </span>
          <span>{t('detail.trigger', { trigger: triggerLabel(data.trigger) })}</span>
        </p>
        <div className="his-detail__links">
          {/* The stock page opens under the evaluation's policy (it selects ?policy=N). */}
          <Link
            className="button button--small"
            to={`/stocks/${encodeURIComponent(data.stock_code)}${data.policy_id ? `?policy=${data.policy_id}` : ''}`}
          >
            {t('detail.openStock')}
          </Link>
          <Link className="button button--small" to={`/history?code=${encodeURIComponent(data.stock_code)}`}>
            {t('detail.sameStock')}
          </Link>
        </div>
      </header>

      <div className="his-detail__top">
        <OutcomeCard evaluation={data} />
        <Card title={t('detail.scores')} id="his-scores">
          <EvaluationScores evaluation={data} />
        </Card>
      </div>

      {data.grades && data.grades.length > 0 ? (
        <Card title={grading('grades.title')} id="his-grades">
          <GradesTable grades={data.grades} />
        </Card>
      ) : null}

      <Card>
        <EvaluationReasons evaluation={data} headingLevel={2} />
        <ValuesSection evaluation={data} vocabulary={vocabulary.data} />
      </Card>
    </div>
  )
}
