import { useEffect } from 'react'
import { Link, useSearchParams } from 'react-router'
import { Card } from '@/components/Card'
import { EmptyState } from '@/components/EmptyState'
import { ErrorMessage } from '@/components/ErrorMessage'
import { Skeleton } from '@/components/Skeleton'
import { usePolicies } from '@/lib/api/policies'
import { useFormat } from '@/lib/format'
import { usePageTitle } from '@/lib/usePageTitle'
import { useCsvDownload, useScreen } from '../hooks/queries'
import { useScreenerT } from '../i18n'
import { isSectorCode } from '../model/sectors'
import type { ScreenRequest } from '../model/sort'
import { LIMITS, MARKETS, ScreenerForm } from './ScreenerForm'
import { ResultsTable } from './ResultsTable'
import '../screener.css'

const ROW_HEIGHT = 57

/** The request in the address (?policy=1&sector=3200&market=prime&limit=50), so Back returns to the same ranking. */
function requestFrom(params: URLSearchParams): ScreenRequest | null {
  const policy = Number(params.get('policy'))
  if (!Number.isInteger(policy) || policy < 1) return null
  const sector = params.get('sector')
  const market = params.get('market')
  const limitText = params.get('limit')
  const limit = limitText === 'all' ? null : LIMITS.includes(Number(limitText) as never) ? Number(limitText) : 50
  return {
    policy_id: policy,
    sector: isSectorCode(sector) ? sector : null,
    market: MARKETS.includes(market as never) ? market : null,
    limit,
  }
}

function paramsFrom(request: ScreenRequest): URLSearchParams {
  const params = new URLSearchParams({ policy: String(request.policy_id) })
  if (request.sector) params.set('sector', request.sector)
  if (request.market) params.set('market', request.market)
  params.set('limit', request.limit === null ? 'all' : String(request.limit ?? 50))
  return params
}

function TableSkeleton({ rows = 8 }: { rows?: number }) {
  return (
    <div className="table-skeleton" aria-busy="true" style={{ height: 41 + rows * ROW_HEIGHT }}>
      {Array.from({ length: rows + 1 }, (_, i) => (
        <Skeleton key={i} height={i === 0 ? 29 : ROW_HEIGHT - 12} />
      ))}
    </div>
  )
}

/** /screener: rank the universe under one of your policies, sort, download as CSV. */
export function ScreenerPage() {
  const { t } = useScreenerT()
  const fmt = useFormat()
  const [params, setParams] = useSearchParams()
  const policies = usePolicies()
  const items = policies.data?.items ?? []
  const request = requestFrom(params)
  const chosen = request ? items.find((p) => p.id === request.policy_id) : undefined
  const known = chosen !== undefined
  const screen = useScreen(known ? request : null, chosen?.version)
  const csv = useCsvDownload()
  usePageTitle(t('title'))

  // Nothing chosen (or a policy that is gone): start with the most recently changed policy.
  const first = items[0]
  useEffect(() => {
    if (first && !known) setParams(paramsFrom({ policy_id: first.id, limit: 50 }), { replace: true })
  }, [first, known, setParams])

  function submit(next: ScreenRequest) {
    const nextParams = paramsFrom(next)
    if (nextParams.toString() === params.toString()) void screen.refetch()
    else setParams(nextParams)
  }

  const result = screen.data
  const loadingFirst = screen.isPending && known

  return (
    <div className="page scr-page">
      <div>
        <h1 className="page__title">{t('title')}</h1>
        <p className="muted">{t('lead')}</p>
      </div>

      {policies.isPending ? (
        <Card>
          <Skeleton height={66} />
        </Card>
      ) : policies.isError ? (
        <ErrorMessage error={policies.error} onRetry={() => void policies.refetch()} />
      ) : items.length === 0 ? (
        <Card>
          <EmptyState
            title={t('noPolicies.title')}
            icon="✎"
            action={
              <Link className="button button--primary" to="/policies">
                {t('noPolicies.action')}
              </Link>
            }
          >
            <p>{t('noPolicies.body')}</p>
          </EmptyState>
        </Card>
      ) : (
        <>
          <Card>
            {known && request ? (
              <ScreenerForm
                key={params.toString()}
                policies={items}
                initial={request}
                busy={screen.isFetching}
                onSubmit={submit}
              />
            ) : (
              <Skeleton height={66} />
            )}
          </Card>

          <Card className="scr-results">
            <div className="scr-summary">
              <div className="scr-summary__text" role="status" aria-live="polite">
                {result ? (
                  <>
                    <p className="scr-summary__count">
                      {t('summary', { total: fmt.number(result.total), universe: fmt.number(result.universe) })}
                    </p>
                    <p className="muted scr-summary__meta">
                      {[
                        result.total > result.items.length ? t('showing', { n: result.items.length }) : null,
                        result.as_of ? t('asOf', { date: fmt.date(result.as_of) }) : null,
                        t('policyVersion', { name: result.policy.name, version: result.policy.version }),
                      ]
                        .filter(Boolean)
                        .join(' · ')}
                    </p>
                  </>
                ) : (
                  <>
                    <Skeleton height={24} width={320} />
                    <Skeleton height={18} width={240} />
                  </>
                )}
              </div>
              <button
                type="button"
                className="button scr-csv"
                disabled={!result || !request || csv.isPending}
                onClick={() => request && csv.mutate(request)}
              >
                <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
                  <path d="M10 3v9m0 0 3.5-3.5M10 12 6.5 8.5M4 14v2h12v-2" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
                </svg>
                {csv.isPending ? t('csvPreparing') : t('csv')}
              </button>
            </div>
            {csv.isError ? <ErrorMessage error={csv.error} compact /> : null}
            <p className="visually-hidden" role="status">
              {csv.data ? t('csvDone', { filename: csv.data.filename }) : ''}
            </p>

            {screen.isError ? (
              <ErrorMessage error={screen.error} onRetry={() => void screen.refetch()} />
            ) : loadingFirst || !result ? (
              <TableSkeleton />
            ) : result.items.length === 0 ? (
              <EmptyState
                title={t('noResults.title')}
                icon="∅"
                action={
                  <Link className="button" to={`/policies/${result.policy.id}`}>
                    {t('noResults.edit')}
                  </Link>
                }
              >
                <p>{t('noResults.body')}</p>
              </EmptyState>
            ) : (
              <div className={screen.isPlaceholderData ? 'scr-stale' : undefined} aria-busy={screen.isFetching}>
                <ResultsTable items={result.items} policyId={result.policy.id} />
                {result.tie_break ? <p className="footnote scr-tie-break">{result.tie_break.explanation}</p> : null}
                <p className="footnote">{t('sortHint')}</p>
              </div>
            )}
          </Card>
        </>
      )}
    </div>
  )
}
