/**
 * The history's filters live in the address (?code=7203&policy=1&from=2026-06-01&to=…&page=2), so
 * a filtered view can be bookmarked and Back returns to it. The API takes them as
 * stock_code, policy_id, from, to, limit and offset.
 */
export const PAGE_SIZE = 20
const CODE = /^[0-9A-Za-z]{4,5}$/
const DATE = /^\d{4}-\d{2}-\d{2}$/

export interface Filters {
  code: string
  policyId: number | null
  from: string
  to: string
  page: number
}

export interface EvaluationQuery {
  stock_code?: string
  policy_id?: number
  from?: string
  to?: string
  limit: number
  offset: number
}

export function isCode(text: string): boolean {
  return CODE.test(text)
}

export function filtersFrom(params: URLSearchParams): Filters {
  const code = (params.get('code') ?? '').trim().toUpperCase()
  const policy = Number(params.get('policy'))
  const page = Number(params.get('page'))
  const date = (name: string) => {
    const value = params.get(name) ?? ''
    return DATE.test(value) ? value : ''
  }
  return {
    code: isCode(code) ? code : '',
    policyId: Number.isInteger(policy) && policy > 0 ? policy : null,
    from: date('from'),
    to: date('to'),
    page: Number.isInteger(page) && page > 1 ? page : 1,
  }
}

export function paramsFrom(filters: Filters): URLSearchParams {
  const params = new URLSearchParams()
  if (filters.code) params.set('code', filters.code)
  if (filters.policyId) params.set('policy', String(filters.policyId))
  if (filters.from) params.set('from', filters.from)
  if (filters.to) params.set('to', filters.to)
  if (filters.page > 1) params.set('page', String(filters.page))
  return params
}

/** The query of GET /evaluations for these filters (only what is set). */
export function queryFrom(filters: Filters): EvaluationQuery {
  const query: EvaluationQuery = { limit: PAGE_SIZE, offset: (filters.page - 1) * PAGE_SIZE }
  if (filters.code) query.stock_code = filters.code
  if (filters.policyId) query.policy_id = filters.policyId
  if (filters.from) query.from = filters.from
  if (filters.to) query.to = filters.to
  return query
}

export function hasFilters(filters: Filters): boolean {
  return Boolean(filters.code || filters.policyId || filters.from || filters.to)
}
