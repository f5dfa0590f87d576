import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Change } from '@/components/Change'
import { ErrorMessage } from '@/components/ErrorMessage'
import { Field } from '@/components/Field'
import { PolicySelect } from '@/components/PolicySelect'
import { Skeleton } from '@/components/Skeleton'
import { type GradeHorizon, type GradingReport, useGrading } from '@/lib/api/grading'
import { usePolicies } from '@/lib/api/policies'
import { useFormat } from '@/lib/format'
import { useGradingT } from './i18n'
import './grading.css'

const HORIZONS: GradeHorizon[] = ['5', '20', '60', 'policy']

/**
 * 答え合わせ in aggregate for a chosen policy (or every evaluation): per call, the count graded,
 * hit rates, mean and median return and excess, which level came first; and the calibration table
 * (score band → mean return and hit rate). ``compact`` (the dashboard) leaves out the medians and
 * the level columns.
 */
export function GradingSummary({ compact = false }: { compact?: boolean }) {
  const { t } = useGradingT()
  const policies = usePolicies()
  const [policyId, setPolicyId] = useState<number | null>(null)
  const [horizon, setHorizon] = useState<GradeHorizon>('20')
  const report = useGrading({ policyId, horizon })
  return (
    <div className={`grd-summary${compact ? ' grd-summary--compact' : ''}`}>
      <div className="grd-controls">
        <PolicySelect
          label={t('policyLabel')}
          policies={policies.data?.items ?? []}
          value={policyId}
          onChange={(next) => {
            setPolicyId(next)
            if (next === null && horizon === 'policy') setHorizon('20')
          }}
          emptyLabel={t('allPolicies')}
        />
        <Field label={t('horizonLabel')}>
          {({ id }) => (
            <select
              id={id}
              className="input select"
              value={horizon}
              onChange={(event) => setHorizon(event.target.value as GradeHorizon)}
            >
              {HORIZONS.map((h) => (
                <option key={h} value={h}>
                  {t(`horizon.${h}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {report.isError ? (
        <ErrorMessage error={report.error} onRetry={() => void report.refetch()} />
      ) : !report.data ? (
        <div aria-busy="true">
          <Skeleton height={120} />
        </div>
      ) : (
        <div className={report.isPlaceholderData ? 'his-stale' : undefined} aria-busy={report.isFetching}>
          <Figures
            report={report.data}
            compact={compact}
            policyNames={new Map((policies.data?.items ?? []).map((p) => [p.id, p.name]))}
          />
        </div>
      )}
    </div>
  )
}

interface FiguresProps {
  report: GradingReport
  compact: boolean
  /** the user's policies by id: a group of another version or policy is named by them */
  policyNames: Map<number, string>
}

function Figures({ report, compact, policyNames }: FiguresProps) {
  const { t } = useGradingT()
  const common = useTranslation().t
  const fmt = useFormat()
  const pct = (m: number) => fmt.pct(m)
  const rate = (value: number | null) => (value === null ? common('common.none') : fmt.pct(value * 100, { digits: 0 }))
  const horizonName = t(`horizon.${report.horizon}`)
  // Versions of one policy are listed apart; without a policy chosen, every group is.
  const rows = report.groups.flatMap((group) =>
    group.horizons.map((figures) => ({ group, figures })).filter(({ figures }) => figures.horizon === report.horizon),
  )
  const totals = rows.filter(({ group }) => group.recommendation === null)
  const graded = totals.reduce((sum, { figures }) => sum + figures.graded, 0)
  const pending = totals.reduce((sum, { figures }) => sum + figures.pending, 0)
  const manyVersions = new Set(report.groups.map((g) => `${g.policy_id}:${g.policy_version}`)).size > 1

  return (
    <>
      <p className="grd-count" role="status">
        {t('summary.evaluations', { n: fmt.number(report.evaluations), graded: fmt.number(graded), pending: fmt.number(pending) })}
      </p>
      {graded === 0 ? (
        <p className="muted">{t('summary.none')}</p>
      ) : (
        <>
          <div className="grd-scroll">
            <table className="table grd-table" aria-label={t('summary.tableLabel', { horizon: horizonName })}>
              <thead>
                <tr>
                  <th scope="col">{t('summary.group')}</th>
                  <th scope="col" className="num">{t('summary.graded')}</th>
                  <th scope="col" className="num">{t('summary.hitRate')}</th>
                  <th scope="col" className="num">{t('summary.excessHitRate')}</th>
                  <th scope="col" className="num">{t('summary.mean')}</th>
                  {compact ? null : <th scope="col" className="num">{t('summary.median')}</th>}
                  <th scope="col" className="num">{t('summary.meanExcess')}</th>
                  {compact ? null : (
                    <>
                      <th scope="col" className="num">{t('summary.targetFirst')}</th>
                      <th scope="col" className="num">{t('summary.stopFirst')}</th>
                    </>
                  )}
                </tr>
              </thead>
              <tbody>
                {rows
                  .filter(({ figures }) => figures.graded > 0)
                  .map(({ group, figures }) => (
                    <tr
                      key={`${group.policy_id}:${group.policy_version}:${group.recommendation}`}
                      className={group.recommendation === null ? 'grd-total' : undefined}
                    >
                      <th scope="row">
                        {group.recommendation === null ? t('summary.all') : common(`recommendation.${group.recommendation}`)}
                        {manyVersions ? (
                          <span className="muted grd-sessions">
                            {group.policy_id === null
                              ? t('summary.noPolicy')
                              : `${policyNames.get(group.policy_id) ?? ''} v${group.policy_version ?? 1}`.trim()}
                          </span>
                        ) : null}
                      </th>
                      <td className="num">{fmt.number(figures.graded)}</td>
                      <td className="num">{rate(figures.hit_rate)}</td>
                      <td className="num">{rate(figures.excess_hit_rate)}</td>
                      <td className="num">
                        <Change value={figures.mean_return_pct} format={pct} />
                      </td>
                      {compact ? null : (
                        <td className="num">
                          <Change value={figures.median_return_pct} format={pct} />
                        </td>
                      )}
                      <td className="num">
                        <Change value={figures.mean_excess_pct} format={pct} />
                      </td>
                      {compact ? null : (
                        <>
                          <td className="num">{rate(figures.target_first_rate)}</td>
                          <td className="num">{rate(figures.stop_first_rate)}</td>
                        </>
                      )}
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
          <h3 className="grd-subtitle">{t('summary.calibration')}</h3>
          <div className="grd-scroll">
            <table className="table grd-table" aria-label={t('summary.calibrationLabel', { horizon: horizonName })}>
              <thead>
                <tr>
                  <th scope="col">{t('summary.band')}</th>
                  <th scope="col" className="num">{t('summary.count')}</th>
                  <th scope="col" className="num">{t('summary.mean')}</th>
                  <th scope="col" className="num">{t('summary.hitRate')}</th>
                </tr>
              </thead>
              <tbody>
                {report.calibration.map((band) => (
                  <tr key={band.band} className={band.count === 0 ? 'grd-row--empty' : undefined}>
                    <th scope="row">
                      {fmt.number(band.score_from)}–{fmt.number(band.score_to)}
                    </th>
                    <td className="num">{fmt.number(band.count)}</td>
                    <td className="num">
                      {band.count ? <Change value={band.mean_return_pct} format={pct} /> : common('common.none')}
                    </td>
                    <td className="num">{rate(band.hit_rate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="footnote">{t('summary.calibrationNote')}</p>
        </>
      )}
    </>
  )
}
