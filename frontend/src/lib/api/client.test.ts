import { clearExpiredFlag, getRefreshToken, getToken, setToken, wasExpired } from '@/lib/auth/session'
import { mockApi } from '@/test/fetchMock'
import { api, unwrap } from './client'
import { ApiError } from './errors'

/** In front of the mocked API: requests carrying `token` get a 401, as an expired token would. */
function rejectToken(token: string): void {
  const mocked = globalThis.fetch
  vi.stubGlobal('fetch', async (request: Request) => {
    if (request.headers.get('Authorization') === `Bearer ${token}`) {
      return new Response(JSON.stringify({ error: 'unauthorized', detail: 'expired', field: null }), { status: 401 })
    }
    return mocked(request)
  })
}

describe('API client', () => {
  it('sends the bearer token and the UI language', async () => {
    setToken('tok-1')
    const { calls } = mockApi([{ path: '/api/v1/watchlists', body: { items: [], total: 0 } }])
    await unwrap(api.GET('/api/v1/watchlists'))
    expect(calls[0]!.headers.get('Authorization')).toBe('Bearer tok-1')
    expect(calls[0]!.headers.get('Accept-Language')).toBe('ja')
  })

  it('clears the token on any 401, so the app goes to sign-in', async () => {
    setToken('tok-expired')
    mockApi([
      {
        path: '/api/v1/watchlists',
        status: 401,
        body: { error: 'unauthorized', detail: 'Not authenticated.', field: null },
      },
    ])
    await expect(unwrap(api.GET('/api/v1/watchlists'))).rejects.toMatchObject({ status: 401, detail: 'Not authenticated.' })
    expect(getToken()).toBeNull()
    expect(wasExpired()).toBe(true)
    clearExpiredFlag()
    expect(wasExpired()).toBe(false)
  })

  it('renews an expired access token once with the refresh token and sends the request again', async () => {
    setToken('tok-old', 'refresh-1')
    const { calls } = mockApi([
      { path: '/api/v1/watchlists', body: { items: [], total: 0 } },
      { method: 'POST', path: '/api/v1/auth/refresh', body: { access_token: 'tok-new', refresh_token: 'refresh-2' } },
    ])
    rejectToken('tok-old')
    await expect(unwrap(api.GET('/api/v1/watchlists'))).resolves.toEqual({ items: [], total: 0 })
    const refresh = calls.filter((c) => c.url.pathname === '/api/v1/auth/refresh')
    expect(refresh).toHaveLength(1)
    expect(JSON.parse(refresh[0]!.body)).toEqual({ refresh_token: 'refresh-1' })
    expect(calls.at(-1)!.headers.get('Authorization')).toBe('Bearer tok-new')
    expect(getToken()).toBe('tok-new')
    expect(getRefreshToken()).toBe('refresh-2')
    expect(wasExpired()).toBe(false)
  })

  it('shares one refresh between requests that meet a 401 together', async () => {
    setToken('tok-old', 'refresh-1')
    const { calls } = mockApi([
      {
        path: /^\/api\/v1\/(watchlists|policies)$/,
        body: (request: Request) => ({ auth: request.headers.get('Authorization') }),
      },
      { method: 'POST', path: '/api/v1/auth/refresh', body: { access_token: 'tok-new', refresh_token: 'refresh-2' } },
    ])
    rejectToken('tok-old')
    const answers = await Promise.all([
      unwrap(api.GET('/api/v1/watchlists')),
      unwrap(api.GET('/api/v1/policies')),
    ])
    expect(answers).toEqual([{ auth: 'Bearer tok-new' }, { auth: 'Bearer tok-new' }])
    expect(calls.filter((c) => c.url.pathname === '/api/v1/auth/refresh')).toHaveLength(1)
  })

  it('signs out when the refresh token is refused too', async () => {
    setToken('tok-old', 'refresh-revoked')
    mockApi([
      { path: '/api/v1/watchlists', status: 401, body: { error: 'unauthorized', detail: 'Signed out.', field: null } },
      { method: 'POST', path: '/api/v1/auth/refresh', status: 401, body: { error: 'unauthorized', detail: 'revoked', field: null } },
    ])
    await expect(unwrap(api.GET('/api/v1/watchlists'))).rejects.toMatchObject({ status: 401, detail: 'Signed out.' })
    expect(getToken()).toBeNull()
    expect(getRefreshToken()).toBeNull()
    expect(wasExpired()).toBe(true)
  })

  it('keeps the session when sign-in itself answers 401', async () => {
    setToken('tok-still-valid')
    mockApi([
      {
        method: 'POST',
        path: '/api/v1/auth/token',
        status: 401,
        body: { error: 'unauthorized', detail: 'Incorrect username or password.', field: null },
      },
    ])
    await expect(
      unwrap(api.POST('/api/v1/auth/token', { body: { username: 'a', password: 'b', scope: '' } })),
    ).rejects.toBeInstanceOf(ApiError)
    expect(getToken()).toBe('tok-still-valid')
  })

  it('turns errors into ApiError with detail, field and errors', async () => {
    mockApi([
      {
        method: 'POST',
        path: '/api/v1/watchlists/1/items',
        status: 409,
        body: { error: 'conflict', detail: "8334 is already on 'テスト'.", field: 'code' },
      },
    ])
    const error = await unwrap(
      api.POST('/api/v1/watchlists/{watchlist_id}/items', { params: { path: { watchlist_id: 1 } }, body: { code: '8334' } }),
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 409, code: 'conflict', field: 'code', detail: "8334 is already on 'テスト'." })
    expect((error as ApiError).messageFor('code')).toBe("8334 is already on 'テスト'.")
  })

  it('reports an unreachable server as a network error', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')))
    const error = await unwrap(api.GET('/api/v1/health')).catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 0, code: 'network', isNetwork: true })
  })
})
