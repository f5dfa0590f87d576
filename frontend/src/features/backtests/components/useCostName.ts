import { useFormat } from '@/lib/format'
import { useBacktestsT } from '../i18n'
import { parseCost } from '../model/costs'

/** The cost option in words: "SBI 証券（スタンダード）", "0.1%（最低 ¥100）", and the slippage if any. */
export function useCostName(): (spec: string | undefined, slippageBps?: number) => string {
  const { t } = useBacktestsT()
  const fmt = useFormat()
  return (spec, slippageBps) => {
    const choice = parseCost(spec)
    let name = t(`form.costs.${choice.kind}`)
    if (choice.kind === 'pct') {
      name = `${fmt.pct(Number(choice.rate), { digits: 2 })}${choice.minimum ? ` (min ${fmt.yen(Number(choice.minimum))})` : ''}`
    }
    return slippageBps ? `${name} + ${fmt.number(slippageBps, 1)} bp` : name
  }
}
