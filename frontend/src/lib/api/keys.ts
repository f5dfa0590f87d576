/**
 * Query keys shared by features, so that one feature's change refreshes another's view
 * (e.g. adding to a watchlist on the stock page refreshes the dashboard).
 */
export const queryKeys = {
  me: ['me'] as const,
  stocks: {
    search: (q: string) => ['stocks', 'search', q] as const,
    detail: (code: string) => ['stocks', code] as const,
    prices: (code: string, period: string, interval = '1d') => ['stocks', code, 'prices', period, interval] as const,
    financials: (code: string) => ['stocks', code, 'financials'] as const,
  },
  /** Built on the market data: refreshed with it after a job (lib/api/jobs.ts). */
  marketOverview: ['market', 'overview'] as const,
  policies: ['policies'] as const,
  vocabulary: ['policies', 'vocabulary'] as const,
  watchlists: {
    all: ['watchlists'] as const,
    detail: (id: number) => ['watchlists', id] as const,
  },
  evaluations: {
    all: ['evaluations'] as const,
    list: (params: Record<string, unknown>) => ['evaluations', 'list', params] as const,
    detail: (id: number, lang: string) => ['evaluations', 'detail', id, lang] as const,
  },
  syncRuns: ['sync', 'runs'] as const,
  jobs: {
    all: ['jobs'] as const,
    lists: ['jobs', 'list'] as const,
    list: (params: Record<string, unknown>) => ['jobs', 'list', params] as const,
    detail: (id: number) => ['jobs', 'detail', id] as const,
  },
}
