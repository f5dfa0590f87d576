import { Link, useSearchParams } from 'react-router'
import { Card } from '@/components/Card'
import { EmptyState } from '@/components/EmptyState'
import { ErrorMessage } from '@/components/ErrorMessage'
import { GradingSummary, useGradingT } from '@/components/grading'
import { Skeleton } from '@/components/Skeleton'
import { usePolicies } from '@/lib/api/policies'
import { useFormat } from '@/lib/format'
import { stockName as nameOf } from '@/lib/stockNames'
import { usePageTitle } from '@/lib/usePageTitle'
import { useEvaluations } from '../hooks/queries'
import { useHistoryT } from '../i18n'
import { filtersFrom, hasFilters, PAGE_SIZE, paramsFrom, queryFrom, type Filters } from '../model/filters'
import { EvaluationTable } from './EvaluationTable'
import { HistoryFilters } from './HistoryFilters'
import { TimelineCard } from './TimelineCard'
import '../history.css'

const ROW_HEIGHT = 57

/** /history: your evaluations with filters and pages, and a stock's score timeline when one is chosen. */
export function HistoryPage() {
  const { t } = useHistoryT()
  const fmt = useFormat()
  const [params, setParams] = useSearchParams()
  const filters = filtersFrom(params)
  const query = queryFrom(filters)
  const evaluations = useEvaluations(query)
  const policies = usePolicies()
  const grading = useGradingT().t
  usePageTitle(t('title'))

  const change = (next: Filters) => setParams(paramsFrom(next))
  const data = evaluations.data
  const total = data?.total ?? 0
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
  const first = data?.items[0]
  const stockName =
    filters.code && first?.stock_code === filters.code
      ? nameOf({ name: first.stock_name, name_en: first.stock_name_en }, fmt.lang) || null
      : null

  return (
    <div className="page his-page">
      <div>
        <h1 className="page__title">{t('title')}</h1>
        <p className="muted">{t('lead')}</p>
      </div>

      <Card>
        <HistoryFilters filters={filters} policies={policies.data?.items ?? []} onChange={change} />
      </Card>

      {filters.code ? <TimelineCard key={filters.code} code={filters.code} name={stockName} policyId={filters.policyId} /> : null}

      <Card className="his-results">
        <div className="his-results__head">
          <p className="his-results__count" role="status" aria-live="polite">
            {data
              ? total === 0
                ? ''
                : t('count', {
                    total: fmt.number(total),
                    from: fmt.number(query.offset + 1),
                    to: fmt.number(Math.min(query.offset + PAGE_SIZE, total)),
                  })
              : '\u00a0'}
          </p>
        </div>
        {evaluations.isError ? (
          <ErrorMessage error={evaluations.error} onRetry={() => void evaluations.refetch()} />
        ) : !data ? (
          <div className="table-skeleton" aria-busy="true" style={{ height: 41 + 6 * ROW_HEIGHT }}>
            {Array.from({ length: 7 }, (_, i) => (
              <Skeleton key={i} height={i === 0 ? 29 : ROW_HEIGHT - 12} />
            ))}
          </div>
        ) : data.items.length === 0 ? (
          hasFilters(filters) ? (
            <EmptyState title={t('empty.filteredTitle')} icon="∅">
              <p>{t('empty.filteredBody')}</p>
            </EmptyState>
          ) : (
            <EmptyState
              title={t('empty.title')}
              action={
                <Link className="button" to="/">
                  {t('empty.action')}
                </Link>
              }
            >
              <p>{t('empty.body')}</p>
            </EmptyState>
          )
        ) : (
          <div className={evaluations.isPlaceholderData ? 'his-stale' : undefined} aria-busy={evaluations.isFetching}>
            <EvaluationTable items={data.items} />
          </div>
        )}
        {data && pages > 1 ? (
          <nav className="his-pager" aria-label={t('pagination')}>
            <button
              type="button"
              className="button button--small"
              disabled={filters.page <= 1}
              onClick={() => change({ ...filters, page: filters.page - 1 })}
            >
              <span aria-hidden="true">‹ </span>
              {t('prev')}
            </button>
            <span className="his-pager__page" aria-current="page">
              {t('page', { page: filters.page, pages })}
            </span>
            <button
              type="button"
              className="button button--small"
              disabled={filters.page >= pages}
              onClick={() => change({ ...filters, page: filters.page + 1 })}
            >
              {t('next')}
              <span aria-hidden="true"> ›</span>
            </button>
          </nav>
        ) : null}
      </Card>

      <Card title={grading('title')} id="grading">
        <p className="muted">{grading('lead')}</p>
        <GradingSummary />
      </Card>
    </div>
  )
}
