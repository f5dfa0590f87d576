/**
 * The 33 TSE sectors (東証33業種) with their codes as J-Quants serves them (`S33`). The screener
 * accepts the code or the Japanese name; we send the code. The table itself lives in `@/lib/sectors`.
 */
import { SECTORS } from '@/lib/sectors'

export { SECTORS, type Sector } from '@/lib/sectors'

export function isSectorCode(code: string | null): code is string {
  return code !== null && SECTORS.some((s) => s.code === code)
}
