import { Link } from 'react-router'
import { Card } from '@/components/Card'
import { GradingSummary, useGradingT } from '@/components/grading'

/** 答え合わせ on the dashboard: how past calls of a chosen policy fared, and by score band. */
export function GradingCard() {
  const { t } = useGradingT()
  return (
    <Card
      title={t('title')}
      id="dash-grading"
      actions={
        <Link className="button button--small" to="/history#grading">
          {t('summary.open')}
        </Link>
      }
    >
      <GradingSummary compact />
    </Card>
  )
}
