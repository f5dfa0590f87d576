import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { queryKeys } from '@/lib/api/keys'
import { useDebouncedValue } from '@/lib/useDebouncedValue'
import { searchStocks } from '../api/searchStocks'

export const SEARCH_DEBOUNCE_MS = 250

/** Search as you type: waits for a pause in typing, keeps the last results while the next load. */
export function useStockSearch(input: string) {
  const q = useDebouncedValue(input.trim(), SEARCH_DEBOUNCE_MS)
  const query = useQuery({
    queryKey: queryKeys.stocks.search(q),
    queryFn: ({ signal }) => searchStocks(q, signal),
    enabled: q.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 5 * 60_000,
  })
  return { ...query, q, settled: q === input.trim() }
}
