import { useMemo } from 'react'
import { Link, useSearchParams } from 'react-router'
import { ErrorMessage } from '@/components/ErrorMessage'
import { SkeletonBlock } from '@/components/Skeleton'
import { usePolicies } from '@/lib/api/policies'
import { useFormat } from '@/lib/format'
import { usePageTitle } from '@/lib/usePageTitle'
import { useBacktest } from '../hooks/queries'
import { useBacktestsT } from '../i18n'
import { STATS, statValue } from '../model/stats'
import { type BacktestRead, type BacktestResult, paramsOf, resultOf } from '../model/types'
import { ChartFigure } from './ChartFigure'
import { COLORS } from './ResultView'
import { statText } from './StatsCards'
import '../backtests.css'

function idParam(value: string | null): number | null {
  const id = Number(value)
  return value && Number.isInteger(id) && id > 0 ? id : null
}

interface Side {
  letter: 'A' | 'B'
  backtest: BacktestRead
  result: BacktestResult
  name: string
}

/**
 * /backtests/compare?a=ID&b=ID — two runs side by side (two policies, or two versions of one):
 * every figure in two columns with the better one marked, and both equity curves on one chart,
 * each as a value of 100 at its start so that different starting cash compares fairly.
 */
export function ComparePage() {
  const { t } = useBacktestsT()
  const fmt = useFormat()
  usePageTitle(t('compareView.title'))
  const [search] = useSearchParams()
  const a = useBacktest(idParam(search.get('a')))
  const b = useBacktest(idParam(search.get('b')))
  const policies = usePolicies()
  const names = useMemo(() => new Map((policies.data?.items ?? []).map((p) => [p.id, p.name])), [policies.data])

  const sides = useMemo(() => {
    const found: Side[] = []
    for (const [letter, data] of [
      ['A', a.data],
      ['B', b.data],
    ] as const) {
      const result = data ? resultOf(data) : null
      if (!data || !result) continue
      const name = result.policy.name ?? names.get(data.policy_id) ?? t('run.untitled', { id: data.policy_id })
      found.push({ letter, backtest: data, result, name: `${name} v${data.policy_version}` })
    }
    return found
  }, [a.data, b.data, names, t])
  const series = useMemo(
    () =>
      sides.map((side, i) => ({
        label: `${side.letter}: ${side.name}`,
        color: i === 0 ? COLORS.strategy : COLORS.other,
        // A value of 100 at the start: runs with different starting cash compare fairly.
        points: side.result.equity.map((p) => ({ time: p.date, value: (p.equity / side.result.summary.initial_cash) * 100 })),
      })),
    [sides],
  )

  const back = (
    <Link to="/backtests" className="bt-back">
      ← {t('back')}
    </Link>
  )
  let body
  if (idParam(search.get('a')) === null || idParam(search.get('b')) === null) body = <p>{t('compareView.needTwo')}</p>
  else if (a.error || b.error) body = <ErrorMessage error={a.error ?? b.error} />
  else if (!a.data || !b.data) body = <SkeletonBlock lines={6} />
  else if (sides.length < 2) body = <p>{t('compareView.notReady')}</p>
  else {
    const [left, right] = sides as [Side, Side]
    body = (
      <>
        <div className="table-wrap bt-scroll" tabIndex={0} role="group" aria-label={t('compareView.title')}>
          <table className="table table--compact bt-compare">
            <caption className="visually-hidden">{t('compareView.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('compareView.figure')}</th>
                {sides.map((side) => (
                  <th scope="col" key={side.letter} className="num">
                    <Link to={`/backtests/${side.backtest.id}`}>
                      {side.letter}: {side.name}
                    </Link>
                    <span className="bt-compare__period muted">
                      {fmt.date(paramsOf(side.backtest).start)}〜{fmt.date(paramsOf(side.backtest).end)}
                    </span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {STATS.filter((def) => def.key in left.result.summary).map((def) => {
                const x = statValue(left.result.summary, def.key)
                const y = statValue(right.result.summary, def.key)
                const better =
                  def.better === undefined || x === null || y === null || x === y ? null : (x > y) === def.better ? 0 : 1
                return (
                  <tr key={def.key} data-stat={def.key}>
                    <th scope="row">{t(`stats.${def.key}.label`)}</th>
                    {sides.map((side, i) => {
                      const text = statText(def, side.result.summary, fmt, t)
                      return (
                        <td key={side.letter} className={`num ${better === i ? 'bt-compare__better' : ''}`}>
                          {text.value}
                          {better === i ? <span className="visually-hidden">{t('compareView.better')}</span> : null}
                        </td>
                      )
                    })}
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
        <ChartFigure
          title={t('compareView.equity')}
          summary={t('compareView.equityAria', {
            a: fmt.pct(left.result.summary.return_pct, { signed: true }),
            b: fmt.pct(right.result.summary.return_pct, { signed: true }),
          })}
          series={series}
          lang={fmt.lang}
          format={(value) => fmt.number(value, 0)}
        />
      </>
    )
  }
  return (
    <div className="page bt-page">
      {back}
      <h1 className="page__title">{t('compareView.title')}</h1>
      {body}
    </div>
  )
}
