import { useFormat } from '@/lib/format'
import { Change } from './Change'

/** A 0–100 score and its change since the previous evaluation (▲▼, not colour alone). */
export function ScoreChange({ score, change }: { score: number | null | undefined; change?: number | null }) {
  const fmt = useFormat()
  return (
    <span className="score-change">
      <span className="score-change__score">{fmt.number(score, 1)}</span>
      {change === undefined || change === null ? null : (
        <Change className="score-change__delta" value={change} format={(m) => fmt.number(m, 1)} />
      )}
    </span>
  )
}
