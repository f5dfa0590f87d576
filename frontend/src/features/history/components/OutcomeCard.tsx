import { useTranslation } from 'react-i18next'
import { Change } from '@/components/Change'
import type { EvaluationRead } from '@/lib/api/types'
import { useFormat } from '@/lib/format'
import { useHistoryT } from '../i18n'

type Outcome = NonNullable<EvaluationRead['outcome']>

/** Reaching the target is good news (green); reaching the stop-loss is a warning (orange). */
function HitChip({ hit, tone }: { hit: boolean | null | undefined; tone: 'ok' | 'warn' }) {
  const { t } = useHistoryT()
  if (hit === null || hit === undefined) return <span className="chip chip--muted">{t('outcome.unknown')}</span>
  return hit ? (
    <span className={`chip chip--${tone}`}>
      <span aria-hidden="true">{tone === 'ok' ? '✓ ' : '! '}</span>
      {t('outcome.hit')}
    </span>
  ) : (
    <span className="chip chip--muted">{t('outcome.notHit')}</span>
  )
}

/**
 * "What happened since": the return from the close the evaluation saw to the latest close, the
 * range in between, and whether the target or the stop-loss was reached (and which first).
 */
export function OutcomeCard({ evaluation }: { evaluation: EvaluationRead }) {
  const { t } = useHistoryT()
  const common = useTranslation().t
  const fmt = useFormat()
  const outcome: Outcome | null | undefined = evaluation.outcome
  const { levels } = evaluation

  if (!outcome || outcome.return_pct === null || outcome.close_at_evaluation === null) {
    return (
      <section className="his-outcome his-outcome--empty card" aria-labelledby="his-outcome-title">
        <h2 className="card__title" id="his-outcome-title">
          {t('outcome.title')}
        </h2>
        <p className="muted">{t('outcome.noOutcome')}</p>
      </section>
    )
  }

  const call = common(`recommendation.${evaluation.recommendation}`)
  const r = outcome.return_pct
  const buySide = evaluation.recommendation === 'buy' || evaluation.recommendation === 'strong_buy'
  const sellSide = evaluation.recommendation === 'sell' || evaluation.recommendation === 'strong_sell'
  const verdict =
    outcome.days === 0
      ? null
      : buySide
        ? t(r >= 0 ? 'outcome.verdictBuyUp' : 'outcome.verdictBuyDown', { call })
        : sellSide
          ? t(r <= 0 ? 'outcome.verdictSellDown' : 'outcome.verdictSellUp', { call })
          : t('outcome.verdictNeutral', { call })
  const direction = r > 0 ? 'up' : r < 0 ? 'down' : 'flat'
  const paren = (text: string) => (fmt.lang.startsWith('en') ? ` (${text})` : `（${text}）`)

  return (
    <section className={`his-outcome his-outcome--${direction} card`} aria-labelledby="his-outcome-title">
      <h2 className="card__title" id="his-outcome-title">
        {t('outcome.title')}
      </h2>
      {outcome.days === 0 ? (
        <p className="muted his-outcome__same-day">{t('outcome.sameDay')}</p>
      ) : (
        <div className="his-outcome__main">
          <div className="his-outcome__return">
            <span className="his-outcome__label">{t('outcome.returnSince')}</span>
            <Change className="his-outcome__pct" value={r} format={(m) => fmt.pct(m)} />
            <span className="muted his-outcome__since">
              {t('outcome.since', { days: fmt.number(outcome.days), date: fmt.date(outcome.last_date) })}
            </span>
          </div>
          {verdict ? <p className="his-outcome__verdict">{verdict}</p> : null}
        </div>
      )}
      <dl className="his-facts">
        <div>
          <dt>{t('outcome.closeThen')}</dt>
          <dd>
            {fmt.yen(outcome.close_at_evaluation)}
            <span className="muted">{paren(fmt.date(evaluation.as_of))}</span>
          </dd>
        </div>
        <div>
          <dt>{t('outcome.closeNow')}</dt>
          <dd>
            {fmt.yen(outcome.last_close)}
            <span className="muted">{paren(fmt.date(outcome.last_date))}</span>
          </dd>
        </div>
        {outcome.max_high !== null || outcome.min_low !== null ? (
          <div>
            <dt>{t('outcome.highLow')}</dt>
            <dd>
              {fmt.yen(outcome.max_high)} / {fmt.yen(outcome.min_low)}
            </dd>
          </div>
        ) : null}
        {levels.target_price !== null ? (
          <div>
            <dt>{t('outcome.target')}</dt>
            <dd className="his-facts__hit">
              {fmt.yen(levels.target_price)} <HitChip hit={outcome.hit_target} tone="ok" />
            </dd>
          </div>
        ) : null}
        {levels.stop_loss_price !== null ? (
          <div>
            <dt>{t('outcome.stopLoss')}</dt>
            <dd className="his-facts__hit">
              {fmt.yen(levels.stop_loss_price)} <HitChip hit={outcome.hit_stop_loss} tone="warn" />
            </dd>
          </div>
        ) : null}
      </dl>
      {outcome.days > 0 && (levels.target_price !== null || levels.stop_loss_price !== null) ? (
        <p className={`his-outcome__first his-outcome__first--${outcome.first_hit ?? 'none'}`}>
          {outcome.first_hit === 'target'
            ? t('outcome.firstTarget')
            : outcome.first_hit === 'stop_loss'
              ? t('outcome.firstStop')
              : t('outcome.neither')}
        </p>
      ) : null}
    </section>
  )
}
