import { Change } from '@/components/Change'
import type { GradeRead } from '@/lib/api/grading'
import { useFormat } from '@/lib/format'
import { useGradingT } from './i18n'
import './grading.css'

/**
 * One evaluation's 答え合わせ at +5/+20/+60 sessions and its policy's horizon: return, excess over
 * the market, entry zone reached, and whether the target or the stop came first. A window that
 * has not ended is said to be pending (with the day it ends), never given a partial figure.
 */
export function GradesTable({ grades }: { grades: GradeRead[] }) {
  const { t } = useGradingT()
  const fmt = useFormat()
  const pct = (m: number) => fmt.pct(m)
  return (
    <div className="grd-scroll">
      <table className="table grd-table">
        <caption className="grd-caption">{t('grades.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('grades.horizon')}</th>
            <th scope="col">{t('grades.return')}</th>
            <th scope="col">{t('grades.excess')}</th>
            <th scope="col">{t('grades.entry')}</th>
            <th scope="col">{t('grades.first')}</th>
          </tr>
        </thead>
        <tbody>
          {grades.map((grade) => (
            <tr key={grade.horizon} className={`grd-row grd-row--${grade.status}`}>
              <th scope="row">
                {t(`horizon.${grade.horizon}`)}
                {grade.horizon === 'policy' ? (
                  <span className="muted grd-sessions">{t('grades.sessions', { n: fmt.number(grade.sessions) })}</span>
                ) : null}
              </th>
              {grade.status === 'graded' ? (
                <>
                  <td className="num">
                    <Change value={grade.forward_return_pct} format={pct} />
                  </td>
                  <td className="num">
                    <Change value={grade.excess_return_pct} format={pct} />
                  </td>
                  <td>
                    {grade.entry_reached === null
                      ? t('grades.none')
                      : grade.entry_reached
                        ? t('grades.reached')
                        : t('grades.notReached')}
                  </td>
                  <td>
                    {grade.first_hit === 'target'
                      ? t('grades.target')
                      : grade.first_hit === 'stop_loss'
                        ? t('grades.stop')
                        : grade.first_hit === 'neither'
                          ? t('grades.neither')
                          : t('grades.none')}
                  </td>
                </>
              ) : (
                <td colSpan={4} className="muted">
                  {grade.status === 'pending'
                    ? grade.end_date
                      ? t('grades.pending', { date: fmt.date(grade.end_date) })
                      : t('grades.pendingNoDate')
                    : t('grades.noData')}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="footnote">{t('grades.benchmarkNote')}</p>
    </div>
  )
}
