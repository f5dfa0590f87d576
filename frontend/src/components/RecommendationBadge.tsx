import { useTranslation } from 'react-i18next'
import type { Recommendation } from '@/lib/api/types'

const MARK: Record<Recommendation, string> = {
  strong_buy: '◎',
  buy: '○',
  neutral: '－',
  sell: '△',
  strong_sell: '×',
}

/** 強い買い … 強い売り, coloured (buy red, sell blue as on Japanese order screens) and with a mark. */
export function RecommendationBadge({ value, size = 'md' }: { value: string; size?: 'md' | 'lg' }) {
  const { t } = useTranslation()
  const known = (value in MARK ? value : 'neutral') as Recommendation
  return (
    <span className={`badge badge--${known.replace('_', '-')} badge--${size}`}>
      <span aria-hidden="true" className="badge__mark">
        {MARK[known]}
      </span>
      {t(`recommendation.${known}`)}
    </span>
  )
}
