import { vi } from 'vitest'

/**
 * A small stand-in for the API: routes by method and path (the part after the origin), answers
 * JSON, and records every request so tests can assert on what the app sent.
 */
export interface MockRoute {
  method?: string
  /** exact path ("/api/v1/health") or a pattern */
  path: string | RegExp
  status?: number
  body?: unknown | ((request: Request, url: URL) => unknown)
}

export interface RecordedCall {
  method: string
  url: URL
  headers: Headers
  body: string
}

export function mockApi(routes: MockRoute[]) {
  const calls: RecordedCall[] = []
  const spy = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init)
    const url = new URL(request.url)
    const body = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.clone().text()
    calls.push({ method: request.method, url, headers: request.headers, body })
    const route = routes.find(
      (r) =>
        (r.method ?? 'GET') === request.method &&
        (typeof r.path === 'string' ? r.path === url.pathname : r.path.test(url.pathname)),
    )
    if (!route) {
      return new Response(JSON.stringify({ error: 'not_found', detail: `no mock for ${request.method} ${url.pathname}`, field: null }), {
        status: 404,
        headers: { 'Content-Type': 'application/json' },
      })
    }
    const payload = typeof route.body === 'function' ? (route.body as (r: Request, u: URL) => unknown)(request, url) : route.body
    return new Response(payload === undefined ? null : JSON.stringify(payload), {
      status: route.status ?? 200,
      headers: { 'Content-Type': 'application/json' },
    })
  })
  vi.stubGlobal('fetch', spy)
  return { calls, spy }
}

export const demoHealth = (demo: boolean) => ({
  status: 'ok',
  version: '0.1.0',
  data: {
    sources: ['demo'],
    demo,
    latest_bar_date: '2026-11-27',
    last_sync: {
      id: 1,
      status: 'succeeded',
      source: 'demo',
      started_at: '2026-11-28T11:22:49Z',
      finished_at: '2026-11-28T11:22:50Z',
      steps_done: 30,
      steps_total: 30,
      error: null,
    },
  },
})
